import { type FormEvent, useCallback, useEffect, useId, useRef, useState } from 'react';
import { type ApiError, api, asApiError } from '../api.ts';
import { ErrorMessage, Field, focusFirstInvalid, ServiceBanner, SignIn, Spinner } from '../components.tsx';
import { type Credential, type Identity, knownIdentity, learnIdentity, useCredential } from '../credentials.ts';
import { useIdempotencyKeys } from '../hooks.ts';
import {
  ADMIT_FIELDS,
  type AdmitField,
  admissionFrom,
  admissionNotFound,
  bitrateInWords,
  type CellState,
  CLASSIFY_FIELDS,
  type Classification,
  type ClassifyField,
  cellLabel,
  type FiveGSubscriber,
  fieldErrorsFrom,
  flowFrom,
  formatBytes,
  formatKbps,
  kbpsExact,
  latencyInWords,
  load,
  mayWrite,
  type NetworkSummary,
  type PduSession,
  prefixesInWords,
  quotaInWords,
  REFRESH_MS,
  refusalInWords,
  type Slice,
  type SliceState,
  sentence,
  sessionsInWords,
  shortId,
  sliceLabel,
  snssaiKey,
  USAGE_FIELDS,
  type Usage,
  type UsageField,
  usagePath,
  validityInWords,
  verdictHeadline,
  type ZrOperator,
  type ZrRule,
} from '../network.ts';

const ZR = '/api/zero-rating';
const FIVEG = '/api/5g-manager';
const WHEN = new Intl.DateTimeFormat(undefined, { dateStyle: 'short', timeStyle: 'short' });

/** What the page reads once, and again whenever `key` changes, with its error. */
function useRead<T>(read: () => Promise<T>, key: string) {
  const [value, setValue] = useState<T | null>(null);
  const [error, setError] = useState<ApiError | null>(null);
  // biome-ignore lint/correctness/useExhaustiveDependencies: `key` names everything `read` depends on
  useEffect(() => {
    let live = true;
    read().then(
      (answer) => {
        if (!live) return;
        setValue(answer);
        setError(null);
      },
      (caught: unknown) => {
        if (live) setError(asApiError(caught));
      },
    );
    return () => {
      live = false;
    };
  }, [key]);
  return { value, error };
}

/** A horizontal bar for how full something is; the numbers beside it say the same in text. */
function LoadBar({ used, capacity }: { used: number; capacity: number }) {
  const { ratio, level } = load(used, capacity);
  return (
    <span className="load-track" aria-hidden="true">
      <span className={`load-fill load-${level}`} style={{ width: `${Math.round(ratio * 100)}%` }} />
    </span>
  );
}

// Zero-rating ---------------------------------------------------------------------------

function Verdict({
  classification,
  host,
  operators,
}: {
  classification: Classification;
  host: string;
  operators: ZrOperator[];
}) {
  const operator = operators.find((o) => o.id === classification.operator);
  return (
    <div
      className={`verdict ${classification.zeroRated ? 'verdict-free' : 'verdict-charged'}`}
      data-testid="verdict"
      data-zero-rated={classification.zeroRated ? 'true' : 'false'}
    >
      <p className="verdict-headline">
        <span
          className={`badge ${classification.zeroRated ? 'badge-ready' : 'badge-down'}`}
          data-testid="verdict-badge"
        >
          {classification.zeroRated ? 'Zero-rated' : 'Charged'}
        </span>{' '}
        <span data-testid="verdict-headline">{verdictHeadline(classification, host, operator?.name)}</span>
      </p>
      <dl className="facts">
        <dt>Operator</dt>
        <dd data-testid="verdict-operator">
          {operator ? (
            <>
              {operator.name} <code>{operator.id}</code>
            </>
          ) : (
            (classification.operator ?? 'None: no operator owns this address or number')
          )}
        </dd>
        <dt>Rule</dt>
        <dd data-testid="verdict-rule">{classification.rule ? <code>{classification.rule}</code> : 'None'}</dd>
        <dt>Rating group</dt>
        <dd data-testid="verdict-rating-group">{classification.ratingGroup ?? 'None'}</dd>
        {classification.remainingBytes !== undefined ? (
          <>
            <dt>Left this month</dt>
            <dd data-testid="verdict-remaining">{formatBytes(classification.remainingBytes)}</dd>
          </>
        ) : null}
        <dt>Reason</dt>
        <dd data-testid="verdict-reason" className="wrap-anywhere">
          {classification.reason}
        </dd>
        <dt>Subscriber</dt>
        <dd className="wrap-anywhere">{classification.subscriber}</dd>
      </dl>
    </div>
  );
}

