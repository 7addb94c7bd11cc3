import { type FormEvent, useCallback, useEffect, useId, useRef, useState } from 'react';
import {
  type ApiError,
  api,
  asApiError,
  type ComplianceRegime,
  type ComplianceSummary,
  type DsrRequest,
  type PiiScan,
} from '../api.ts';
import { ErrorMessage, Field, focusFirstInvalid, ServiceBanner, SignIn, Spinner } from '../components.tsx';
import { type Credential, type Identity, learnIdentity, useCredential } from '../credentials.ts';
import {
  actionsFor,
  canWrite,
  formatInZone,
  hasDataSubjects,
  REDACTIONS,
  REGIMES,
  type Redaction,
  type RegimeId,
  type RequestAction,
  STATUS_LABELS,
  segmentText,
  serviceBase,
  serviceOf,
  startOfLocalDay,
  subjectFrom,
  viewerTimeZone,
} from '../privacy.ts';
import { HipaaPanels } from './privacy/Hipaa.tsx';
import { PipedaPanels } from './privacy/Pipeda.tsx';
import { PopiaPanels } from './privacy/Popia.tsx';
import { SoxPanels } from './privacy/Sox.tsx';
import { SubjectFields, type SubjectInput, subjectErrors, ZonedTime } from './privacy/shared.tsx';

const REQUEST_LIMIT = 50;
const PII_MAX = 20_000;
const VERIFY_METHODS = ['document', 'email_confirmation', 'account_login', 'knowledge_based', 'in_person'];

function initialRegime(): RegimeId {
  const asked = new URLSearchParams(window.location.search).get('regime');
  return REGIMES.find((r) => r.regime === asked)?.regime ?? 'gdpr';
}

function RegimePicker({ value, onChange }: { value: RegimeId; onChange: (regime: RegimeId) => void }) {
  return (
    <fieldset className="card builder-fieldset" data-testid="regime-picker">
      <legend>Regime</legend>
      <div className="row">
        {REGIMES.map((r) => (
          <label key={r.regime} className="choice">
            <input
              type="radio"
              name="privacy-regime"
              value={r.regime}
              checked={value === r.regime}
              onChange={() => onChange(r.regime)}
            />
            {r.label}
          </label>
        ))}
      </div>
    </fieldset>
  );
}

function SummaryCard({ base, version, requests }: { base: string; version: number; requests: boolean }) {
  const [summary, setSummary] = useState<ComplianceSummary | null>(null);
  const [error, setError] = useState<ApiError | null>(null);

  // biome-ignore lint/correctness/useExhaustiveDependencies: `version` is the reload signal
  useEffect(() => {
    let live = true;
    api<ComplianceSummary>(`${base}/summary`, { auth: true }).then(
      (answer) => {
        if (!live) return;
        setSummary(answer);
        setError(null);
      },
      (caught: unknown) => {
        if (live) setError(asApiError(caught));
      },
    );
    return () => {
      live = false;
    };
  }, [base, version]);

  const items = summary
    ? [
        ...(requests
          ? [
              { id: 'open', label: 'Open requests', value: summary.requests.open, tone: 'ready' },
              {
                id: 'overdue',
                label: 'Overdue',
                value: summary.requests.overdue,
                tone: summary.requests.overdue ? 'down' : 'ready',
              },
            ]
          : []),
        {
          id: 'notifications',
          label: 'Breach notifications pending',
          value: summary.notifications.pending,
          tone: summary.notifications.missed ? 'down' : summary.notifications.pending ? 'degraded' : 'ready',
        },
        {
          id: 'score',
          label: 'Compliance score',
          value: summary.score,
          tone: summary.score >= 80 ? 'ready' : 'degraded',
        },
      ]
    : [];
  return (
    <section className="stack" aria-labelledby="privacy-summary-heading" data-testid="privacy-summary">
      <h2 id="privacy-summary-heading">Summary</h2>
      {summary ? (
        <ul className="summary">
          {items.map((item) => (
            <li key={item.id} className={`summary-item summary-${item.tone}`}>
              <span className="summary-count" data-testid={`summary-${item.id}`}>
                {item.value}
                {item.id === 'score' ? <span className="muted small"> / 100</span> : null}
              </span>
              <span className="summary-label">{item.label}</span>
            </li>
          ))}
        </ul>
      ) : error ? null : (
        <Spinner label="Loading the summary…" />
      )}
      <ErrorMessage error={error} />
    </section>
  );
}

