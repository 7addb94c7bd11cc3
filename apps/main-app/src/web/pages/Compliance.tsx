import { type FormEvent, useCallback, useEffect, useId, useRef, useState } from 'react';
import {
  type ApiError,
  acknowledgeAlert,
  asApiError,
  type DashboardAlert,
  type DashboardDeadline,
  type DashboardIot,
  type DashboardOverview,
  type DashboardRegime,
  dashboardMe,
  dashboardOverview,
  type ReachableRegime,
  type UnreachableRegime,
} from '../api.ts';
import {
  ALERT_KINDS,
  BAND_LABELS,
  breachStates,
  DEADLINE_KINDS,
  lastAnswered,
  listInWords,
  mayAcknowledge,
  missingParts,
  REFRESH_MS,
  rejectionReasons,
  scoreBand,
  soonestFirst,
  total,
  words,
} from '../compliance.ts';
import {
  ErrorMessage,
  Field,
  FirstLoad,
  focusFirstInvalid,
  ServiceBanner,
  SignIn,
  Spinner,
  When,
} from '../components.tsx';
import { type Credential, useCredential } from '../credentials.ts';
import { usePolled, useServiceIdentity } from '../hooks.ts';
import { formatInZone, viewerTimeZone, zoneName } from '../privacy.ts';

const NOTE_MAX = 2000;

const absolute = (iso: string) => {
  const zone = viewerTimeZone();
  return `${formatInZone(iso, zone)} ${zoneName(iso, zone)}`;
};

function Header({
  overview,
  now,
  onRefresh,
  loading,
}: {
  overview: DashboardOverview;
  now: number;
  onRefresh: () => void;
  loading: boolean;
}) {
  const missing = missingParts(overview);
  const degraded = overview.status === 'degraded';
  return (
    <section className="card stack" aria-labelledby="dashboard-heading" data-testid="dashboard-header">
      <div className="row spread">
        <h2 id="dashboard-heading">Overview</h2>
        <div className="row">
          <span
            className={`badge ${degraded ? 'badge-degraded' : 'badge-ready'}`}
            data-testid="dashboard-status"
            data-status={overview.status}
          >
            {degraded ? 'Degraded' : 'All answering'}
          </span>
          <button type="button" className="secondary" onClick={onRefresh} disabled={loading}>
            Refresh
          </button>
        </div>
      </div>
      <p className="small">
        Generated <When iso={overview.generatedAt} now={now} testId="generated-at" />
        <span className="muted"> · refreshed every {REFRESH_MS / 1000} s</span>
      </p>
      {degraded && missing.length > 0 ? (
        <p className="banner banner-warning" data-testid="degraded-detail">
          <strong>Degraded:</strong> {listInWords(missing)} {missing.length === 1 ? 'is' : 'are'} not answering. Their
          numbers are not shown rather than shown old or guessed.
        </p>
      ) : null}
    </section>
  );
}