function ClassifyForm({ operators }: { operators: ZrOperator[] }) {
  const id = useId();
  const [form, setForm] = useState<Record<ClassifyField, string>>({ clientIp: '', msisdn: '', host: '', path: '' });
  const [errors, setErrors] = useState<Partial<Record<ClassifyField, string>>>({});
  const [other, setOther] = useState<ApiError | null>(null);
  const [result, setResult] = useState<{ classification: Classification; host: string } | null>(null);
  const [busy, setBusy] = useState(false);
  const ref = useRef<HTMLFormElement>(null);
  const set = (field: ClassifyField) => (event: { target: { value: string } }) =>
    setForm((current) => ({ ...current, [field]: event.target.value }));

  const submit = async (event: FormEvent) => {
    event.preventDefault();
    if (busy) return;
    const checked = flowFrom(form);
    setOther(null);
    if (!checked.ok) {
      setErrors(checked.errors);
      setResult(null);
      focusFirstInvalid(ref.current);
      return;
    }
    setErrors({});
    setBusy(true);
    try {
      const classification = await api<Classification>(`${ZR}/classify`, {
        method: 'POST',
        auth: true,
        json: checked.flow,
      });
      setResult({ classification, host: checked.flow.host });
    } catch (caught) {
      const failure = asApiError(caught);
      setResult(null);
      const mapped = failure.status === 400 ? fieldErrorsFrom(failure.errors, CLASSIFY_FIELDS) : null;
      if (mapped && Object.keys(mapped.fields).length > 0) {
        setErrors(mapped.fields);
        focusFirstInvalid(ref.current);
      } else {
        setOther(failure);
      }
    } finally {
      setBusy(false);
    }
  };

  const field = (name: ClassifyField, label: string, hint: string) => (
    <Field id={`${id}-${name}`} label={label} error={errors[name]} hint={hint}>
      {(aria) => (
        <input
          id={`${id}-${name}`}
          name={name}
          value={form[name]}
          onChange={set(name)}
          autoComplete="off"
          spellCheck={false}
          {...aria}
        />
      )}
    </Field>
  );

  return (
    <section className="card stack" aria-labelledby={`${id}-heading`} data-testid="classify">
      <h3 id={`${id}-heading`}>Classify a flow</h3>
      <p className="muted small">
        Whether a subscriber’s traffic to a host is zero-rated, and by which operator’s rule. Nothing is counted against
        the subscriber’s quota.
      </p>
      <form ref={ref} className="stack-tight" onSubmit={submit} noValidate>
        <div className="form-grid">
          {field('clientIp', 'Client IP address', 'IPv4 or IPv6, e.g. 41.1.2.3; or give the MSISDN.')}
          {field('msisdn', 'MSISDN', 'In international form, e.g. 27821234567.')}
          {field('host', 'Host', 'The site the flow goes to, e.g. www.up.ac.za.')}
          {field('path', 'Path (optional)', 'Starts with /; some rules cover only a path, e.g. /about-sa/education.')}
        </div>
        <div className="row">
          <button type="submit" disabled={busy}>
            Classify
          </button>
          {busy ? <Spinner label="Classifying…" /> : null}
        </div>
      </form>
      <p className="visually-hidden" role="status">
        {result
          ? verdictHeadline(
              result.classification,
              result.host,
              operators.find((o) => o.id === result.classification.operator)?.name,
            )
          : ''}
      </p>
      {result ? <Verdict classification={result.classification} host={result.host} operators={operators} /> : null}
      <ErrorMessage error={other} />
    </section>
  );
}

function OperatorsCard({ operators, error }: { operators: ZrOperator[] | null; error: ApiError | null }) {
  return (
    <section className="card stack" aria-labelledby="zr-operators-heading" data-testid="zr-operators">
      <h3 id="zr-operators-heading">Operators</h3>
      {operators === null ? (
        error ? null : (
          <Spinner label="Loading the operators…" />
        )
      ) : operators.length === 0 ? (
        <p className="muted">No operators yet: every flow is charged.</p>
      ) : (
        <div className="table-wrap">
          <table className="stack-table">
            <thead>
              <tr>
                <th scope="col">Operator</th>
                <th scope="col">Country</th>
                <th scope="col">MCC-MNC</th>
                <th scope="col">Prefixes</th>
              </tr>
            </thead>
            <tbody>
              {operators.map((operator) => (
                <tr key={operator.id} data-testid="zr-operator" data-id={operator.id}>
                  <th scope="row" data-label="Operator">
                    <span className="cell-title">{operator.name}</span> <code>{operator.id}</code>
                  </th>
                  <td data-label="Country">{operator.country}</td>
                  <td data-label="MCC-MNC">
                    <code>{operator.mccMnc}</code>
                  </td>
                  <td data-label="Prefixes" data-testid="zr-operator-prefixes">
                    <details className="prefixes">
                      <summary>{prefixesInWords(operator)}</summary>
                      <ul className="plain small">
                        {operator.prefixes.map((prefix) => (
                          <li key={prefix}>
                            <code>{prefix}</code>
                          </li>
                        ))}
                        {operator.msisdnPrefixes.map((prefix) => (
                          <li key={`msisdn:${prefix}`}>
                            <code>+{prefix}…</code>
                          </li>
                        ))}
                      </ul>
                    </details>
                  </td>
                </tr>
              ))}
            </tbody>
          </table>
        </div>
      )}
      <ErrorMessage error={error} />
    </section>
  );
}

