// SOX's panels: change requests and their steps (segregation of duties: the service refuses a
// requester's own change, and its reason is shown as it said it), open deficiencies by
// severity, and the s.302 certifications with their officers' attestations.
import { type FormEvent, useEffect, useId, useRef, useState } from 'react';
import {
  type ApiError,
  asApiError,
  type SoxCertification,
  type SoxChange,
  soxAttest,
  soxCertifications,
  soxChangeStep,
  soxChanges,
  soxControls,
  soxOpenDeficiencies,
  soxRequestChange,
} from '../../api.ts';
import { ErrorMessage, Field, focusFirstInvalid, Spinner } from '../../components.tsx';
import type { Identity } from '../../credentials.ts';
import { type ChangeStep, changeStepsFor, hasRole, openBySeverity, SEVERITY_LABELS } from '../../privacy.ts';
import { SelectField, useLoaded, ZonedTime } from './shared.tsx';

const STEP_LABELS: Record<ChangeStep, string> = { approve: 'Approve', reject: 'Reject', deploy: 'Deploy' };
const RISKS = ['low', 'medium', 'high'] as const;

function ChangeForm({ onFiled }: { onFiled: () => void }) {
  const [title, setTitle] = useState('');
  const [system, setSystem] = useState('');
  const [description, setDescription] = useState('');
  const [risk, setRisk] = useState<string>('medium');
  const [fieldErrors, setFieldErrors] = useState<Partial<Record<'title' | 'system' | 'description', string>>>({});
  const [error, setError] = useState<ApiError | null>(null);
  const [busy, setBusy] = useState(false);
  const form = useRef<HTMLFormElement>(null);

  const submit = async (event: FormEvent) => {
    event.preventDefault();
    if (busy) return;
    const errors = {
      title: title.trim() ? undefined : 'Give the change a title.',
      system: system.trim() ? undefined : 'Name the system it changes.',
      description: description.trim() ? undefined : 'Say what changes and why.',
    };
    setFieldErrors(errors);
    if (Object.values(errors).some(Boolean)) {
      focusFirstInvalid(form.current);
      return;
    }
    setBusy(true);
    setError(null);
    try {
      await soxRequestChange({ title: title.trim(), system: system.trim(), description: description.trim(), risk });
      setTitle('');
      setDescription('');
      onFiled();
    } catch (caught) {
      setError(asApiError(caught));
    } finally {
      setBusy(false);
    }
  };

  return (
    <form ref={form} className="stack" onSubmit={submit} noValidate data-testid="sox-change-form">
      <h3>Request a change</h3>
      <div className="row">
        <Field id="change-title" label="Title" error={fieldErrors.title}>
          {(aria) => (
            <input
              id="change-title"
              value={title}
              maxLength={200}
              onChange={(e) => setTitle(e.target.value)}
              {...aria}
            />
          )}
        </Field>
        <Field id="change-system" label="System" error={fieldErrors.system}>
          {(aria) => (
            <input
              id="change-system"
              value={system}
              maxLength={200}
              onChange={(e) => setSystem(e.target.value)}
              {...aria}
            />
          )}
        </Field>
        <SelectField id="change-risk" label="Risk" value={risk} options={RISKS} onChange={setRisk} />
      </div>
      <Field id="change-description" label="Description" error={fieldErrors.description}>
        {(aria) => (
          <textarea
            id="change-description"
            rows={2}
            value={description}
            maxLength={4000}
            onChange={(e) => setDescription(e.target.value)}
            {...aria}
          />
        )}
      </Field>
      <div className="row">
        <button type="submit" disabled={busy}>
          Request change
        </button>
        {busy ? <Spinner label="Filing…" /> : null}
      </div>
      <ErrorMessage error={error} />
    </form>
  );
}