function ReachableCard({ regime, now }: { regime: ReachableRegime; now: number }) {
  const band = scoreBand(regime);
  const id = useId();
  return (
    <>
      <p className="regime-score" data-testid="regime-score">
        <span className="regime-score-value">{regime.score}</span>
        <span className="muted small"> / 100</span>{' '}
        <span className={`band band-${band}`} data-testid="regime-band">
          {BAND_LABELS[band]}
        </span>
      </p>
      {regime.reasons.length > 0 ? (
        <div className="stack-tight">
          <h4 id={`${id}-reasons`}>Why not 100</h4>
          <ul className="reasons" aria-labelledby={`${id}-reasons`} data-testid="regime-reasons">
            {regime.reasons.map((reason) => (
              <li key={reason}>{reason}</li>
            ))}
          </ul>
        </div>
      ) : (
        <p className="muted small" data-testid="regime-reasons">
          No deductions.
        </p>
      )}
      <dl className="facts regime-facts">
        <dt>Requests</dt>
        <dd data-testid="regime-requests">
          {regime.requests.open} open
          {regime.requests.overdue > 0 ? (
            <>
              {', '}
              <strong className="overdue" data-testid="regime-overdue">
                {regime.requests.overdue} overdue
              </strong>
            </>
          ) : (
            ', none overdue'
          )}
        </dd>
        <dt>Breaches</dt>
        <dd data-testid="regime-breaches">
          {breachStates(regime.breaches)
            .map(({ state, count }) => `${count} ${words(state)}`)
            .join(', ') || 'none'}
        </dd>
        <dt>Notifications</dt>
        <dd data-testid="regime-notifications">
          {regime.notifications.pending} pending
          {regime.notifications.missed > 0 ? (
            <>
              {', '}
              <strong className="overdue">{regime.notifications.missed} missed</strong>
            </>
          ) : (
            ', none missed'
          )}
          {regime.notifications.nextDueAt ? (
            <>
              <br />
              <span className="muted small">next due </span>
              <When iso={regime.notifications.nextDueAt} now={now} />
            </>
          ) : null}
        </dd>
      </dl>
      {regime.failingControls.length > 0 ? (
        <details className="controls" data-testid="failing-controls">
          <summary>
            {regime.failingControls.length} failing control{regime.failingControls.length === 1 ? '' : 's'}
          </summary>
          <ul className="plain stack-tight">
            {regime.failingControls.map((control) => (
              <li key={control.id} data-control={control.id}>
                <strong>{control.title}</strong>
                <span className="muted small"> · {control.evidence}</span>
              </li>
            ))}
          </ul>
        </details>
      ) : (
        <p className="muted small">No failing controls.</p>
      )}
      {regime.iotFindings.length > 0 ? (
        <p className="small" data-testid="regime-iot">
          {regime.iotFindings.length} IoT finding{regime.iotFindings.length === 1 ? '' : 's'} under this regime.
        </p>
      ) : null}
      {regime.timelineTruncated ? (
        <p className="muted small">
          More open requests or breaches than the dashboard lists: the timeline shows the first.
        </p>
      ) : null}
      <p className="muted small">
        Answered <When iso={regime.fetchedAt} now={now} />
      </p>
    </>
  );
}

function UnreachableCard({ regime }: { regime: UnreachableRegime }) {
  return (
    <>
      <p className="regime-unreachable" data-testid="regime-unreachable">
        <span className="badge badge-not_deployed">Unreachable</span>
      </p>
      <p className="small wrap" data-testid="regime-error">
        {regime.error}
      </p>
      <p className="muted small" data-testid="regime-last-answered">
        {lastAnswered(regime.lastSuccessAt, absolute)}
      </p>
    </>
  );
}

function RegimeCard({ regime, now }: { regime: DashboardRegime; now: number }) {
  const band = scoreBand(regime);
  const headingId = useId();
  return (
    <li
      className={`card stack regime-card regime-${band}`}
      aria-labelledby={headingId}
      data-testid="regime-card"
      data-service={regime.service}
      data-regime={regime.regime}
      data-reachable={regime.reachable ? 'true' : 'false'}
      data-band={band}
    >
      <h3 id={headingId} data-testid="regime-card-name">
        {regime.name}
      </h3>
      {regime.reachable ? <ReachableCard regime={regime} now={now} /> : <UnreachableCard regime={regime} />}
    </li>
  );
}