function RulesCard({ operators }: { operators: ZrOperator[] }) {
  const [operator, setOperator] = useState('');
  const rules = useRead(
    () =>
      api<{ rules: ZrRule[] }>(`${ZR}/rules${operator ? `?${new URLSearchParams({ operator })}` : ''}`, {
        auth: true,
      }).then((answer) => answer.rules),
    operator,
  );
  const now = Date.now();
  const name = (id: string) => operators.find((o) => o.id === id)?.name ?? id;
  return (
    <section className="card stack" aria-labelledby="zr-rules-heading" data-testid="zr-rules">
      <div className="row spread">
        <h3 id="zr-rules-heading">Rules</h3>
        <div className="row">
          <label htmlFor="zr-rules-operator" className="small">
            Operator
          </label>
          <select id="zr-rules-operator" value={operator} onChange={(event) => setOperator(event.target.value)}>
            <option value="">All operators</option>
            {operators.map((o) => (
              <option key={o.id} value={o.id}>
                {o.name}
              </option>
            ))}
          </select>
        </div>
      </div>
      {rules.value === null ? (
        rules.error ? null : (
          <Spinner label="Loading the rules…" />
        )
      ) : rules.value.length === 0 ? (
        <p className="muted">No rules{operator ? ` for ${name(operator)}` : ''}.</p>
      ) : (
        <div className="table-wrap">
          <table className="stack-table">
            <thead>
              <tr>
                <th scope="col">Rule</th>
                <th scope="col">Hosts</th>
                <th scope="col">Paths</th>
                <th scope="col">Valid</th>
                <th scope="col">Quota</th>
              </tr>
            </thead>
            <tbody>
              {rules.value.map((rule) => {
                const validity = validityInWords(rule, now);
                return (
                  <tr key={rule.id} data-testid="zr-rule" data-id={rule.id}>
                    <th scope="row" data-label="Rule">
                      <code className="cell-title">{rule.id}</code>
                      <span className="muted small block">
                        {name(rule.operator)} · rating group {rule.ratingGroup}
                      </span>
                    </th>
                    <td data-label="Hosts" className="wrap-anywhere">
                      {rule.hosts.join(', ')}
                    </td>
                    <td data-label="Paths" className="wrap-anywhere">
                      {rule.pathPrefixes.length === 0 ? 'Any path' : rule.pathPrefixes.join(', ')}
                    </td>
                    <td data-label="Valid" data-state={validity.state}>
                      {validity.text}
                    </td>
                    <td data-label="Quota" data-testid="zr-rule-quota">
                      {quotaInWords(rule.monthlyQuotaBytes)}
                    </td>
                  </tr>
                );
              })}
            </tbody>
          </table>
        </div>
      )}
      <ErrorMessage error={rules.error} />
    </section>
  );
}