function ChangeItem({ change, timeZone, onChanged }: { change: SoxChange; timeZone: string; onChanged: () => void }) {
  const id = useId();
  const [rejecting, setRejecting] = useState(false);
  const [reason, setReason] = useState('');
  const [reasonError, setReasonError] = useState<string | undefined>();
  const [error, setError] = useState<ApiError | null>(null);
  const [busy, setBusy] = useState(false);
  const form = useRef<HTMLFormElement>(null);
  // A refusal was about the change as it stood: once it moves on, it no longer applies.
  // biome-ignore lint/correctness/useExhaustiveDependencies: `change.status` is the signal
  useEffect(() => setError(null), [change.status]);

  const take = async (step: ChangeStep, text?: string) => {
    setBusy(true);
    setError(null);
    try {
      await soxChangeStep(change.id, step, text);
      setRejecting(false);
      onChanged();
    } catch (caught) {
      setError(asApiError(caught));
    } finally {
      setBusy(false);
    }
  };
  const submitReject = (event: FormEvent) => {
    event.preventDefault();
    if (!reason.trim()) {
      setReasonError('Give the reason the requester will read.');
      focusFirstInvalid(form.current);
      return;
    }
    setReasonError(undefined);
    void take('reject', reason.trim());
  };

  const steps = changeStepsFor(change.status);
  return (
    <li className="card stack" data-testid="sox-change" data-status={change.status} data-title={change.title}>
      <div className="row spread">
        <strong>{change.title}</strong>
        <span className="muted small">
          {change.status} · {change.risk} risk
        </span>
      </div>
      <p className="small">
        {change.system}: {change.description}
      </p>
      <p className="muted small">
        Requested by <code>{change.requestedBy}</code> <ZonedTime iso={change.requestedAt} timeZone={timeZone} />
        {change.approvedBy ? ` · approved by ${change.approvedBy}` : ''}
        {change.rejectedBy ? ` · rejected by ${change.rejectedBy}: ${change.rejectionReason ?? ''}` : ''}
        {change.deployedBy ? ` · deployed by ${change.deployedBy}` : ''}
      </p>
      {rejecting ? (
        <form ref={form} className="stack" onSubmit={submitReject} noValidate>
          <Field id={`${id}-reason`} label="Reason for rejecting" error={reasonError}>
            {(aria) => (
              <textarea
                id={`${id}-reason`}
                rows={2}
                value={reason}
                maxLength={2000}
                onChange={(e) => setReason(e.target.value)}
                {...aria}
              />
            )}
          </Field>
          <div className="row">
            <button type="submit" disabled={busy}>
              Reject
            </button>
            <button type="button" className="secondary" onClick={() => setRejecting(false)} disabled={busy}>
              Cancel
            </button>
          </div>
        </form>
      ) : steps.length > 0 ? (
        <div className="row" data-testid="sox-change-steps">
          {steps.map((step) => (
            <button
              key={step}
              type="button"
              className={step === 'reject' ? 'secondary' : undefined}
              disabled={busy}
              onClick={() => (step === 'reject' ? setRejecting(true) : void take(step))}
            >
              {STEP_LABELS[step]}
            </button>
          ))}
          {busy ? <Spinner label="Saving…" /> : null}
        </div>
      ) : null}
      <div data-testid="sox-change-error">
        <ErrorMessage error={error} />
      </div>
    </li>
  );
}

function Changes({ roles, timeZone }: { roles: readonly string[]; timeZone: string }) {
  const { data: changes, error, reload } = useLoaded(soxChanges);
  return (
    <section className="card stack" aria-labelledby="sox-changes-heading" data-testid="sox-changes">
      <div className="row spread">
        <h2 id="sox-changes-heading">Change requests</h2>
        <button type="button" className="secondary" onClick={reload}>
          Refresh
        </button>
      </div>
      <p className="muted small">
        Segregation of duties: whoever requested a change may not approve, reject or deploy it.
      </p>
      {hasRole(roles, 'change_requester') ? <ChangeForm onFiled={reload} /> : null}
      {changes === null && !error ? <Spinner label="Loading changes…" /> : null}
      {changes && changes.length === 0 ? <p className="muted">No change requests yet.</p> : null}
      {changes && changes.length > 0 ? (
        <ul className="plain stack">
          {changes.map((change) => (
            <ChangeItem key={change.id} change={change} timeZone={timeZone} onChanged={reload} />
          ))}
        </ul>
      ) : null}
      <ErrorMessage error={error} />
    </section>
  );
}

function Deficiencies({ timeZone }: { timeZone: string }) {
  const { data, error } = useLoaded(() => Promise.all([soxOpenDeficiencies(), soxControls()]));
  const groups = data ? openBySeverity(data[0]) : [];
  const controls = new Map((data?.[1] ?? []).map((c) => [c.id, c]));
  return (
    <section className="card stack" aria-labelledby="sox-deficiencies-heading" data-testid="sox-deficiencies">
      <h2 id="sox-deficiencies-heading">Open deficiencies</h2>
      {data === null && !error ? <Spinner label="Loading deficiencies…" /> : null}
      {data && groups.length === 0 ? <p className="muted">No open deficiencies.</p> : null}
      {groups.map((group) => (
        <div key={group.severity} className="stack" data-severity={group.severity}>
          <h3>
            {SEVERITY_LABELS[group.severity] ?? group.severity}{' '}
            <span className="muted small" data-testid="severity-count">
              ({group.items.length})
            </span>
          </h3>
          <ul className="plain stack">
            {group.items.map((d) => {
              const control = controls.get(d.controlId);
              return (
                <li key={d.id} className="small">
                  <code>{control?.key ?? d.controlId}</code> {control ? control.title : ''}: {d.description}{' '}
                  <span className="muted">
                    (identified <ZonedTime iso={d.identifiedAt} timeZone={timeZone} />)
                  </span>
                </li>
              );
            })}
          </ul>
        </div>
      ))}
      <ErrorMessage error={error} />
    </section>
  );
}