function Deadlines({
  deadlines,
  unreachable,
  now,
}: {
  deadlines: DashboardDeadline[];
  unreachable: string[];
  now: number;
}) {
  const rows = soonestFirst(deadlines);
  return (
    <section className="card stack" aria-labelledby="deadlines-heading" data-testid="deadlines">
      <h2 id="deadlines-heading">Deadlines</h2>
      {unreachable.length > 0 ? (
        <p className="muted small" data-testid="deadlines-missing">
          Deadlines of {listInWords(unreachable)} are not shown: {unreachable.length === 1 ? 'it is' : 'they are'} not
          answering.
        </p>
      ) : null}
      {rows.length === 0 ? (
        <p className="muted">No open requests or pending notifications.</p>
      ) : (
        <div className="table-wrap">
          <table className="deadline-table">
            <thead>
              <tr>
                <th scope="col">Due</th>
                <th scope="col">What</th>
                <th scope="col" className="col-optional">
                  Service
                </th>
              </tr>
            </thead>
            <tbody>
              {rows.map((deadline) => (
                <tr
                  key={`${deadline.service}:${deadline.kind}:${deadline.id}`}
                  className={deadline.overdue ? 'row-overdue' : undefined}
                  data-testid="deadline"
                  data-kind={deadline.kind}
                  data-service={deadline.service}
                  data-id={deadline.id}
                  data-overdue={deadline.overdue ? 'true' : 'false'}
                >
                  <td>
                    {deadline.overdue ? (
                      <span className="badge badge-down" data-testid="deadline-overdue">
                        Overdue
                      </span>
                    ) : null}{' '}
                    <When iso={deadline.dueAt} now={now} />
                  </td>
                  <td className="deadline-label">
                    {deadline.label}
                    <span className="muted small"> · {DEADLINE_KINDS[deadline.kind] ?? words(deadline.kind)}</span>
                    <span className="mobile-detail">{deadline.service}</span>
                  </td>
                  <td className="col-optional">
                    <code>{deadline.service}</code>
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

/** The note (optional) and the call; a 404 means the alert is no longer current: the list is asked again. */
function AcknowledgeForm({
  alert,
  onDone,
  onGone,
  onRefused,
  onCancel,
}: {
  alert: DashboardAlert;
  onDone: (alert: DashboardAlert) => void;
  onGone: (message: string) => void;
  onRefused: (error: ApiError) => void;
  onCancel: () => void;
}) {
  const id = useId();
  const [note, setNote] = useState('');
  const [fieldError, setFieldError] = useState<string | undefined>();
  const [error, setError] = useState<ApiError | null>(null);
  const [busy, setBusy] = useState(false);
  const form = useRef<HTMLFormElement>(null);
  const input = useRef<HTMLTextAreaElement>(null);

  useEffect(() => {
    input.current?.focus();
  }, []);

  const submit = async (event: FormEvent) => {
    event.preventDefault();
    if (busy) return;
    if (note.trim().length > NOTE_MAX) {
      setFieldError(`A note is at most ${NOTE_MAX} characters.`);
      focusFirstInvalid(form.current);
      return;
    }
    setFieldError(undefined);
    setBusy(true);
    setError(null);
    try {
      onDone(await acknowledgeAlert(alert.id, note.trim() || undefined));
    } catch (caught) {
      const failure = asApiError(caught);
      if (failure.status === 404) onGone(failure.message);
      else if (failure.status === 403) onRefused(failure);
      else setError(failure);
    } finally {
      setBusy(false);
    }
  };

  return (
    <form ref={form} className="stack-tight ack-form" onSubmit={submit} noValidate data-testid="ack-form">
      <Field id={`${id}-note`} label="Note (optional)" error={fieldError} hint="What is being done about it.">
        {(aria) => (
          <textarea
            id={`${id}-note`}
            ref={input}
            rows={2}
            value={note}
            maxLength={NOTE_MAX}
            onChange={(event) => setNote(event.target.value)}
            {...aria}
          />
        )}
      </Field>
      <div className="row">
        <button type="submit" disabled={busy}>
          Acknowledge
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

function AlertRow({
  alert,
  now,
  canAcknowledge,
  onChanged,
  onGone,
  onRefused,
}: {
  alert: DashboardAlert;
  now: number;
  canAcknowledge: boolean;
  onChanged: (alert: DashboardAlert) => void;
  onGone: (message: string) => void;
  onRefused: (error: ApiError) => void;
}) {
  const [open, setOpen] = useState(false);
  const button = useRef<HTMLButtonElement>(null);
  const state = useRef<HTMLSpanElement>(null);
  // After acknowledging, focus goes to what replaced the form: who acknowledged it, when.
  const focusState = useRef(false);
  const acknowledged = alert.acknowledgedAt !== null;

  useEffect(() => {
    if (focusState.current && acknowledged) {
      focusState.current = false;
      state.current?.focus();
    }
  });
  return (
    <tr
      data-testid="alert"
      data-alert={alert.id}
      data-kind={alert.kind}
      data-acknowledged={acknowledged ? 'true' : 'false'}
    >
      <td>
        <span className={`alert-kind alert-${alert.kind}`}>{ALERT_KINDS[alert.kind] ?? words(alert.kind)}</span>
        <span className="mobile-detail">
          since <When iso={alert.since} now={now} />
        </span>
      </td>
      <td className="alert-message">
        {alert.message}
        <span className="mobile-detail">{alert.service}</span>
      </td>
      <td className="col-optional">
        <When iso={alert.since} now={now} />
      </td>
      <td className="col-optional">
        <code>{alert.service}</code>
      </td>
      <td data-testid="alert-state">
        {acknowledged ? (
          <span data-testid="acknowledged" ref={state} tabIndex={-1}>
            <span className="badge badge-ready">Acknowledged</span>
            <br />
            <span className="small">
              by <strong data-testid="acknowledged-by">{alert.acknowledgedBy}</strong>,{' '}
              <When iso={alert.acknowledgedAt as string} now={now} />
            </span>
            {alert.note ? (
              <span className="small ack-note" data-testid="acknowledged-note">
                “{alert.note}”
              </span>
            ) : null}
          </span>
        ) : (
          <>
            <span className="badge badge-degraded">Open</span>
            {canAcknowledge ? (
              open ? (
                <AcknowledgeForm
                  alert={alert}
                  onDone={(updated) => {
                    focusState.current = true;
                    setOpen(false);
                    onChanged(updated);
                  }}
                  onGone={onGone}
                  onRefused={onRefused}
                  onCancel={() => {
                    setOpen(false);
                    requestAnimationFrame(() => button.current?.focus());
                  }}
                />
              ) : (
                <div className="row">
                  <button
                    type="button"
                    ref={button}
                    className="small-button"
                    onClick={() => setOpen(true)}
                    aria-label={`Acknowledge: ${alert.message}`}
                  >
                    Acknowledge
                  </button>
                </div>
              )
            ) : null}
          </>
        )}
      </td>
    </tr>
  );
}

function Alerts({
  alerts,
  now,
  canAcknowledge,
  onChanged,
  onGone,
  onRefused,
  notice,
}: {
  alerts: DashboardAlert[];
  now: number;
  canAcknowledge: boolean;
  onChanged: (alert: DashboardAlert) => void;
  onGone: (message: string) => void;
  onRefused: (error: ApiError) => void;
  notice: string;
}) {
  const open = alerts.filter((a) => a.acknowledgedAt === null).length;
  return (
    <section className="card stack" aria-labelledby="alerts-heading" data-testid="alerts">
      <div className="row spread">
        <h2 id="alerts-heading">Alerts</h2>
        <span className="muted small" data-testid="alerts-count">
          {open} open, {alerts.length - open} acknowledged
        </span>
      </div>
      <p className="result" aria-live="polite" data-testid="alerts-notice">
        {notice}
      </p>
      {alerts.length === 0 ? (
        <p className="muted">No alerts: nothing overdue, no notification deadline near, no IoT finding.</p>
      ) : (
        <div className="table-wrap">
          <table className="alert-table">
            <thead>
              <tr>
                <th scope="col">Kind</th>
                <th scope="col">Alert</th>
                <th scope="col" className="col-optional">
                  Since
                </th>
                <th scope="col" className="col-optional">
                  Service
                </th>
                <th scope="col">State</th>
              </tr>
            </thead>
            <tbody>
              {alerts.map((alert) => (
                <AlertRow
                  key={alert.id}
                  alert={alert}
                  now={now}
                  canAcknowledge={canAcknowledge}
                  onChanged={onChanged}
                  onGone={onGone}
                  onRefused={onRefused}
                />
              ))}
            </tbody>
          </table>
        </div>
      )}
    </section>
  );
}

function IotPanel({ iot, now }: { iot: DashboardIot; now: number }) {
  return (
    <section
      className={`card stack${iot.reachable ? '' : ' regime-unknown'}`}
      aria-labelledby="iot-heading"
      data-testid="iot"
      data-reachable={iot.reachable ? 'true' : 'false'}
    >
      <h2 id="iot-heading">IoT integration</h2>
      {iot.reachable ? (
        <>
          <dl className="facts">
            <dt>Devices</dt>
            <dd data-testid="iot-devices">
              {iot.devices.online} online, {iot.devices.offline} offline ({iot.devices.total} in all)
            </dd>
            <dt>Messages</dt>
            <dd data-testid="iot-messages">
              {iot.messages.accepted} accepted, {total(iot.messages.rejected)} rejected
              {rejectionReasons(iot.messages.rejected).length > 0 ? (
                <ul className="plain small">
                  {rejectionReasons(iot.messages.rejected).map(({ reason, count }) => (
                    <li key={reason} data-reason={reason}>
                      {words(reason)}: {count}
                    </li>
                  ))}
                </ul>
              ) : null}
            </dd>
            <dt>Findings</dt>
            <dd data-testid="iot-findings">{iot.findings.open} open</dd>
          </dl>
          {iot.findings.recent.length > 0 ? (
            <ul className="plain stack-tight small">
              {iot.findings.recent.map((finding) => (
                <li key={finding.id} data-finding={finding.id}>
                  <strong>{words(finding.kind)}</strong> ({finding.regime}) on <code>{finding.deviceId}</code>:{' '}
                  {finding.summary} <When iso={finding.detectedAt} now={now} />
                </li>
              ))}
            </ul>
          ) : null}
        </>
      ) : (
        <>
          <p>
            <span className="badge badge-not_deployed">Unreachable</span>
          </p>
          <p className="small wrap" data-testid="iot-error">
            {iot.error}
          </p>
          <p className="muted small">{lastAnswered(iot.lastSuccessAt, absolute)}</p>
        </>
      )}
    </section>
  );
}

/**
 * The overview behind sign-in, asked again every REFRESH_MS; remounted for each credential,
 * so one person's view never shows for another.
 */
function Dashboard({ credential }: { credential: Credential }) {
  const {
    data: overview,
    setData: setOverview,
    error,
    loading,
    at: now,
    refresh,
  } = usePolled(dashboardOverview, REFRESH_MS);
  const [notice, setNotice] = useState('');
  const [refused, setRefused] = useState<ApiError | null>(null);

  // Who the credential is, when the dashboard says (`GET me`); otherwise what the console knows.
  // The page waits for its answer too, so a role that may not acknowledge is never offered it.
  const { identity, settled } = useServiceIdentity(credential, dashboardMe);

  const changed = useCallback(
    (updated: DashboardAlert) => {
      setNotice('Alert acknowledged.');
      setOverview((current) =>
        current ? { ...current, alerts: current.alerts.map((a) => (a.id === updated.id ? updated : a)) } : current,
      );
    },
    [setOverview],
  );
  const gone = useCallback(
    (message: string) => {
      setNotice(`That alert is no longer current: ${message}. The list has been refreshed.`);
      refresh();
    },
    [refresh],
  );

  const canAcknowledge = refused === null && mayAcknowledge(identity?.roles ?? null);

  if (!overview || !settled) {
    return <FirstLoad label="Asking the dashboard…" error={error} onRetry={refresh} testId="dashboard-loading" />;
  }
  const unreachable = overview.regimes.filter((r) => !r.reachable).map((r) => r.name);
  return (
    <>
      <Header overview={overview} now={now} onRefresh={refresh} loading={loading} />
      {error ? (
        <div data-testid="refresh-error">
          <p className="muted small">
            The last refresh failed; the overview below is from {absolute(overview.generatedAt)}.
          </p>
          <ErrorMessage error={error} />
        </div>
      ) : null}
      <section className="stack" aria-labelledby="regimes-heading">
        <h2 id="regimes-heading">Regimes</h2>
        <ul className="plain regime-grid" data-testid="regimes">
          {overview.regimes.map((regime) => (
            <RegimeCard key={regime.service} regime={regime} now={now} />
          ))}
        </ul>
      </section>
      <Deadlines deadlines={overview.deadlines} unreachable={unreachable} now={now} />
      {refused ? (
        <p className="muted" data-testid="ack-refused">
          Your credential may not acknowledge alerts: {refused.message}
        </p>
      ) : identity && !canAcknowledge ? (
        <p className="muted small" data-testid="read-only">
          Your roles ({identity.roles.join(', ') || 'none'}) can read the overview; only a dpo acknowledges alerts.
        </p>
      ) : null}
      <Alerts
        alerts={overview.alerts}
        now={now}
        canAcknowledge={canAcknowledge}
        onChanged={changed}
        onGone={gone}
        onRefused={setRefused}
        notice={notice}
      />
      <IotPanel iot={overview.iot} now={now} />
    </>
  );
}

export function CompliancePage() {
  const credential = useCredential();
  return (
    <div className="stack">
      <ServiceBanner service="compliance-dashboard" />
      <SignIn hint="The compliance dashboard needs your credential (a dpo, operator or auditor)." />
      {credential ? (
        <Dashboard key={credential.value} credential={credential} />
      ) : (
        <p className="muted">
          Sign in to see every regime's score, the deadlines coming up, the alerts and the IoT integration.
        </p>
      )}
    </div>
  );
}