function UsageLookup() {
  const id = useId();
  const [subscriber, setSubscriber] = useState('');
  const [month, setMonth] = useState('');
  const [errors, setErrors] = useState<Partial<Record<UsageField, string>>>({});
  const [other, setOther] = useState<ApiError | null>(null);
  const [usage, setUsage] = useState<Usage | null>(null);
  const [busy, setBusy] = useState(false);
  const ref = useRef<HTMLFormElement>(null);

  const submit = async (event: FormEvent) => {
    event.preventDefault();
    if (busy) return;
    const checked = usagePath(subscriber, month);
    setOther(null);
    if (!checked.ok) {
      setErrors(checked.errors);
      setUsage(null);
      focusFirstInvalid(ref.current);
      return;
    }
    setErrors({});
    setBusy(true);
    try {
      setUsage(await api<Usage>(`${ZR}/${checked.path}`, { auth: true }));
    } catch (caught) {
      const failure = asApiError(caught);
      setUsage(null);
      const mapped = failure.status === 400 ? fieldErrorsFrom(failure.errors, USAGE_FIELDS) : null;
      if (mapped && Object.keys(mapped.fields).length > 0) {
        setErrors(mapped.fields);
        focusFirstInvalid(ref.current);
      } else {
        setOther(failure);
      }
    } finally {
      setBusy(false);
    }
  };

  return (
    <section className="card stack" aria-labelledby={`${id}-heading`} data-testid="usage">
      <h3 id={`${id}-heading`}>Subscriber usage</h3>
      <form ref={ref} className="stack-tight" onSubmit={submit} noValidate>
        <div className="form-grid">
          <Field
            id={`${id}-subscriber`}
            label="Subscriber"
            error={errors.subscriber}
            hint="An MSISDN, or the IP address usage was counted for."
          >
            {(aria) => (
              <input
                id={`${id}-subscriber`}
                value={subscriber}
                onChange={(event) => setSubscriber(event.target.value)}
                autoComplete="off"
                spellCheck={false}
                {...aria}
              />
            )}
          </Field>
          <Field id={`${id}-month`} label="Month (optional)" error={errors.month} hint="This month when left empty.">
            {(aria) => (
              <input
                id={`${id}-month`}
                type="month"
                value={month}
                onChange={(event) => setMonth(event.target.value)}
                {...aria}
              />
            )}
          </Field>
        </div>
        <div className="row">
          <button type="submit" disabled={busy}>
            Look up
          </button>
          {busy ? <Spinner label="Looking up…" /> : null}
        </div>
      </form>
      <p className="visually-hidden" role="status">
        {usage ? `${formatBytes(usage.totalBytes)} zero-rated for ${usage.subscriber} in ${usage.month}.` : ''}
      </p>
      <div data-testid="usage-result">
        {usage ? (
          <div className="stack-tight">
            <p data-testid="usage-total">
              <strong>{formatBytes(usage.totalBytes)}</strong> zero-rated for <code>{usage.subscriber}</code> in{' '}
              {usage.month}
            </p>
            {usage.rules.length === 0 ? (
              <p className="muted small">No zero-rated traffic was counted for this subscriber that month.</p>
            ) : (
              <div className="table-wrap">
                <table className="stack-table">
                  <thead>
                    <tr>
                      <th scope="col">Rule</th>
                      <th scope="col">Used</th>
                      <th scope="col">Quota</th>
                      <th scope="col">Left</th>
                    </tr>
                  </thead>
                  <tbody>
                    {usage.rules.map((rule) => (
                      <tr key={rule.rule} data-testid="usage-rule" data-rule={rule.rule}>
                        <th scope="row" data-label="Rule">
                          <code>{rule.rule}</code>
                        </th>
                        <td data-label="Used" data-testid="usage-used">
                          {formatBytes(rule.usedBytes)}
                        </td>
                        <td data-label="Quota">
                          {rule.monthlyQuotaBytes === null ? 'No quota' : formatBytes(rule.monthlyQuotaBytes)}
                        </td>
                        <td data-label="Left">
                          {rule.remainingBytes === null ? '—' : formatBytes(rule.remainingBytes)}
                        </td>
                      </tr>
                    ))}
                  </tbody>
                </table>
              </div>
            )}
          </div>
        ) : null}
      </div>
      <ErrorMessage error={other} />
    </section>
  );
}

function ZeroRating() {
  const operators = useRead(
    () => api<{ operators: ZrOperator[] }>(`${ZR}/operators`, { auth: true }).then((answer) => answer.operators),
    'operators',
  );
  return (
    <section className="stack" aria-labelledby="zero-rating-heading" data-testid="zero-rating">
      <h2 id="zero-rating-heading">Zero-rating</h2>
      <ClassifyForm operators={operators.value ?? []} />
      <UsageLookup />
      <OperatorsCard operators={operators.value} error={operators.error} />
      <RulesCard operators={operators.value ?? []} />
    </section>
  );
}

// 5G ------------------------------------------------------------------------------------