type RequestFieldErrors = Partial<Record<'type' | 'kind' | 'value' | 'receivedOn', string>>;

function RequestForm({
  base,
  regime,
  onFiled,
}: {
  base: string;
  regime: ComplianceRegime;
  onFiled: (request: DsrRequest) => void;
}) {
  const [type, setType] = useState(regime.requestTypes[0]?.type ?? '');
  const [identifier, setIdentifier] = useState<SubjectInput>({ kind: 'email', otherKind: '', value: '' });
  const [receivedOn, setReceivedOn] = useState('');
  const [notes, setNotes] = useState('');
  const [fieldErrors, setFieldErrors] = useState<RequestFieldErrors>({});
  const [error, setError] = useState<ApiError | null>(null);
  const [result, setResult] = useState('');
  const [busy, setBusy] = useState(false);
  const form = useRef<HTMLFormElement>(null);
  const chosen = regime.requestTypes.find((t) => t.type === type);

  const submit = async (event: FormEvent) => {
    event.preventDefault();
    if (busy) return;
    const subject = subjectFrom(identifier.kind, identifier.otherKind, identifier.value);
    const receivedAt = receivedOn ? startOfLocalDay(receivedOn, regime.timeZone) : null;
    const errors: RequestFieldErrors = {
      type: chosen ? undefined : 'Choose the type of request.',
      ...subjectErrors(subject),
      receivedOn: receivedOn && !receivedAt ? 'Enter the date as YYYY-MM-DD.' : undefined,
    };
    setFieldErrors(errors);
    setResult('');
    if (!subject.ok || Object.values(errors).some(Boolean)) {
      focusFirstInvalid(form.current);
      return;
    }
    const body = {
      type,
      subject: subject.subject,
      ...(receivedAt ? { receivedAt } : {}),
      ...(notes.trim() ? { notes: notes.trim() } : {}),
    };
    setBusy(true);
    setError(null);
    try {
      const request = await api<DsrRequest>(`${base}/requests`, { method: 'POST', auth: true, json: body });
      setResult(
        `Filed: ${request.typeLabel}${
          request.dueAt ? `, due ${formatInZone(request.dueAt, regime.timeZone)} (${regime.timeZone})` : ''
        }.`,
      );
      setIdentifier((current) => ({ ...current, value: '' }));
      setNotes('');
      onFiled(request);
    } catch (caught) {
      setError(asApiError(caught));
    } finally {
      setBusy(false);
    }
  };

  return (
    <form
      ref={form}
      className="card stack"
      onSubmit={submit}
      noValidate
      aria-labelledby="request-form-heading"
      data-testid="request-form"
    >
      <h2 id="request-form-heading">File a request</h2>
      <Field id="request-type" label="Type of request" error={fieldErrors.type} hint={chosen?.legalReference}>
        {(aria) => (
          <select id="request-type" value={type} onChange={(event) => setType(event.target.value)} {...aria}>
            {regime.requestTypes.map((t) => (
              <option key={t.type} value={t.type}>
                {t.label}
              </option>
            ))}
          </select>
        )}
      </Field>
      <SubjectFields
        id="subject"
        kindLabel="Identified by"
        valueLabel="Subject"
        otherKindPlaceholder="loyalty_card"
        input={identifier}
        onInput={setIdentifier}
        errors={fieldErrors}
      />
      <Field
        id="request-received"
        label="Received on (optional)"
        error={fieldErrors.receivedOn}
        hint={`Leave empty for now. The day as counted in ${regime.timeZone}.`}
      >
        {(aria) => (
          <input
            id="request-received"
            type="date"
            value={receivedOn}
            onChange={(event) => setReceivedOn(event.target.value)}
            {...aria}
          />
        )}
      </Field>
      <Field id="request-notes" label="Notes (optional)">
        {(aria) => (
          <textarea
            id="request-notes"
            rows={2}
            value={notes}
            maxLength={2000}
            onChange={(event) => setNotes(event.target.value)}
            {...aria}
          />
        )}
      </Field>
      <div className="row">
        <button type="submit" disabled={busy}>
          File request
        </button>
        {busy ? <Spinner label="Filing…" /> : null}
      </div>
      <p className="result" aria-live="polite" data-testid="request-result">
        {result}
      </p>
      <div data-testid="request-error">
        <ErrorMessage error={error} />
      </div>
    </form>
  );
}

