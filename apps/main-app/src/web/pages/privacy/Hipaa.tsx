// HIPAA's panels: the accounting of disclosures of one patient's PHI (45 CFR §164.528) and the
// business associates with their BAA review dates.
import { type FormEvent, useRef, useState } from 'react';
import { type ApiError, asApiError, hipaaAccounting, hipaaAssociates, type PhiAccounting } from '../../api.ts';
import { ErrorMessage, focusFirstInvalid, Spinner } from '../../components.tsx';
import { hasRole, reviewState, subjectFrom } from '../../privacy.ts';
import {
  type SubjectErrors,
  SubjectFields,
  type SubjectInput,
  subjectErrors,
  useLoaded,
  ZonedTime,
} from './shared.tsx';

const REVIEW_LABELS = { overdue: 'review past due', soon: 'review due within 30 days', ok: '' } as const;

function AccountingLookup({ timeZone }: { timeZone: string }) {
  const [identifier, setIdentifier] = useState<SubjectInput>({ kind: 'customer_id', otherKind: '', value: '' });
  const [fieldErrors, setFieldErrors] = useState<SubjectErrors>({});
  const [result, setResult] = useState<{ patient: string; accounting: PhiAccounting } | null>(null);
  const [error, setError] = useState<ApiError | null>(null);
  const [busy, setBusy] = useState(false);
  const form = useRef<HTMLFormElement>(null);

  const submit = async (event: FormEvent) => {
    event.preventDefault();
    if (busy) return;
    const patient = subjectFrom(identifier.kind, identifier.otherKind, identifier.value, 'the patient');
    if (!patient.ok) {
      setFieldErrors(subjectErrors(patient));
      focusFirstInvalid(form.current);
      return;
    }
    setFieldErrors({});
    setBusy(true);
    setError(null);
    try {
      setResult({ patient: patient.subject, accounting: await hipaaAccounting(patient.subject) });
    } catch (caught) {
      setResult(null);
      setError(asApiError(caught));
    } finally {
      setBusy(false);
    }
  };

  const entries = result?.accounting.entries ?? [];
  return (
    <form
      ref={form}
      className="card stack"
      onSubmit={submit}
      noValidate
      aria-labelledby="hipaa-accounting-heading"
      data-testid="hipaa-accounting"
    >
      <h2 id="hipaa-accounting-heading">Accounting of disclosures</h2>
      <p className="muted small">
        Every read and disclosure of a patient's PHI in the last six years, refused reads included (45 CFR §164.528).
      </p>
      <SubjectFields
        id="patient"
        kindLabel="Patient identified by"
        valueLabel="Patient"
        otherKindPlaceholder="mrn"
        input={identifier}
        onInput={setIdentifier}
        errors={fieldErrors}
      />
      <div className="row">
        <button type="submit" disabled={busy}>
          Show accounting
        </button>
        {busy ? <Spinner label="Looking up…" /> : null}
      </div>
      <ErrorMessage error={error} />
      {result ? (
        <div className="stack" aria-live="polite">
          <p data-testid="accounting-count">
            {entries.length === 0
              ? `No reads or disclosures of ${result.patient}'s PHI in this period.`
              : `${entries.length} access${entries.length === 1 ? '' : 'es'} to ${result.patient}'s PHI${
                  result.accounting.truncated ? ' (the oldest shown; narrow the period for the rest)' : ''
                }.`}
          </p>
          {entries.length > 0 ? (
            <div className="table-wrap">
              <table data-testid="accounting-entries">
                <thead>
                  <tr>
                    <th scope="col">When</th>
                    <th scope="col">Who</th>
                    <th scope="col">Role</th>
                    <th scope="col">Purpose</th>
                    <th scope="col">Fields</th>
                  </tr>
                </thead>
                <tbody>
                  {entries.map((entry) => (
                    <tr key={entry.id} data-kind={entry.kind} data-outcome={entry.outcome}>
                      <td>
                        <ZonedTime iso={entry.at} timeZone={timeZone} />
                      </td>
                      <td>
                        <code>{entry.accessor}</code>
                        <span className="muted small">
                          {' '}
                          {entry.kind === 'disclosure'
                            ? `disclosed to ${entry.recipient ?? 'a recipient'}`
                            : entry.outcome === 'refused'
                              ? 'read refused'
                              : 'read'}
                        </span>
                      </td>
                      <td>{entry.role}</td>
                      <td>{entry.purpose}</td>
                      <td>
                        {entry.fields.length > 0 ? entry.fields.join(', ') : <span className="muted">none</span>}
                        {entry.withheld.length > 0 ? (
                          <span className="muted small"> · withheld: {entry.withheld.join(', ')}</span>
                        ) : null}
                        {entry.reason ? <span className="field-error"> · {entry.reason}</span> : null}
                      </td>
                    </tr>
                  ))}
                </tbody>
              </table>
            </div>
          ) : null}
        </div>
      ) : null}
    </form>
  );
}

function Associates({ timeZone }: { timeZone: string }) {
  const { data: associates, error, reload } = useLoaded(hipaaAssociates);
  const now = new Date();
  return (
    <section className="card stack" aria-labelledby="baa-heading" data-testid="hipaa-associates">
      <div className="row spread">
        <h2 id="baa-heading">Business associates</h2>
        <button type="button" className="secondary" onClick={reload}>
          Refresh
        </button>
      </div>
      {associates === null && !error ? <Spinner label="Loading business associates…" /> : null}
      {associates && associates.length === 0 ? <p className="muted">No business associates recorded.</p> : null}
      {associates && associates.length > 0 ? (
        <div className="table-wrap">
          <table>
            <thead>
              <tr>
                <th scope="col">Associate</th>
                <th scope="col">Services</th>
                <th scope="col">BAA signed</th>
                <th scope="col">Review due</th>
              </tr>
            </thead>
            <tbody>
              {associates.map((a) => {
                const review = a.active ? reviewState(a.reviewDueAt, now) : 'ok';
                return (
                  <tr key={a.id} data-associate={a.name} data-review={review} className={`review-${review}`}>
                    <td>
                      {a.name}
                      {a.active ? null : <span className="muted small"> · terminated</span>}
                    </td>
                    <td>{a.services.join(', ')}</td>
                    <td>
                      {a.signedAt ? (
                        <ZonedTime iso={a.signedAt} timeZone={timeZone} />
                      ) : (
                        <span className="field-error">not signed</span>
                      )}
                    </td>
                    <td>
                      <ZonedTime iso={a.reviewDueAt} timeZone={timeZone} />
                      {REVIEW_LABELS[review] ? (
                        <span className={review === 'overdue' ? 'field-error' : 'review-note'}>
                          {' '}
                          · {REVIEW_LABELS[review]}
                        </span>
                      ) : null}
                    </td>
                  </tr>
                );
              })}
            </tbody>
          </table>
        </div>
      ) : null}
      <ErrorMessage error={error} />
    </section>
  );
}

/** The accounting and the BAA list are the privacy officer's and the auditor's (the service says so too). */
export function HipaaPanels({ roles, timeZone }: { roles: readonly string[]; timeZone: string }) {
  if (!hasRole(roles, 'dpo', 'auditor')) {
    return (
      <p className="muted" data-testid="hipaa-not-allowed">
        The accounting of disclosures and the business associates are for the privacy officer (dpo) and the auditor.
      </p>
    );
  }
  return (
    <>
      <AccountingLookup timeZone={timeZone} />
      <Associates timeZone={timeZone} />
    </>
  );
}