function SlicesCard({ slices }: { slices: SliceState[] }) {
  return (
    <section className="card stack" aria-labelledby="slices-heading" data-testid="slices">
      <h3 id="slices-heading">Slices</h3>
      {slices.length === 0 ? (
        <p className="muted">No slices configured.</p>
      ) : (
        <div className="table-wrap">
          <table className="stack-table">
            <thead>
              <tr>
                <th scope="col">Slice</th>
                <th scope="col">Sessions</th>
                <th scope="col">Bitrate</th>
                <th scope="col">Latency</th>
              </tr>
            </thead>
            <tbody>
              {slices.map((slice) => {
                const latency = latencyInWords(slice);
                return (
                  <tr
                    key={slice.id}
                    data-testid="slice"
                    data-key={slice.key}
                    data-breached={latency.breached ? 'true' : 'false'}
                    className={latency.breached ? 'row-breach' : undefined}
                  >
                    <th scope="row" data-label="Slice">
                      <span className="cell-title">{slice.name}</span>
                      <span className="muted small block">
                        {slice.type} <code>{slice.key}</code> · {slice.operator}
                      </span>
                    </th>
                    <td data-label="Sessions">
                      <span data-testid="slice-sessions">
                        {sessionsInWords(slice.activeSessions, slice.maxSessions)}
                      </span>
                      <LoadBar used={slice.activeSessions} capacity={slice.maxSessions} />
                    </td>
                    <td data-label="Bitrate">
                      <span data-testid="slice-bitrate">
                        {bitrateInWords(slice.reservedBitrateKbps, slice.guaranteedBitrateKbps)}
                      </span>
                      <LoadBar used={slice.reservedBitrateKbps} capacity={slice.guaranteedBitrateKbps} />
                    </td>
                    <td data-label="Latency">
                      <span data-testid="slice-latency">{latency.text}</span>
                      {latency.breached ? (
                        <>
                          {' '}
                          <span className="badge badge-down" data-testid="slice-breach">
                            Over budget
                          </span>
                        </>
                      ) : null}
                    </td>
                  </tr>
                );
              })}
            </tbody>
          </table>
        </div>
      )}
    </section>
  );
}

function CellsCard({ cells, windowSeconds }: { cells: CellState[]; windowSeconds: number }) {
  return (
    <section className="card stack" aria-labelledby="cells-heading" data-testid="cells">
      <h3 id="cells-heading">Cells</h3>
      {cells.length === 0 ? (
        <p className="muted">No cells configured.</p>
      ) : (
        <div className="table-wrap">
          <table className="stack-table">
            <thead>
              <tr>
                <th scope="col">Cell</th>
                <th scope="col">Sessions</th>
                <th scope="col">Latest report</th>
              </tr>
            </thead>
            <tbody>
              {cells.map((cell) => (
                <tr key={cell.id} data-testid="cell" data-name={cell.name}>
                  <th scope="row" data-label="Cell">
                    <span className="cell-title">{cell.name}</span>
                    <span className="muted small block">
                      TAC <code>{cell.tac}</code> · {cell.band} · {cell.operator}
                    </span>
                  </th>
                  <td data-label="Sessions">
                    <span data-testid="cell-sessions">{sessionsInWords(cell.activeSessions, cell.maxSessions)}</span>
                    <LoadBar used={cell.activeSessions} capacity={cell.maxSessions} />
                  </td>
                  <td data-label="Latest report" data-testid="cell-load">
                    {cell.latest ? (
                      <>
                        {Math.round(cell.latest.loadPercent)}% load · {formatKbps(cell.latest.throughputMbps * 1000)} ·{' '}
                        {cell.latest.latencyMs} ms
                        <span className="muted small block">{WHEN.format(new Date(cell.latest.observedAt))}</span>
                      </>
                    ) : (
                      <span className="muted">No report in the last {Math.round(windowSeconds / 60)} min</span>
                    )}
                  </td>
                </tr>
              ))}
            </tbody>
          </table>
        </div>
      )}
    </section>
  );
}