const ACTION_LABELS: Record<RequestAction, string> = {
  verify: 'Verify identity',
  start: 'Start',
  complete: 'Complete',
  reject: 'Reject',
};

/** The form one action needs (verify: method; complete: summary; reject: reason), then the call. */
function ActionForm({
  base,
  request,
  action,
  onDone,
  onCancel,
}: {
  base: string;
  request: DsrRequest;
  action: RequestAction;
  onDone: (request: DsrRequest) => void;
  onCancel: () => void;
}) {
  const id = useId();
  const [text, setText] = useState(action === 'verify' ? 'document' : '');
  const [evidence, setEvidence] = useState('');
  const [fieldError, setFieldError] = useState<string | undefined>();
  const [error, setError] = useState<ApiError | null>(null);
  const [busy, setBusy] = useState(false);
  const form = useRef<HTMLFormElement>(null);

  const label =
    action === 'verify'
      ? 'Verification method'
      : action === 'complete'
        ? 'Summary of the answer'
        : 'Reason for rejecting';

  const submit = async (event: FormEvent) => {
    event.preventDefault();
    if (busy) return;
    const value = text.trim();
    if (action !== 'start' && !value) {
      setFieldError(
        action === 'verify'
          ? 'Say how the identity was verified.'
          : action === 'complete'
            ? 'Say what was answered or done.'
            : 'Give the reason the person will be told.',
      );
      focusFirstInvalid(form.current);
      return;
    }
    setFieldError(undefined);
    const body =
      action === 'verify'
        ? { method: value, ...(evidence.trim() ? { evidence: evidence.trim() } : {}) }
        : action === 'complete'
          ? { summary: value }
          : action === 'reject'
            ? { reason: value }
            : {};
    setBusy(true);
    setError(null);
    try {
      const updated = await api<DsrRequest>(`${base}/requests/${encodeURIComponent(request.id)}/${action}`, {
        method: 'POST',
        auth: true,
        json: body,
      });
      onDone(updated);
    } catch (caught) {
      setError(asApiError(caught));
    } finally {
      setBusy(false);
    }
  };

  return (
    <form ref={form} className="stack" onSubmit={submit} noValidate data-testid={`action-${action}`}>
      {action === 'start' ? (
        <p className="small">Start working on this request?</p>
      ) : (
        <Field id={`${id}-text`} label={label} error={fieldError}>
          {(aria) =>
            action === 'verify' ? (
              <>
                <input
                  id={`${id}-text`}
                  list={`${id}-methods`}
                  value={text}
                  onChange={(event) => setText(event.target.value)}
                  autoComplete="off"
                  maxLength={100}
                  {...aria}
                />
                <datalist id={`${id}-methods`}>
                  {VERIFY_METHODS.map((method) => (
                    <option key={method} value={method} />
                  ))}
                </datalist>
              </>
            ) : (
              <textarea
                id={`${id}-text`}
                rows={2}
                value={text}
                maxLength={2000}
                onChange={(event) => setText(event.target.value)}
                {...aria}
              />
            )
          }
        </Field>
      )}
      {action === 'verify' ? (
        <Field id={`${id}-evidence`} label="Evidence (optional)">
          {(aria) => (
            <input
              id={`${id}-evidence`}
              value={evidence}
              onChange={(event) => setEvidence(event.target.value)}
              autoComplete="off"
              maxLength={500}
              {...aria}
            />
          )}
        </Field>
      ) : null}
      <div className="row">
        <button type="submit" disabled={busy}>
          {ACTION_LABELS[action]}
        </button>
        <button type="button" className="secondary" onClick={onCancel} disabled={busy}>
          Cancel
        </button>
        {busy ? <Spinner label="Saving…" /> : null}
      </div>
      <ErrorMessage error={error} />
    </form>
  );
}

/**
 * The identifier a request came in under, in the clear, for the person answering it: asked
 * for on purpose (the service seals it at rest and records every opening in the audit log).
 */
