import { type FormEvent, useCallback, useId, useRef, useState } from 'react';
import {
  type ApiError,
  asApiError,
  type IotDevice,
  type IotFindingRecord,
  type IotRejection,
  type IotSummary,
  iotDevices,
  iotMe,
  iotOpenFindings,
  iotRejections,
  iotSummary,
  registerDevice,
  resolveFinding,
} from '../api.ts';
import { rejectionReasons, total, words } from '../compliance.ts';
import { ErrorMessage, Field, FirstLoad, Refusal, ServiceBanner, SignIn, Spinner, When } from '../components.tsx';
import { type Credential, useCredential } from '../credentials.ts';
import { useFocusFirstInvalid, usePolled, useServiceIdentity } from '../hooks.ts';
import {
  ALGORITHMS,
  DEVICE_TYPES,
  type DeviceErrors,
  type DeviceForm,
  deviceErrors,
  deviceFrom,
  EMPTY_DEVICE,
  FINDING_LABELS,
  iotControls,
  REFRESH_MS,
  REJECTION_LABELS,
  REJECTIONS_SHOWN,
  STATUS_LABELS,
} from '../iot.ts';

interface Snapshot {
  summary: IotSummary;
  devices: IotDevice[];
  findings: IotFindingRecord[];
  rejections: IotRejection[];
}

const load = async (): Promise<Snapshot> => {
  const [summary, devices, findings, rejections] = await Promise.all([
    iotSummary(),
    iotDevices(),
    iotOpenFindings(),
    iotRejections(REJECTIONS_SHOWN),
  ]);
  return { summary, devices, findings, rejections };
};

const findingLabel = (kind: string) => FINDING_LABELS[kind] ?? words(kind);

function Summary({ summary }: { summary: IotSummary }) {
  const reasons = rejectionReasons(summary.messages.rejected);
  const kinds = Object.entries(summary.findings.byKind).filter(([, count]) => count > 0);
  return (
    <section className="card stack" aria-labelledby="iot-summary-heading" data-testid="iot-summary">
      <h2 id="iot-summary-heading">Summary</h2>
      <dl className="supply iot-summary">
        <div>
          <dt>Devices</dt>
          <dd data-testid="summary-devices">
            {summary.devices.online} online, {summary.devices.offline} offline
          </dd>
        </div>
        <div>
          <dt>Messages accepted</dt>
          <dd data-testid="summary-accepted">{summary.messages.accepted}</dd>
        </div>
        <div>
          <dt>Messages rejected</dt>
          <dd data-testid="summary-rejected">
            {total(summary.messages.rejected)}
            {reasons.length > 0 ? (
              <ul className="plain small summary-reasons">
                {reasons.map(({ reason, count }) => (
                  <li key={reason} data-reason={reason}>
                    {REJECTION_LABELS[reason]?.label ?? words(reason)}: {count}
                  </li>
                ))}
              </ul>
            ) : null}
          </dd>
        </div>
        <div>
          <dt>Open findings</dt>
          <dd data-testid="summary-findings">
            {summary.findings.open}
            {kinds.length > 0 ? (
              <ul className="plain small summary-reasons">
                {kinds.map(([kind, count]) => (
                  <li key={kind} data-kind={kind}>
                    {findingLabel(kind)}: {count}
                  </li>
                ))}
              </ul>
            ) : null}
          </dd>
        </div>
      </dl>
    </section>
  );
}