function AdmitForm({
  slices,
  cells,
  subscribers,
  onAdmitted,
  onRefused,
}: {
  slices: Slice[];
  cells: CellState[];
  subscribers: FiveGSubscriber[];
  onAdmitted: () => void;
  onRefused: (error: ApiError) => void;
}) {
  const id = useId();
  const [form, setForm] = useState<Record<AdmitField, string>>({ supi: '', snssai: '', cellId: '', bitrateKbps: '' });
  const [errors, setErrors] = useState<Partial<Record<AdmitField, string>>>({});
  const [refusal, setRefusal] = useState<ApiError | null>(null);
  const [other, setOther] = useState<ApiError | null>(null);
  const [admitted, setAdmitted] = useState<PduSession | null>(null);
  const [busy, setBusy] = useState(false);
  const keys = useIdempotencyKeys();
  const ref = useRef<HTMLFormElement>(null);
  const set = (field: AdmitField) => (event: { target: { value: string } }) =>
    setForm((current) => ({ ...current, [field]: event.target.value }));
  const slice = slices.find((s) => s.key === form.snssai);
  const subscriber = subscribers.find((s) => s.supi === form.supi.trim());

  const submit = async (event: FormEvent) => {
    event.preventDefault();
    if (busy) return;
    const checked = admissionFrom(form);
    setRefusal(null);
    setOther(null);
    setAdmitted(null);
    if (!checked.ok) {
      setErrors(checked.errors);
      focusFirstInvalid(ref.current);
      return;
    }
    setErrors({});
    setBusy(true);
    try {
      const session = await api<PduSession>(`${FIVEG}/sessions`, {
        method: 'POST',
        auth: true,
        json: checked.request,
        headers: { 'idempotency-key': keys.keyFor(checked.request) },
      });
      keys.settle();
      setAdmitted(session);
      onAdmitted();
    } catch (caught) {
      keys.settle(caught);
      const failure = asApiError(caught);
      const mapped = failure.status === 400 ? fieldErrorsFrom(failure.errors, ADMIT_FIELDS) : null;
      const missing = failure.status === 404 ? admissionNotFound(failure.message) : null;
      if (failure.status === 409 && failure.reason) {
        setRefusal(failure);
      } else if (mapped && Object.keys(mapped.fields).length > 0) {
        setErrors(mapped.fields);
        focusFirstInvalid(ref.current);
      } else if (missing) {
        setErrors({ [missing]: sentence(failure.message) });
        focusFirstInvalid(ref.current);
      } else if (failure.status === 403) {
        onRefused(failure);
      } else {
        setOther(failure);
      }
    } finally {
      setBusy(false);
    }
  };

  const refusalWords = refusal ? refusalInWords(refusal.reason) : null;
  const admittedSlice = admitted ? slices.find((s) => s.id === admitted.sliceId) : undefined;
  const admittedCell = admitted ? cells.find((c) => c.id === admitted.cellId) : undefined;
  return (
    <section className="card stack" aria-labelledby={`${id}-heading`} data-testid="admit">
      <h3 id={`${id}-heading`}>Admit a session</h3>
      <form ref={ref} className="stack-tight" onSubmit={submit} noValidate>
        <div className="form-grid">
          <Field
            id={`${id}-supi`}
            label="Subscriber (SUPI)"
            error={errors.supi}
            hint={
              subscriber
                ? `Subscribes to ${subscriber.subscribedSnssais.map(snssaiKey).join(', ')}.`
                : 'imsi- and 6 to 15 digits, e.g. imsi-001010000000001.'
            }
          >
            {(aria) => (
              <input
                id={`${id}-supi`}
                value={form.supi}
                onChange={set('supi')}
                list={`${id}-subscribers`}
                autoComplete="off"
                spellCheck={false}
                {...aria}
              />
            )}
          </Field>
          <datalist id={`${id}-subscribers`}>
            {subscribers.map((s) => (
              <option key={s.supi} value={s.supi} />
            ))}
          </datalist>
          <Field
            id={`${id}-slice`}
            label="Slice (S-NSSAI)"
            error={errors.snssai}
            hint={
              slice
                ? `At most ${kbpsExact(slice.maxBitrateKbps)} (${formatKbps(slice.maxBitrateKbps)}) a session.`
                : undefined
            }
          >
            {(aria) => (
              <select id={`${id}-slice`} value={form.snssai} onChange={set('snssai')} {...aria}>
                <option value="">Pick a slice…</option>
                {slices.map((s) => (
                  <option key={s.id} value={s.key}>
                    {sliceLabel(s)}
                  </option>
                ))}
              </select>
            )}
          </Field>
          <Field id={`${id}-cell`} label="Cell" error={errors.cellId}>
            {(aria) => (
              <select id={`${id}-cell`} value={form.cellId} onChange={set('cellId')} {...aria}>
                <option value="">Pick a cell…</option>
                {cells.map((c) => (
                  <option key={c.id} value={c.id}>
                    {cellLabel(c)}
                  </option>
                ))}
              </select>
            )}
          </Field>
          <Field
            id={`${id}-bitrate`}
            label="Bitrate (kbps)"
            error={errors.bitrateKbps}
            hint="Guaranteed for the session, e.g. 20000 (20 Mbit/s)."
          >
            {(aria) => (
              <input
                id={`${id}-bitrate`}
                inputMode="numeric"
                value={form.bitrateKbps}
                onChange={set('bitrateKbps')}
                autoComplete="off"
                {...aria}
              />
            )}
          </Field>
        </div>
        <div className="row">
          <button type="submit" disabled={busy}>
            Admit
          </button>
          {busy ? <Spinner label="Asking for admission…" /> : null}
        </div>
      </form>
      <p className="result" role="status" data-testid="admit-result">
        {admitted
          ? `Admitted: session ${admitted.id} for ${admitted.supi} on ${
              admittedSlice ? sliceLabel(admittedSlice) : snssaiKey(admitted.snssai)
            }${admittedCell ? ` in ${admittedCell.name}` : ''}, ${kbpsExact(admitted.bitrateKbps)}.`
          : ''}
      </p>
      {refusal && refusalWords ? (
        <div className="banner banner-error" role="alert" data-testid="admit-refusal" data-reason={refusal.reason}>
          <strong>Not admitted — {refusalWords.title}:</strong> {sentence(refusal.message)}
          {refusalWords.advice ? ` ${refusalWords.advice}` : ''}
        </div>
      ) : null}
      <ErrorMessage error={other} />
    </section>
  );
}