function RevealSubject({ base, requestId }: { base: string; requestId: string }) {
  const [subject, setSubject] = useState<{ kind: string; value: string } | null>(null);
  const [error, setError] = useState<ApiError | null>(null);
  const [busy, setBusy] = useState(false);
  const reveal = async () => {
    setBusy(true);
    setError(null);
    try {
      setSubject(await api(`${base}/requests/${encodeURIComponent(requestId)}/subject`, { auth: true }));
    } catch (caught) {
      setError(asApiError(caught));
    } finally {
      setBusy(false);
    }
  };
  if (subject) {
    return (
      <>
        {' '}
        · <span data-testid="subject-value">{subject.value}</span>{' '}
        <span className="muted small">(this look is in the audit log)</span>
      </>
    );
  }
  return (
    <>
      {' '}
      <button type="button" className="secondary small" onClick={reveal} disabled={busy}>
        Show who
      </button>
      <ErrorMessage error={error} />
    </>
  );
}

function RequestItem({
  base,
  request,
  timeZone,
  writable,
  onChanged,
}: {
  base: string;
  request: DsrRequest;
  timeZone: string;
  writable: boolean;
  onChanged: (request: DsrRequest) => void;
}) {
  const [action, setAction] = useState<RequestAction | null>(null);
  const viewer = viewerTimeZone();
  const actions = writable ? actionsFor(request.status) : [];
  const now = Date.now();
  const open = request.status !== 'completed' && request.status !== 'rejected';
  return (
    <li
      className="card stack request-item"
      data-testid="request"
      data-request={request.id}
      data-type={request.type}
      data-status={request.status}
      data-overdue={request.overdue ? 'true' : 'false'}
    >
      <div className="row spread">
        <h3>
          {request.typeLabel} <span className="muted small">{request.legalReference}</span>
        </h3>
        <div className="row">
          <span
            className={`badge badge-${request.status === 'rejected' ? 'down' : request.status === 'completed' ? 'ready' : 'pending'}`}
            data-testid="request-status"
          >
            {STATUS_LABELS[request.status] ?? request.status}
          </span>
          {request.overdue ? (
            <span className="badge badge-down" data-testid="request-overdue">
              Overdue
            </span>
          ) : null}
        </div>
      </div>
      <dl className="facts">
        <dt>Subject</dt>
        <dd>
          {request.subject.kind} <code title={request.subject.id}>{request.subject.id.slice(0, 8)}</code>
          {writable ? <RevealSubject base={base} requestId={request.id} /> : null}
        </dd>
        <dt>Received</dt>
        <dd>
          <ZonedTime iso={request.receivedAt} timeZone={timeZone} />
        </dd>
        <dt>Due</dt>
        <dd>
          {request.dueAt ? (
            <>
              <ZonedTime iso={request.dueAt} timeZone={timeZone} testId="due-regime" />{' '}
              <span className="muted small">({timeZone})</span>
              <br />
              <ZonedTime iso={request.dueAt} timeZone={viewer} testId="due-viewer" />{' '}
              <span className="muted small">(your time, {viewer})</span>
            </>
          ) : (
            <span className="muted">—</span>
          )}
          {request.clockPaused ? (
            <span className="muted small" data-testid="clock-paused">
              {' '}
              · the clock is paused until the identity is verified
            </span>
          ) : null}
          {request.originalDueAt && request.dueAt && request.originalDueAt !== request.dueAt ? (
            <span className="muted small">
              {' '}
              · extended from <ZonedTime iso={request.originalDueAt} timeZone={timeZone} />
            </span>
          ) : null}
        </dd>
        {request.interim.length > 0 ? (
          <>
            <dt>Interim</dt>
            <dd>
              <ul className="plain" data-testid="interim">
                {request.interim.map((step) => {
                  const late = open && !step.doneAt && new Date(step.dueAt).getTime() < now;
                  return (
                    <li key={step.name} data-interim={step.name}>
                      {step.label} <span className="muted small">({step.legalReference})</span>: due{' '}
                      <ZonedTime iso={step.dueAt} timeZone={timeZone} />
                      {step.doneAt ? (
                        <span className="muted small"> · done {formatInZone(step.doneAt, timeZone)}</span>
                      ) : late ? (
                        <span className="field-error"> · past due</span>
                      ) : null}
                    </li>
                  );
                })}
              </ul>
            </dd>
          </>
        ) : null}
        {request.lookBackFrom ? (
          <>
            <dt>Covers since</dt>
            <dd>{formatInZone(request.lookBackFrom, timeZone).slice(0, 10)}</dd>
          </>
        ) : null}
        {request.rejectionReason ? (
          <>
            <dt>Rejected</dt>
            <dd>{request.rejectionReason}</dd>
          </>
        ) : null}
        {request.completedAt ? (
          <>
            <dt>Completed</dt>
            <dd>
              <ZonedTime iso={request.completedAt} timeZone={timeZone} />
            </dd>
          </>
        ) : null}
      </dl>
      {actions.length > 0 ? (
        action ? (
          <ActionForm
            base={base}
            request={request}
            action={action}
            onCancel={() => setAction(null)}
            onDone={(updated) => {
              setAction(null);
              onChanged(updated);
            }}
          />
        ) : (
          <div className="row" data-testid="request-actions">
            {actions.map((a) => (
              <button
                key={a}
                type="button"
                className={a === 'reject' ? 'secondary' : undefined}
                onClick={() => setAction(a)}
              >
                {ACTION_LABELS[a]}
              </button>
            ))}
          </div>
        )
      ) : null}
    </li>
  );
}