function AttestForm({ certification, onDone }: { certification: SoxCertification; onDone: () => void }) {
  const id = useId();
  const [statement, setStatement] = useState('');
  const [fieldError, setFieldError] = useState<string | undefined>();
  const [error, setError] = useState<ApiError | null>(null);
  const [busy, setBusy] = useState(false);
  const form = useRef<HTMLFormElement>(null);
  const submit = async (event: FormEvent) => {
    event.preventDefault();
    if (busy) return;
    if (!statement.trim()) {
      setFieldError('Write the statement you attest.');
      focusFirstInvalid(form.current);
      return;
    }
    setFieldError(undefined);
    setBusy(true);
    setError(null);
    try {
      await soxAttest(certification.id, statement.trim());
      onDone();
    } catch (caught) {
      setError(asApiError(caught));
    } finally {
      setBusy(false);
    }
  };
  return (
    <form ref={form} className="stack" onSubmit={submit} noValidate data-testid="sox-attest">
      <Field id={`${id}-statement`} label={`Your s.302 statement for ${certification.quarter}`} error={fieldError}>
        {(aria) => (
          <textarea
            id={`${id}-statement`}
            rows={3}
            value={statement}
            maxLength={8000}
            onChange={(e) => setStatement(e.target.value)}
            {...aria}
          />
        )}
      </Field>
      <div className="row">
        <button type="submit" disabled={busy}>
          Attest
        </button>
        {busy ? <Spinner label="Saving…" /> : null}
      </div>
      <ErrorMessage error={error} />
    </form>
  );
}

function Certifications({ identity, timeZone }: { identity: Identity; timeZone: string }) {
  const { data: certifications, error, reload } = useLoaded(soxCertifications);
  return (
    <section className="card stack" aria-labelledby="sox-certifications-heading" data-testid="sox-certifications">
      <h2 id="sox-certifications-heading">s.302 certifications</h2>
      {certifications === null && !error ? <Spinner label="Loading certifications…" /> : null}
      {certifications && certifications.length === 0 ? <p className="muted">No certifications yet.</p> : null}
      <ul className="plain stack">
        {(certifications ?? []).map((c) => {
          const mine = c.officers.find((o) => o.subject === identity.subject && !o.attestedAt);
          return (
            <li key={c.id} className="stack" data-testid="sox-certification" data-quarter={c.quarter}>
              <div className="row spread">
                <strong>
                  {c.quarter} <span className="muted small">(period ending {c.periodEnd})</span>
                </strong>
                <span className={c.overdue ? 'field-error' : 'muted small'}>
                  {c.complete ? 'complete' : c.overdue ? `overdue since ${c.dueDate}` : `due ${c.dueDate}`}
                </span>
              </div>
              <div className="table-wrap">
                <table>
                  <thead>
                    <tr>
                      <th scope="col">Officer</th>
                      <th scope="col">Attested</th>
                      <th scope="col">Statement</th>
                    </tr>
                  </thead>
                  <tbody>
                    {c.officers.map((o) => (
                      <tr key={o.subject} data-officer={o.subject}>
                        <td>
                          {o.title} <code>{o.subject}</code>
                        </td>
                        <td>
                          {o.attestedAt ? (
                            <ZonedTime iso={o.attestedAt} timeZone={timeZone} />
                          ) : (
                            <span className="muted">not yet</span>
                          )}
                        </td>
                        <td className="wrap">{o.statement ?? ''}</td>
                      </tr>
                    ))}
                  </tbody>
                </table>
              </div>
              {mine && hasRole(identity.roles, 'officer') ? <AttestForm certification={c} onDone={reload} /> : null}
            </li>
          );
        })}
      </ul>
      <ErrorMessage error={error} />
    </section>
  );
}

export function SoxPanels({ identity, timeZone }: { identity: Identity; timeZone: string }) {
  return (
    <>
      <Changes roles={identity.roles} timeZone={timeZone} />
      <Deficiencies timeZone={timeZone} />
      <Certifications identity={identity} timeZone={timeZone} />
    </>
  );
}