function SessionsCard({
  sessions,
  slices,
  cells,
  canWrite,
  onReleased,
  onRefused,
}: {
  sessions: PduSession[];
  slices: Slice[];
  cells: CellState[];
  canWrite: boolean;
  onReleased: () => void;
  onRefused: (error: ApiError) => void;
}) {
  const [notice, setNotice] = useState('');
  const [error, setError] = useState<ApiError | null>(null);
  const [busy, setBusy] = useState<string | null>(null);
  const heading = useRef<HTMLHeadingElement>(null);
  const sliceOf = (session: PduSession) => slices.find((s) => s.id === session.sliceId);
  const cellOf = (session: PduSession) => cells.find((c) => c.id === session.cellId);

  const release = async (session: PduSession) => {
    if (busy) return;
    setBusy(session.id);
    setError(null);
    setNotice('');
    try {
      await api<PduSession>(`${FIVEG}/sessions/${encodeURIComponent(session.id)}`, { method: 'DELETE', auth: true });
      setNotice(`Session ${shortId(session.id)} of ${session.supi} released.`);
      // Its row goes: focus the list's heading, so the keyboard does not fall back to the page's top.
      heading.current?.focus();
      onReleased();
    } catch (caught) {
      const failure = asApiError(caught);
      if (failure.status === 403) onRefused(failure);
      else setError(failure);
    } finally {
      setBusy(null);
    }
  };

  return (
    <section className="card stack" aria-labelledby="sessions-heading" data-testid="sessions">
      <div className="row spread">
        <h3 id="sessions-heading" ref={heading} tabIndex={-1}>
          Active sessions
        </h3>
        <span className="muted small" data-testid="sessions-count">
          {sessions.length} active{sessions.length >= 100 ? ' (the 100 most recent)' : ''}
        </span>
      </div>
      <p className="result" aria-live="polite" data-testid="sessions-notice">
        {notice}
      </p>
      {sessions.length === 0 ? (
        <p className="muted">No active sessions.</p>
      ) : (
        <div className="table-wrap">
          <table className="stack-table">
            <thead>
              <tr>
                <th scope="col">Subscriber</th>
                <th scope="col">Slice</th>
                <th scope="col">Cell</th>
                <th scope="col">Bitrate</th>
                <th scope="col">Admitted</th>
                {canWrite ? (
                  <th scope="col">
                    <span className="visually-hidden">Actions</span>
                  </th>
                ) : null}
              </tr>
            </thead>
            <tbody>
              {sessions.map((session) => {
                const slice = sliceOf(session);
                const cell = cellOf(session);
                return (
                  <tr key={session.id} data-testid="session" data-id={session.id}>
                    <th scope="row" data-label="Subscriber">
                      <code className="nowrap">{session.supi}</code>
                      <span className="muted small block" title={session.id}>
                        session {shortId(session.id)}
                      </span>
                    </th>
                    <td data-label="Slice">
                      {slice ? slice.name : null}
                      <span className={slice ? 'muted small block' : undefined}>
                        {slice ? `${slice.type} ` : ''}
                        <code>{snssaiKey(session.snssai)}</code>
                      </span>
                    </td>
                    <td data-label="Cell">{cell ? cell.name : <code>{shortId(session.cellId)}</code>}</td>
                    <td data-label="Bitrate" className="nowrap">
                      {formatKbps(session.bitrateKbps)}
                    </td>
                    <td data-label="Admitted">
                      {WHEN.format(new Date(session.admittedAt))}
                      <span className="muted small block">by {session.admittedBy}</span>
                    </td>
                    {canWrite ? (
                      <td data-label="">
                        <button
                          type="button"
                          className="secondary small-button"
                          onClick={() => release(session)}
                          disabled={busy !== null}
                          aria-label={`Release the session of ${session.supi} on ${slice ? slice.name : snssaiKey(session.snssai)}`}
                        >
                          Release
                        </button>
                      </td>
                    ) : null}
                  </tr>
                );
              })}
            </tbody>
          </table>
        </div>
      )}
      <ErrorMessage error={error} />
    </section>
  );
}

interface FiveGState {
  summary: NetworkSummary;
  slices: Slice[];
  sessions: PduSession[];
  subscribers: FiveGSubscriber[];
}

async function loadFiveG(): Promise<FiveGState> {
  const [summary, slices, sessions, subscribers] = await Promise.all([
    api<NetworkSummary>(`${FIVEG}/summary`, { auth: true }),
    api<{ slices: Slice[] }>(`${FIVEG}/slices`, { auth: true }),
    api<{ sessions: PduSession[] }>(`${FIVEG}/sessions?active=true&limit=100`, { auth: true }),
    api<{ subscribers: FiveGSubscriber[] }>(`${FIVEG}/subscribers?limit=1000`, { auth: true }),
  ]);
  return { summary, slices: slices.slices, sessions: sessions.sessions, subscribers: subscribers.subscribers };
}