function RequestList({
  base,
  regime,
  writable,
  version,
  onChanged,
}: {
  base: string;
  regime: ComplianceRegime;
  writable: boolean;
  version: number;
  onChanged: () => void;
}) {
  const [requests, setRequests] = useState<DsrRequest[] | null>(null);
  const [status, setStatus] = useState('');
  const [overdueOnly, setOverdueOnly] = useState(false);
  const [error, setError] = useState<ApiError | null>(null);
  const [loading, setLoading] = useState(false);
  const generation = useRef(0);

  // biome-ignore lint/correctness/useExhaustiveDependencies: `version` is the reload signal
  useEffect(() => {
    const mine = ++generation.current;
    const query = new URLSearchParams({ limit: String(REQUEST_LIMIT) });
    if (status) query.set('status', status);
    if (overdueOnly) query.set('overdue', 'true');
    setLoading(true);
    api<{ requests: DsrRequest[] }>(`${base}/requests?${query}`, { auth: true }).then(
      (answer) => {
        if (mine !== generation.current) return;
        setRequests(answer.requests);
        setError(null);
        setLoading(false);
      },
      (caught: unknown) => {
        if (mine !== generation.current) return;
        setError(asApiError(caught));
        setLoading(false);
      },
    );
  }, [base, status, overdueOnly, version]);

  return (
    <section className="stack" aria-labelledby="requests-heading" data-testid="requests">
      <div className="row spread">
        <h2 id="requests-heading">Requests</h2>
        <div className="row">
          <label className="choice" htmlFor="requests-status">
            Status
          </label>
          <select id="requests-status" value={status} onChange={(event) => setStatus(event.target.value)}>
            <option value="">All</option>
            {Object.entries(STATUS_LABELS).map(([id, label]) => (
              <option key={id} value={id}>
                {label}
              </option>
            ))}
          </select>
          <label className="choice">
            <input type="checkbox" checked={overdueOnly} onChange={(event) => setOverdueOnly(event.target.checked)} />
            Overdue only
          </label>
          <button type="button" className="secondary" onClick={onChanged}>
            Refresh
          </button>
        </div>
      </div>
      {requests === null && loading ? <Spinner label="Loading requests…" /> : null}
      {requests && requests.length === 0 ? (
        <p className="muted">No requests{status || overdueOnly ? ' match these filters' : ' yet'}.</p>
      ) : null}
      {requests && requests.length > 0 ? (
        <ul className="plain stack request-list">
          {requests.map((request) => (
            <RequestItem
              key={request.id}
              base={base}
              request={request}
              timeZone={regime.timeZone}
              writable={writable}
              onChanged={onChanged}
            />
          ))}
        </ul>
      ) : null}
      {requests && requests.length >= REQUEST_LIMIT ? (
        <p className="muted small">The newest {REQUEST_LIMIT} are shown; filter by status to see others.</p>
      ) : null}
      <ErrorMessage error={error} />
    </section>
  );
}

