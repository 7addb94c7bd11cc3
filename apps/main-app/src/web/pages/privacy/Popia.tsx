// POPIA's panels: the Information Officer (s.55, registered with the Information Regulator),
// shown and edited by the DPO, and the s.69 direct-marketing register of one subject, where a
// second approach without consent is refused and the service's reason shown.
import { type FormEvent, useRef, useState } from 'react';
import {
  type ApiError,
  asApiError,
  type InformationOfficer,
  type MarketingChannel,
  type MarketingStatus,
  popiaInformationOfficer,
  popiaMarketing,
  popiaRecordApproach,
  popiaRecordDecision,
  popiaSaveInformationOfficer,
} from '../../api.ts';
import { ErrorMessage, Field, focusFirstInvalid, Spinner } from '../../components.tsx';
import {
  formatInZone,
  hasRole,
  type OfficerField,
  type OfficerFields,
  officerFrom,
  subjectFrom,
} from '../../privacy.ts';
import {
  SelectField,
  type SubjectErrors,
  SubjectFields,
  type SubjectInput,
  subjectErrors,
  useLoaded,
  ZonedTime,
} from './shared.tsx';

const CHANNELS: MarketingChannel[] = ['email', 'sms', 'phone', 'post'];
const MARKETING_LABELS: Record<string, string> = {
  not_approached: 'Not approached: one approach to ask for consent may be made',
  approached_once: 'Approached once without consent: no further approach until consent is recorded',
  consented: 'Consented to direct marketing',
  refused: 'Refused direct marketing: no approach may be made',
};

const OFFICER_LABELS: Record<OfficerField, string> = {
  name: 'Name',
  email: 'Email',
  phone: 'Phone',
  registrationNumber: 'Registration number (optional)',
  registeredOn: 'Registered on (optional)',
};