function FiveG({ identity }: { identity: Identity | null }) {
  const [state, setState] = useState<FiveGState | null>(null);
  const [error, setError] = useState<ApiError | null>(null);
  const [version, setVersion] = useState(0);
  const [refused, setRefused] = useState<ApiError | null>(null);
  const generation = useRef(0);
  const refresh = useCallback(() => setVersion((v) => v + 1), []);

  // biome-ignore lint/correctness/useExhaustiveDependencies: `version` is the reload signal
  useEffect(() => {
    const mine = ++generation.current;
    let timer: number | undefined;
    loadFiveG().then(
      (answer) => {
        if (mine !== generation.current) return;
        setState(answer);
        setError(null);
        timer = window.setTimeout(refresh, REFRESH_MS);
      },
      (caught: unknown) => {
        if (mine !== generation.current) return;
        setError(asApiError(caught));
        timer = window.setTimeout(refresh, REFRESH_MS);
      },
    );
    return () => window.clearTimeout(timer);
  }, [version, refresh]);

  const canWrite = refused === null && mayWrite(identity?.roles ?? null);
  return (
    <section className="stack" aria-labelledby="fiveg-heading" data-testid="fiveg">
      <div className="row spread">
        <h2 id="fiveg-heading">5G network</h2>
        <button type="button" className="secondary" onClick={refresh}>
          Refresh
        </button>
      </div>
      {state ? (
        <p className="muted small" data-testid="fiveg-generated">
          As of {WHEN.format(new Date(state.summary.generatedAt))} · latency over the last{' '}
          {Math.round(state.summary.windowSeconds / 60)} min · refreshed every {REFRESH_MS / 1000} s
          {state.summary.breaches.length > 0 ? (
            <>
              {' · '}
              <strong className="overdue" data-testid="fiveg-breaches">
                {state.summary.breaches.length} slice{state.summary.breaches.length === 1 ? '' : 's'} over latency
                budget
              </strong>
            </>
          ) : null}
        </p>
      ) : error ? null : (
        <Spinner label="Asking 5g-manager…" />
      )}
      {error ? (
        <div data-testid="fiveg-error">
          {state ? <p className="muted small">The last refresh failed; what is shown is from before.</p> : null}
          <ErrorMessage error={error} />
        </div>
      ) : null}
      {state ? (
        <>
          <SlicesCard slices={state.summary.slices} />
          <CellsCard cells={state.summary.cells} windowSeconds={state.summary.windowSeconds} />
          {refused ? (
            <p className="muted" data-testid="write-refused">
              Your credential may not admit or release sessions: {refused.message}
            </p>
          ) : identity && !canWrite ? (
            <p className="muted small" data-testid="read-only">
              Your roles ({identity.roles.join(', ') || 'none'}) can see the network; only an operator or admin admits
              and releases sessions.
            </p>
          ) : null}
          {canWrite ? (
            <AdmitForm
              slices={state.slices}
              cells={state.summary.cells}
              subscribers={state.subscribers}
              onAdmitted={refresh}
              onRefused={setRefused}
            />
          ) : null}
          <SessionsCard
            sessions={state.sessions}
            slices={state.slices}
            cells={state.summary.cells}
            canWrite={canWrite}
            onReleased={refresh}
            onRefused={setRefused}
          />
        </>
      ) : null}
    </section>
  );
}

/** Both services behind sign-in; remounted for each credential, so one person's view never shows for another. */
function Network({ credential }: { credential: Credential }) {
  // Who the credential is, as 5g-manager says (`GET me`): its roles decide the write controls.
  useEffect(() => {
    let live = true;
    api<Identity>(`${FIVEG}/me`, { auth: true }).then(
      (identity) => {
        if (live) learnIdentity(credential.value, identity);
      },
      () => undefined,
    );
    return () => {
      live = false;
    };
  }, [credential.value]);
  return (
    <>
      <ZeroRating />
      <FiveG identity={knownIdentity(credential)} />
    </>
  );
}

export function NetworkPage() {
  const credential = useCredential();
  return (
    <div className="stack network">
      <ServiceBanner service="zero-rating" />
      <ServiceBanner service="5g-manager" />
      <SignIn hint="The network services need your credential (a viewer, operator or admin)." />
      {credential ? (
        <Network key={credential.value} credential={credential} />
      ) : (
        <p className="muted">
          Sign in to classify flows against the zero-rating rules and to see the 5G slices, cells and sessions.
        </p>
      )}
    </div>
  );
}