function PiiBox({ base }: { base: string }) {
  const [text, setText] = useState('');
  const [redact, setRedact] = useState<Redaction>('mask');
  const [scanned, setScanned] = useState<{ text: string; scan: PiiScan } | null>(null);
  const [fieldError, setFieldError] = useState<string | undefined>();
  const [error, setError] = useState<ApiError | null>(null);
  const [busy, setBusy] = useState(false);
  const form = useRef<HTMLFormElement>(null);

  const submit = async (event: FormEvent) => {
    event.preventDefault();
    if (busy) return;
    if (!text.trim()) {
      setFieldError('Paste the text to scan.');
      focusFirstInvalid(form.current);
      return;
    }
    setFieldError(undefined);
    setBusy(true);
    setError(null);
    try {
      const scan = await api<PiiScan>(`${base}/pii/scan`, { method: 'POST', auth: true, json: { text, redact } });
      setScanned({ text, scan });
    } catch (caught) {
      setError(asApiError(caught));
    } finally {
      setBusy(false);
    }
  };

  return (
    <form
      ref={form}
      className="card stack"
      onSubmit={submit}
      noValidate
      aria-labelledby="pii-heading"
      data-testid="pii-form"
    >
      <h2 id="pii-heading">Find personal data in text</h2>
      <Field
        id="pii-text"
        label="Text to scan"
        error={fieldError}
        hint="Sent to the service for this scan only; it is not stored."
      >
        {(aria) => (
          <textarea
            id="pii-text"
            rows={4}
            value={text}
            maxLength={PII_MAX}
            onChange={(event) => setText(event.target.value)}
            {...aria}
          />
        )}
      </Field>
      <fieldset className="builder-fieldset">
        <legend>Redaction</legend>
        <div className="row">
          {REDACTIONS.map((r) => (
            <label key={r.id} className="choice" title={r.hint}>
              <input
                type="radio"
                name="pii-redact"
                value={r.id}
                checked={redact === r.id}
                onChange={() => setRedact(r.id)}
              />
              {r.label}
            </label>
          ))}
        </div>
      </fieldset>
      <div className="row">
        <button type="submit" disabled={busy}>
          Scan
        </button>
        {busy ? <Spinner label="Scanning…" /> : null}
      </div>
      <ErrorMessage error={error} />
      {scanned ? <PiiResult text={scanned.text} scan={scanned.scan} /> : null}
    </form>
  );
}

function PiiResult({ text, scan }: { text: string; scan: PiiScan }) {
  return (
    <div className="stack" data-testid="pii-result" aria-live="polite">
      <p data-testid="pii-count">
        {scan.findings.length === 0
          ? 'No personal data found.'
          : `${scan.findings.length} finding${scan.findings.length === 1 ? '' : 's'}.`}
      </p>
      {scan.findings.length > 0 ? (
        <>
          <div className="table-wrap">
            <table data-testid="pii-findings">
              <thead>
                <tr>
                  <th scope="col">Type</th>
                  <th scope="col">Position</th>
                  <th scope="col">Found</th>
                  <th scope="col" className="num">
                    Confidence
                  </th>
                </tr>
              </thead>
              <tbody>
                {scan.findings.map((finding) => (
                  <tr key={`${finding.start}:${finding.end}:${finding.type}`} data-type={finding.type}>
                    <td>
                      <code>{finding.type}</code>
                    </td>
                    <td>
                      {finding.start}–{finding.end}
                    </td>
                    <td>
                      <code className="wrap">{text.slice(finding.start, finding.end)}</code>
                    </td>
                    <td className="num">{finding.confidence.toFixed(2)}</td>
                  </tr>
                ))}
              </tbody>
            </table>
          </div>
          <p className="wrap pii-text" data-testid="pii-highlighted">
            {segmentText(text, scan.findings).map((segment, i) =>
              segment.finding ? (
                // biome-ignore lint/suspicious/noArrayIndexKey: the pieces never reorder
                <mark key={i} title={segment.finding.type}>
                  {segment.text}
                </mark>
              ) : (
                segment.text
              ),
            )}
          </p>
        </>
      ) : null}
      {scan.redacted !== undefined ? (
        <div className="stack">
          <h3>Redacted text</h3>
          <output className="wrap pii-text" data-testid="pii-redacted">
            {scan.redacted}
          </output>
        </div>
      ) : null}
    </div>
  );
}

/**
 * Everything behind sign-in for one regime: who the credential is (`GET me`), the regime's
 * rules (`GET regime`), then the summary, the request form and list, and the PII box.
 * Remounted for each credential and regime, so nothing of one shows under another.
 */