function OfficerForm({
  current,
  timeZone,
  onSaved,
  onCancel,
}: {
  current: InformationOfficer;
  timeZone: string;
  onSaved: () => void;
  onCancel: () => void;
}) {
  const officer = current.officer;
  const [fields, setFields] = useState<OfficerFields>({
    name: officer?.name ?? '',
    email: officer?.email ?? '',
    phone: officer?.phone ?? '',
    registrationNumber: officer?.registrationNumber ?? '',
    registeredOn: officer?.registeredAt ? formatInZone(officer.registeredAt, timeZone).slice(0, 10) : '',
  });
  const [fieldErrors, setFieldErrors] = useState<Partial<Record<OfficerField, string>>>({});
  const [error, setError] = useState<ApiError | null>(null);
  const [busy, setBusy] = useState(false);
  const form = useRef<HTMLFormElement>(null);

  const submit = async (event: FormEvent) => {
    event.preventDefault();
    if (busy) return;
    const result = officerFrom(fields, timeZone);
    if (!result.ok) {
      setFieldErrors(result.errors);
      focusFirstInvalid(form.current);
      return;
    }
    setFieldErrors({});
    setBusy(true);
    setError(null);
    try {
      await popiaSaveInformationOfficer({ officer: result.officer, deputies: current.deputies });
      onSaved();
    } catch (caught) {
      setError(asApiError(caught));
    } finally {
      setBusy(false);
    }
  };

  return (
    <form ref={form} className="stack" onSubmit={submit} noValidate data-testid="officer-form">
      <div className="row">
        {(Object.keys(OFFICER_LABELS) as OfficerField[]).map((field) => (
          <Field key={field} id={`officer-${field}`} label={OFFICER_LABELS[field]} error={fieldErrors[field]}>
            {(aria) => (
              <input
                id={`officer-${field}`}
                type={field === 'registeredOn' ? 'date' : field === 'email' ? 'email' : 'text'}
                value={fields[field]}
                maxLength={200}
                autoComplete="off"
                onChange={(e) => setFields((f) => ({ ...f, [field]: e.target.value }))}
                {...aria}
              />
            )}
          </Field>
        ))}
      </div>
      {current.deputies.length > 0 ? (
        <p className="muted small">The {current.deputies.length} deputies stay as they are.</p>
      ) : null}
      <div className="row">
        <button type="submit" disabled={busy}>
          Save
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

function InformationOfficerCard({ editable, timeZone }: { editable: boolean; timeZone: string }) {
  const { data, error, reload } = useLoaded(popiaInformationOfficer);
  const [editing, setEditing] = useState(false);
  const officer = data?.officer;
  return (
    <section className="card stack" aria-labelledby="officer-heading" data-testid="popia-officer">
      <div className="row spread">
        <h2 id="officer-heading">Information Officer</h2>
        {data && editable && !editing ? (
          <button type="button" className="secondary" onClick={() => setEditing(true)}>
            Edit
          </button>
        ) : null}
      </div>
      {data === null && !error ? <Spinner label="Loading the Information Officer…" /> : null}
      {data && editing ? (
        <OfficerForm
          current={data}
          timeZone={timeZone}
          onCancel={() => setEditing(false)}
          onSaved={() => {
            setEditing(false);
            reload();
          }}
        />
      ) : null}
      {data && !editing ? (
        officer ? (
          <dl className="facts" data-registered={String(data.registered)}>
            <dt>Name</dt>
            <dd data-testid="officer-name">{officer.name}</dd>
            <dt>Contact</dt>
            <dd>
              {officer.email} · {officer.phone}
            </dd>
            <dt>Registration</dt>
            <dd data-testid="officer-registration">
              {data.registered && officer.registeredAt ? (
                <>
                  {officer.registrationNumber}, registered {formatInZone(officer.registeredAt, timeZone).slice(0, 10)}
                </>
              ) : (
                <span className="field-error">not registered with the Information Regulator (s.55(2))</span>
              )}
            </dd>
            <dt>Deputies</dt>
            <dd>
              {data.deputies.length === 0
                ? 'none'
                : data.deputies.map((d) => `${d.name} (${d.email}, ${d.phone})`).join('; ')}
            </dd>
          </dl>
        ) : (
          <p className="field-error" data-testid="officer-none">
            No Information Officer is designated (s.55).
          </p>
        )
      ) : null}
      <ErrorMessage error={error} />
    </section>
  );
}

function MarketingRegister({ timeZone }: { timeZone: string }) {
  const [identifier, setIdentifier] = useState<SubjectInput>({ kind: 'email', otherKind: '', value: '' });
  const [channel, setChannel] = useState<MarketingChannel>('email');
  const [purpose, setPurpose] = useState('');
  const [fieldErrors, setFieldErrors] = useState<SubjectErrors>({});
  const [status, setStatus] = useState<MarketingStatus | null>(null);
  const [result, setResult] = useState('');
  const [error, setError] = useState<ApiError | null>(null);
  const [busy, setBusy] = useState(false);
  const form = useRef<HTMLFormElement>(null);

  /** Runs `action` for the subject in the fields, then shows the subject's register as it now stands. */
  const run = async (action: (subject: string) => Promise<string>) => {
    if (busy) return;
    const subject = subjectFrom(identifier.kind, identifier.otherKind, identifier.value, 'the person');
    if (!subject.ok) {
      setFieldErrors(subjectErrors(subject));
      focusFirstInvalid(form.current);
      return;
    }
    setFieldErrors({});
    setBusy(true);
    setError(null);
    setResult('');
    try {
      setResult(await action(subject.subject));
    } catch (caught) {
      setError(asApiError(caught));
    }
    try {
      setStatus(await popiaMarketing(subject.subject));
    } catch (caught) {
      setError((previous) => previous ?? asApiError(caught));
    } finally {
      setBusy(false);
    }
  };
  const lookUp = (event: FormEvent) => {
    event.preventDefault();
    void run(async () => '');
  };
  const approach = () =>
    run(async (subject) => {
      await popiaRecordApproach({ subject, channel, ...(purpose.trim() ? { purpose: purpose.trim() } : {}) });
      return `Approach by ${channel} recorded.`;
    });
  const decide = (decision: 'consented' | 'refused') =>
    run(async (subject) => {
      await popiaRecordDecision({ subject, decision });
      return decision === 'consented' ? 'Consent recorded.' : 'Refusal recorded.';
    });

  return (
    <form
      ref={form}
      className="card stack"
      onSubmit={lookUp}
      noValidate
      aria-labelledby="marketing-heading"
      data-testid="popia-marketing"
    >
      <h2 id="marketing-heading">Direct marketing (s.69)</h2>
      <p className="muted small">
        A person who has not consented may be approached once, to ask for consent; a refusal stops every later approach.
      </p>
      <SubjectFields
        id="marketing"
        valueId="marketing-subject"
        kindLabel="Identified by"
        valueLabel="Person"
        input={identifier}
        onInput={setIdentifier}
        errors={fieldErrors}
      />
      <div className="row">
        <button type="submit" disabled={busy}>
          Look up
        </button>
        {busy ? <Spinner label="Working…" /> : null}
      </div>
      <div className="row">
        <SelectField id="marketing-channel" label="Channel" value={channel} options={CHANNELS} onChange={setChannel} />
        <Field id="marketing-purpose" label="Purpose (optional)">
          {(aria) => (
            <input
              id="marketing-purpose"
              value={purpose}
              maxLength={200}
              onChange={(e) => setPurpose(e.target.value)}
              {...aria}
            />
          )}
        </Field>
      </div>
      <div className="row">
        <button type="button" disabled={busy} onClick={() => void approach()}>
          Record approach
        </button>
        <button type="button" className="secondary" disabled={busy} onClick={() => void decide('consented')}>
          Record consent
        </button>
        <button type="button" className="secondary" disabled={busy} onClick={() => void decide('refused')}>
          Record refusal
        </button>
      </div>
      <p className="result" aria-live="polite" data-testid="marketing-result">
        {result}
      </p>
      <div data-testid="marketing-error">
        <ErrorMessage error={error} />
      </div>
      {status ? (
        <div className="stack" data-testid="marketing-status" data-status={status.status}>
          <p>
            <code>{status.subject}</code>: {MARKETING_LABELS[status.status] ?? status.status}
          </p>
          {status.approaches.length > 0 || status.decisions.length > 0 ? (
            <div className="table-wrap">
              <table>
                <thead>
                  <tr>
                    <th scope="col">When</th>
                    <th scope="col">What</th>
                    <th scope="col">By</th>
                  </tr>
                </thead>
                <tbody>
                  {[
                    ...status.approaches.map((a) => ({
                      id: a.id,
                      at: a.at,
                      what: `approach by ${a.channel}${a.purpose ? ` (${a.purpose})` : ''}`,
                      by: a.by,
                    })),
                    ...(status.refusedApproaches ?? []).map((a) => ({
                      id: a.id,
                      at: a.at,
                      what: `approach by ${a.channel} refused: ${a.reason ?? ''}`,
                      by: a.by,
                    })),
                    ...status.decisions.map((d) => ({ id: d.id, at: d.at, what: d.decision, by: d.by })),
                  ]
                    .sort((a, b) => a.at.localeCompare(b.at))
                    .map((row) => (
                      <tr key={row.id}>
                        <td>
                          <ZonedTime iso={row.at} timeZone={timeZone} />
                        </td>
                        <td className="wrap">{row.what}</td>
                        <td>{row.by ? <code>{row.by}</code> : null}</td>
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

export function PopiaPanels({ roles, timeZone }: { roles: readonly string[]; timeZone: string }) {
  return (
    <>
      <InformationOfficerCard editable={hasRole(roles, 'dpo')} timeZone={timeZone} />
      <MarketingRegister timeZone={timeZone} />
    </>
  );
}