function Devices({ devices, now }: { devices: IotDevice[]; now: number }) {
  return (
    <section className="card stack" aria-labelledby="devices-heading" data-testid="devices">
      <h2 id="devices-heading">Devices</h2>
      {devices.length === 0 ? (
        <p className="muted">No devices registered yet.</p>
      ) : (
        <div className="table-wrap">
          <table className="stack-table device-table">
            <thead>
              <tr>
                <th scope="col">Device</th>
                <th scope="col">Type</th>
                <th scope="col">Location</th>
                <th scope="col">Jurisdiction</th>
                <th scope="col">Algorithm</th>
                <th scope="col">Status</th>
                <th scope="col">Last seen</th>
              </tr>
            </thead>
            <tbody>
              {devices.map((device) => (
                <tr key={device.id} data-testid="device" data-device={device.id} data-status={device.status}>
                  <th scope="row">
                    <code>{device.id}</code>
                  </th>
                  <td data-label="Type">{device.type}</td>
                  <td className="long-text" data-label="Location">
                    {device.location}
                  </td>
                  <td data-label="Jurisdiction">{device.jurisdiction}</td>
                  <td data-label="Algorithm">{device.algorithm}</td>
                  <td data-testid="device-status" data-label="Status">
                    <span
                      className={`badge ${device.status === 'online' ? 'badge-ready' : device.status === 'offline' ? 'badge-down' : 'badge-not_deployed'}`}
                    >
                      {STATUS_LABELS[device.status] ?? device.status}
                    </span>
                  </td>
                  <td data-testid="device-last-seen" data-label="Last seen">
                    {device.lastSeenAt ? (
                      <When iso={device.lastSeenAt} now={now} />
                    ) : (
                      <span className="muted">Never</span>
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

function RegisterForm({
  onRegistered,
  onRefused,
}: {
  onRegistered: (device: IotDevice) => void;
  onRefused: (error: ApiError) => void;
}) {
  const id = useId();
  const [form, setForm] = useState<DeviceForm>(EMPTY_DEVICE);
  const [errors, setErrors] = useState<DeviceErrors>({});
  const [error, setError] = useState<ApiError | null>(null);
  const [busy, setBusy] = useState(false);
  const [done, setDone] = useState('');
  const element = useRef<HTMLFormElement>(null);
  const focusInvalid = useFocusFirstInvalid(element);
  const set = (part: Partial<DeviceForm>) => setForm((current) => ({ ...current, ...part }));

  const submit = async (event: FormEvent) => {
    event.preventDefault();
    if (busy) return;
    setError(null);
    setDone('');
    const checked = deviceFrom(form);
    if (!checked.ok) {
      setErrors(checked.errors);
      focusInvalid();
      return;
    }
    setErrors({});
    setBusy(true);
    try {
      const device = await registerDevice(checked.device);
      setForm(EMPTY_DEVICE);
      setDone(
        `Device ${device.id} registered (${device.algorithm}). It shows online once it publishes signed telemetry.`,
      );
      onRegistered(device);
    } catch (caught) {
      const failure = asApiError(caught);
      if (failure.status === 403) {
        onRefused(failure);
        return;
      }
      const refused = deviceErrors(failure);
      setErrors(refused.fields);
      if (refused.other) setError(failure);
      else focusInvalid();
    } finally {
      setBusy(false);
    }
  };

  return (
    <section className="card stack" aria-labelledby="register-heading" data-testid="register">
      <h2 id="register-heading">Register a device</h2>
      <form ref={element} className="stack" onSubmit={submit} noValidate data-testid="register-form">
        <div className="register-grid">
          <Field id={`${id}-id`} label="Device id" error={errors.id} hint="Its MQTT topic level; never reused.">
            {(aria) => (
              <input
                id={`${id}-id`}
                value={form.id}
                onChange={(event) => set({ id: event.target.value })}
                autoComplete="off"
                spellCheck={false}
                maxLength={64}
                {...aria}
              />
            )}
          </Field>
          <Field
            id={`${id}-type`}
            label="Type"
            error={errors.type}
            hint="Health devices' readings are scanned for PHI."
          >
            {(aria) => (
              <input
                id={`${id}-type`}
                list={`${id}-types`}
                value={form.type}
                onChange={(event) => set({ type: event.target.value })}
                autoComplete="off"
                spellCheck={false}
                maxLength={64}
                {...aria}
              />
            )}
          </Field>
          <datalist id={`${id}-types`}>
            {DEVICE_TYPES.map((type) => (
              <option key={type} value={type} />
            ))}
          </datalist>
          <Field id={`${id}-location`} label="Location" error={errors.location}>
            {(aria) => (
              <input
                id={`${id}-location`}
                value={form.location}
                onChange={(event) => set({ location: event.target.value })}
                maxLength={200}
                {...aria}
              />
            )}
          </Field>
          <Field
            id={`${id}-jurisdiction`}
            label="Jurisdiction"
            error={errors.jurisdiction}
            hint="Country code, e.g. ZA, DE."
          >
            {(aria) => (
              <input
                id={`${id}-jurisdiction`}
                value={form.jurisdiction}
                onChange={(event) => set({ jurisdiction: event.target.value })}
                autoComplete="off"
                spellCheck={false}
                maxLength={2}
                className="short-input"
                {...aria}
              />
            )}
          </Field>
          <Field
            id={`${id}-algorithm`}
            label="Algorithm"
            error={errors.algorithm}
            hint="ML-DSA (FIPS 204); the key's length says which."
          >
            {(aria) => (
              <select
                id={`${id}-algorithm`}
                value={form.algorithm}
                onChange={(event) => set({ algorithm: event.target.value as DeviceForm['algorithm'] })}
                {...aria}
              >
                <option value="">From the key</option>
                {ALGORITHMS.map((algorithm) => (
                  <option key={algorithm} value={algorithm}>
                    {algorithm}
                  </option>
                ))}
              </select>
            )}
          </Field>
        </div>
        <Field
          id={`${id}-key`}
          label="Public key"
          error={errors.publicKey}
          hint="The device's ML-DSA public key in base64 (1312 bytes for ML-DSA-44, 1952 for ML-DSA-65); line breaks are ignored."
        >
          {(aria) => (
            <textarea
              id={`${id}-key`}
              className="key-input"
              rows={4}
              value={form.publicKey}
              onChange={(event) => set({ publicKey: event.target.value })}
              spellCheck={false}
              autoComplete="off"
              {...aria}
            />
          )}
        </Field>
        <div className="row">
          <button type="submit" disabled={busy}>
            Register
          </button>
          {busy ? <Spinner label="Registering…" /> : null}
        </div>
        <p className="result" aria-live="polite" data-testid="register-notice">
          {done}
        </p>
        <ErrorMessage error={error} />
      </form>
    </section>
  );
}

function Findings({
  findings,
  now,
  canResolve,
  onResolved,
  onRefused,
  notice,
}: {
  findings: IotFindingRecord[];
  now: number;
  canResolve: boolean;
  onResolved: (finding: IotFindingRecord) => void;
  onRefused: (error: ApiError) => void;
  notice: string;
}) {
  const [busy, setBusy] = useState<string | null>(null);
  const [error, setError] = useState<ApiError | null>(null);
  const heading = useRef<HTMLHeadingElement>(null);

  const resolve = async (finding: IotFindingRecord) => {
    setBusy(finding.id);
    setError(null);
    try {
      onResolved(await resolveFinding(finding.id));
      // The row and its button are gone: the person lands on the list they were in.
      requestAnimationFrame(() => heading.current?.focus());
    } catch (caught) {
      const failure = asApiError(caught);
      if (failure.status === 403) onRefused(failure);
      else setError(failure);
    } finally {
      setBusy(null);
    }
  };

  return (
    <section className="card stack" aria-labelledby="findings-heading" data-testid="findings">
      <div className="row spread">
        <h2 id="findings-heading" ref={heading} tabIndex={-1}>
          Open findings
        </h2>
        <span className="muted small" data-testid="findings-count">
          {findings.length} open
        </span>
      </div>
      <p className="result" aria-live="polite" data-testid="findings-notice">
        {notice}
      </p>
      {findings.length === 0 ? (
        <p className="muted">No open findings: nothing in the accepted telemetry needs a DPO's attention.</p>
      ) : (
        <div className="table-wrap">
          <table className="stack-table finding-table">
            <thead>
              <tr>
                <th scope="col">Finding</th>
                <th scope="col">Device</th>
                <th scope="col">What was found</th>
                <th scope="col">Detected</th>
                {canResolve ? (
                  <th scope="col">
                    <span className="visually-hidden">Resolve</span>
                  </th>
                ) : null}
              </tr>
            </thead>
            <tbody>
              {findings.map((finding) => (
                <tr key={finding.id} data-testid="finding" data-finding={finding.id} data-kind={finding.kind}>
                  <td>
                    <span className="alert-kind alert-iot">{findingLabel(finding.kind)}</span>
                    <span className="muted small block">{finding.regime.toUpperCase()}</span>
                  </td>
                  <td data-label="Device">
                    <code>{finding.deviceId}</code>
                  </td>
                  <td className="long-text" data-testid="finding-summary">
                    {finding.summary}
                  </td>
                  <td data-label="Detected">
                    <When iso={finding.detectedAt} now={now} />
                    <span className="muted small block" data-testid="finding-occurrences">
                      {finding.occurrences === 1 ? 'once' : `${finding.occurrences} times`}
                    </span>
                  </td>
                  {canResolve ? (
                    <td>
                      <button
                        type="button"
                        className="small-button"
                        onClick={() => void resolve(finding)}
                        disabled={busy !== null}
                        aria-label={`Resolve: ${findingLabel(finding.kind)} on ${finding.deviceId}`}
                      >
                        Resolve
                      </button>
                    </td>
                  ) : null}
                </tr>
              ))}
            </tbody>
          </table>
        </div>
      )}
      {busy ? <Spinner label="Resolving…" /> : null}
      <ErrorMessage error={error} />
    </section>
  );
}

function Rejections({ rejections, now }: { rejections: IotRejection[]; now: number }) {
  return (
    <section className="card stack" aria-labelledby="rejections-heading" data-testid="rejections">
      <h2 id="rejections-heading">Recent rejections</h2>
      <p className="muted small">
        Messages the service refused to store, newest first (the last {REJECTIONS_SHOWN}). The device is the one the
        message claimed, from its topic: unverified.
      </p>
      {rejections.length === 0 ? (
        <p className="muted">No message has been rejected.</p>
      ) : (
        <div className="table-wrap">
          <table className="stack-table rejection-table">
            <thead>
              <tr>
                <th scope="col">Received</th>
                <th scope="col">Reason</th>
                <th scope="col">Device</th>
                <th scope="col">Detail</th>
              </tr>
            </thead>
            <tbody>
              {rejections.map((rejection) => (
                <tr key={rejection.id} data-testid="rejection" data-reason={rejection.reason}>
                  <td>
                    <When iso={rejection.receivedAt} now={now} />
                  </td>
                  <td data-testid="rejection-reason">
                    <strong>{REJECTION_LABELS[rejection.reason]?.label ?? words(rejection.reason)}</strong>
                    {REJECTION_LABELS[rejection.reason] ? (
                      <span className="muted small block">{REJECTION_LABELS[rejection.reason]?.why}</span>
                    ) : null}
                  </td>
                  <td data-label="Device">
                    {rejection.deviceId ? <code>{rejection.deviceId}</code> : <span className="muted">none</span>}
                  </td>
                  <td className="long-text small" data-label="Detail">
                    {rejection.detail}
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

/** Everything behind sign-in, asked again every REFRESH_MS; remounted for each credential. */
function IotConsole({ credential }: { credential: Credential }) {
  const { data: snapshot, setData: setSnapshot, error, loading, at: now, refresh } = usePolled(load, REFRESH_MS);
  const [notice, setNotice] = useState('');
  const [registerRefused, setRegisterRefused] = useState<ApiError | null>(null);
  const [resolveRefused, setResolveRefused] = useState<ApiError | null>(null);
  // Who the credential is here (`GET me`), asked alongside the first load: the page waits for
  // both, so a role that may not register or resolve is never offered the controls.
  const { identity, settled } = useServiceIdentity(credential, iotMe);

  const resolved = useCallback(
    (finding: IotFindingRecord) => {
      setNotice(
        `Resolved: ${findingLabel(finding.kind)} on ${finding.deviceId}${finding.resolvedBy ? `, by ${finding.resolvedBy}` : ''}.`,
      );
      setSnapshot((current) =>
        current ? { ...current, findings: current.findings.filter((f) => f.id !== finding.id) } : current,
      );
      refresh();
    },
    [refresh, setSnapshot],
  );

  // By the roles the service answered; all offered only when it could not say (it decides then).
  const offered = iotControls(identity?.roles ?? null, {
    register: registerRefused !== null,
    resolve: resolveRefused !== null,
  });
  const canRegister = offered.register;
  const canResolve = offered.resolve;

  if (!snapshot || !settled) {
    return <FirstLoad label="Asking the IoT integration…" error={error} onRetry={refresh} testId="iot-loading" />;
  }
  return (
    <>
      <div className="row spread">
        <p className="muted small">Refreshed every {REFRESH_MS / 1000} s.</p>
        <button type="button" className="secondary" onClick={refresh} disabled={loading}>
          Refresh
        </button>
      </div>
      {error ? (
        <div data-testid="refresh-error">
          <p className="muted small">The last refresh failed; what is shown is from before it.</p>
          <ErrorMessage error={error} />
        </div>
      ) : null}
      <Summary summary={snapshot.summary} />
      <Devices devices={snapshot.devices} now={now} />
      {registerRefused ? (
        <Refusal testId="register-refused">Your credential may not register devices: {registerRefused.message}</Refusal>
      ) : identity && !canRegister ? (
        <p className="muted small" data-testid="read-only">
          Your roles ({identity.roles.join(', ') || 'none'}) can see the devices, findings and rejections; an operator
          or a dpo registers devices, and a dpo resolves findings.
        </p>
      ) : null}
      {canRegister ? <RegisterForm onRegistered={refresh} onRefused={setRegisterRefused} /> : null}
      {resolveRefused ? (
        <Refusal testId="resolve-refused">Your credential may not resolve findings: {resolveRefused.message}</Refusal>
      ) : null}
      <Findings
        findings={snapshot.findings}
        now={now}
        canResolve={canResolve}
        onResolved={resolved}
        onRefused={setResolveRefused}
        notice={notice}
      />
      <Rejections rejections={snapshot.rejections} now={now} />
    </>
  );
}

export function IotPage() {
  const credential = useCredential();
  return (
    <div className="stack">
      <ServiceBanner service="quantum-iot-integration" />
      <SignIn hint="The IoT integration needs your credential: an auditor sees the devices, an operator or a dpo also registers them, and a dpo resolves findings." />
      {credential ? (
        <IotConsole key={credential.value} credential={credential} />
      ) : (
        <p className="muted" data-testid="signed-out">
          Sign in to see the devices, their signed telemetry's findings and the messages rejected. Reading needs the
          auditor, operator or dpo role; registering a device needs operator or dpo; resolving a finding needs dpo.
        </p>
      )}
    </div>
  );
}