function Compliance({ credential, regimeId }: { credential: Credential; regimeId: RegimeId }) {
  const base = serviceBase(regimeId);
  const [regime, setRegime] = useState<ComplianceRegime | null>(null);
  const [error, setError] = useState<ApiError | null>(null);
  const [attempt, setAttempt] = useState(0);
  const [version, setVersion] = useState(0);
  const refresh = useCallback(() => setVersion((v) => v + 1), []);

  // biome-ignore lint/correctness/useExhaustiveDependencies: `attempt` is the retry signal
  useEffect(() => {
    let live = true;
    setError(null);
    Promise.all([
      api<Identity>(`${base}/me`, { auth: true }),
      api<ComplianceRegime>(`${base}/regime`, { auth: true }),
    ]).then(
      ([identity, answer]) => {
        if (!live) return;
        learnIdentity(credential.value, identity);
        setRegime(answer);
      },
      (caught: unknown) => {
        if (live) setError(asApiError(caught));
      },
    );
    return () => {
      live = false;
    };
  }, [base, credential.value, attempt]);

  if (!regime || !credential.identity) {
    return (
      <section className="card stack" aria-label="Loading" data-testid="privacy-loading">
        {error ? null : <Spinner label="Loading the regime…" />}
        <ErrorMessage error={error} />
        {error && error.status !== 401 ? (
          <div className="row">
            <button type="button" className="secondary" onClick={() => setAttempt((n) => n + 1)}>
              Try again
            </button>
          </div>
        ) : null}
      </section>
    );
  }
  const roles = credential.identity.roles;
  const writable = canWrite(roles);
  const dataSubjects = hasDataSubjects(regimeId);
  return (
    <>
      <section className="card stack" aria-labelledby="regime-heading" data-testid="regime" data-regime={regime.regime}>
        <h2 id="regime-heading" data-testid="regime-name">
          {regime.name}
        </h2>
        <dl className="facts">
          <dt>Time zone</dt>
          <dd data-testid="regime-timezone">{regime.timeZone}</dd>
          <dt>Extensions</dt>
          <dd>
            {regime.extension
              ? `${regime.extension.description} (${regime.extension.legalReference})`
              : 'None: the regime allows no extension.'}
          </dd>
          {regime.pausesWhileVerifying ? (
            <>
              <dt>Clock</dt>
              <dd>Starts when the identity is verified.</dd>
            </>
          ) : null}
        </dl>
      </section>
      <SummaryCard base={base} version={version} requests={dataSubjects} />
      {dataSubjects ? (
        <>
          {writable ? (
            <RequestForm base={base} regime={regime} onFiled={refresh} />
          ) : (
            <p className="muted" data-testid="read-only">
              Your roles ({credential.identity.roles.join(', ') || 'none'}) can read requests but not file or change
              them.
            </p>
          )}
          <RequestList base={base} regime={regime} writable={writable} version={version} onChanged={refresh} />
        </>
      ) : (
        <p className="muted" data-testid="no-requests">
          {regime.name} has no data-subject requests or consents: it governs financial reporting controls.
        </p>
      )}
      {regimeId === 'hipaa' ? <HipaaPanels roles={roles} timeZone={regime.timeZone} /> : null}
      {regimeId === 'sox' ? <SoxPanels identity={credential.identity} timeZone={regime.timeZone} /> : null}
      {regimeId === 'pipeda' ? <PipedaPanels roles={roles} timeZone={regime.timeZone} /> : null}
      {regimeId === 'popia' ? <PopiaPanels roles={roles} timeZone={regime.timeZone} /> : null}
      <PiiBox base={base} />
    </>
  );
}

export function PrivacyPage() {
  const credential = useCredential();
  const [regime, setRegime] = useState<RegimeId>(initialRegime);

  const choose = (next: RegimeId) => {
    setRegime(next);
    const url = new URL(window.location.href);
    url.searchParams.set('regime', next);
    window.history.replaceState(null, '', url);
  };

  return (
    <div className="stack">
      <ServiceBanner service={serviceOf(regime)} />
      <SignIn hint="The privacy services need your credential (a dpo, operator or auditor)." />
      <RegimePicker value={regime} onChange={choose} />
      {credential ? (
        <Compliance key={`${credential.value}:${regime}`} credential={credential} regimeId={regime} />
      ) : (
        <p className="muted">Sign in to see the regime's requests, file new ones and scan text for personal data.</p>
      )}
    </div>
  );
}
