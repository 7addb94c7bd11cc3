import { type FormEvent, type MouseEvent, useCallback, useEffect, useId, useRef, useState } from 'react';
import {
  type ApiError,
  asApiError,
  type InfrastructureState,
  listIssues,
  listRecoveries,
  listSnapshots,
  type OpsIssue,
  type RecoveryAction,
  type RecoveryStatus,
  recoverIssue,
  recoveryStatus,
  restoreSnapshot,
  type SchedulerStatus,
  type SnapshotKind,
  type SnapshotSummary,
  type SnapshotTarget,
  schedulerStatus,
  snapshotsMe,
  snapshotTargets,
  takeSnapshots,
  tracingMe,
  type WatchedService,
} from '../api.ts';
import { ErrorMessage, Field, FirstLoad, Refusal, ServiceBanner, SignIn, Spinner, When } from '../components.tsx';
import { type Credential, useCredential } from '../credentials.ts';
import { type ServiceIdentity, usePolled, useServiceIdentity } from '../hooks.ts';
import {
  actorInWords,
  claimHolder,
  contentsInWords,
  dataName,
  ISSUE_KIND_LABELS,
  labelOf,
  type OpsControls,
  OUTCOME_LABELS,
  opsControls,
  outcomesOf,
  outcomeTone,
  RECENT,
  REFRESH_MS,
  recoveredNotice,
  recoverRefusal,
  restoredNotice,
  restoreTarget,
  restoreTargetError,
  SNAPSHOTS_SHOWN,
  snapshotNotice,
  triggerLabel,
} from '../operations.ts';
import { viewerTimeZone } from '../privacy.ts';
import { formatBytes } from '../reports.ts';
import { formatMs } from '../traces.ts';

const RUNTIME_LABELS: Record<string, string> = {
  docker: 'Docker Engine: restarts the compose service’s container',
  dev: 'pnpm dev’s control API: restarts the service’s process',
  none: 'None: actions are recorded as unsupported, nothing is restarted',
};

const minutes = (ms: number) => {
  const m = ms / 60_000;
  return m >= 1 ? `${Number(m.toFixed(1))} min` : `${Math.round(ms / 1000)} s`;
};

interface IssuesSnapshot {
  open: OpsIssue[];
  recent: OpsIssue[];
  recoveries: RecoveryAction[];
}

const loadIssues = async (): Promise<IssuesSnapshot> => {
  const [open, recent, recoveries] = await Promise.all([
    listIssues({ status: 'open', limit: 100 }),
    listIssues({ limit: RECENT }),
    listRecoveries(RECENT),
  ]);
  return { open, recent, recoveries };
};

function ReadyBadge({ ready, yes, no }: { ready: boolean | null; yes: string; no: string }) {
  if (ready === null) return <span className="badge badge-pending">Not checked yet</span>;
  return <span className={`badge ${ready ? 'badge-ready' : 'badge-down'}`}>{ready ? yes : no}</span>;
}

function Watch({ status, now }: { status: RecoveryStatus; now: number }) {
  const { guardRails: rails } = status;
  const notReady = status.services.filter((s) => s.ready === false).length;
  return (
    <section className="card stack" aria-labelledby="watch-heading" data-testid="watch">
      <h2 id="watch-heading">Health watch</h2>
      <p className="muted small" data-testid="watch-summary">
        tracing-recovery watches {status.services.length} service{status.services.length === 1 ? '' : 's'}
        {notReady > 0 ? `, ${notReady} not ready` : ''}.{' '}
        {status.lastRoundAt ? (
          <>
            Last check <When iso={status.lastRoundAt} now={now} />
            {status.lastRoundMs !== null ? ` (took ${formatMs(status.lastRoundMs)})` : ''}.
          </>
        ) : (
          'No check has run yet.'
        )}
      </p>
      <dl className="facts" data-testid="recovery-settings">
        <dt>Runtime</dt>
        <dd data-testid="runtime" data-runtime={status.runtime}>
          {RUNTIME_LABELS[status.runtime] ?? status.runtime}
        </dd>
        <dt>Dry run</dt>
        <dd data-testid="dry-run">
          {status.dryRun ? 'On: actions are recorded, none is carried out' : 'Off: actions are carried out'}
        </dd>
        <dt>Guard rails</dt>
        <dd>
          At most {rails.budget} restart{rails.budget === 1 ? '' : 's'} per service in {minutes(rails.windowMs)}; then{' '}
          {minutes(rails.backoffMs)} between attempts on an issue, doubling up to {minutes(rails.backoffMaxMs)}. No
          restart while a dependency is the culprit.
        </dd>
      </dl>
      {status.services.length > 0 ? (
        <div className="table-wrap">
          <table className="stack-table watch-table">
            <caption className="visually-hidden">Watched services</caption>
            <thead>
              <tr>
                <th scope="col">Service</th>
                <th scope="col">Readiness</th>
                <th scope="col">Detail</th>
                <th scope="col">Checked</th>
              </tr>
            </thead>
            <tbody>
              {status.services.map((service: WatchedService) => (
                <tr
                  key={service.name}
                  data-testid="watched"
                  data-service={service.name}
                  data-ready={service.ready === null ? 'unknown' : String(service.ready)}
                >
                  <th scope="row">
                    <span className="service-name">{service.name}</span>
                  </th>
                  <td data-label="Readiness">
                    <ReadyBadge ready={service.ready} yes="Ready" no="Not ready" />
                  </td>
                  <td className="long-text small" data-label="Detail">
                    {service.detail}
                    {service.culprit ? (
                      <span className="block">
                        Because <strong>{service.culprit}</strong> is down
                      </span>
                    ) : null}
                    {service.consecutiveFailures > 1 ? (
                      <span className="muted block">{service.consecutiveFailures} failed checks in a row</span>
                    ) : null}
                  </td>
                  <td data-label="Checked">
                    {service.checkedAt ? <When iso={service.checkedAt} now={now} /> : <span className="muted">—</span>}
                  </td>
                </tr>
              ))}
            </tbody>
          </table>
        </div>
      ) : null}
      <h3>Infrastructure</h3>
      {status.infrastructure.length === 0 ? (
        <p className="muted small" data-testid="infrastructure-none">
          Nothing checked directly: none of the watched services needs Postgres, Redis, MongoDB or MQTT.
        </p>
      ) : (
        <ul className="plain stack-tight" data-testid="infrastructure">
          {status.infrastructure.map((piece: InfrastructureState) => (
            <li key={piece.piece} data-testid="piece" data-piece={piece.piece} data-up={String(piece.up)}>
              <span className="service-name">{piece.piece}</span> <ReadyBadge ready={piece.up} yes="Up" no="Down" />{' '}
              <span className="muted small long-text">
                {piece.detail}
                {piece.downSince ? (
                  <>
                    {' · down since '}
                    <When iso={piece.downSince} now={now} />
                  </>
                ) : null}
              </span>
            </li>
          ))}
        </ul>
      )}
    </section>
  );
}

function IssueCell({ issue }: { issue: OpsIssue }) {
  return (
    <>
      <span className={`alert-kind issue-kind-${issue.kind}`} data-testid="issue-kind">
        {labelOf(ISSUE_KIND_LABELS, issue.kind)}
      </span>{' '}
      <strong className="service-name" data-testid="issue-subject">
        {issue.subject}
      </strong>
      {issue.subjectType !== 'service' ? <span className="muted small"> ({issue.subjectType})</span> : null}
    </>
  );
}

function OpenIssues({
  issues,
  now,
  canRecover,
  signedIn,
  onRecovered,
  onRefused,
}: {
  issues: OpsIssue[];
  now: number;
  canRecover: boolean;
  signedIn: boolean;
  onRecovered: () => void;
  onRefused: (error: ApiError) => void;
}) {
  const [busy, setBusy] = useState<string | null>(null);
  const [notice, setNotice] = useState<{ text: string; tone: 'ok' | 'refused' } | null>(null);
  const [error, setError] = useState<ApiError | null>(null);

  const recover = async (issue: OpsIssue) => {
    setBusy(issue.id);
    setNotice(null);
    setError(null);
    try {
      const answer = await recoverIssue(issue.id);
      setNotice({ text: recoveredNotice(answer.action), tone: 'ok' });
    } catch (caught) {
      const failure = asApiError(caught);
      if (failure.status === 403) onRefused(failure);
      else if ([404, 409, 422].includes(failure.status)) {
        setNotice({ text: recoverRefusal(issue, failure, viewerTimeZone()), tone: 'refused' });
      } else setError(failure);
    } finally {
      setBusy(null);
      onRecovered();
    }
  };

  return (
    <section className="card stack" aria-labelledby="issues-heading" data-testid="open-issues">
      <div className="row spread">
        <h2 id="issues-heading">Open issues</h2>
        <span className="muted small" data-testid="open-count">
          {issues.length} open
        </span>
      </div>
      <p
        className={notice?.tone === 'refused' ? 'result recover-refused' : 'result'}
        aria-live="polite"
        data-testid="recover-notice"
        data-tone={notice?.tone}
      >
        {notice?.text ?? ''}
      </p>
      {!signedIn ? (
        <p className="muted small" data-testid="recover-sign-in">
          Sign in as an operator or an admin to recover an issue yourself; the detector acts on what it may by itself.
        </p>
      ) : null}
      {issues.length === 0 ? (
        <p className="muted">No open issues: every watched service answered its last check.</p>
      ) : (
        <div className="table-wrap">
          <table className="stack-table issue-table">
            <thead>
              <tr>
                <th scope="col">Issue</th>
                <th scope="col">Summary</th>
                <th scope="col">Opened</th>
                <th scope="col">Claimed by</th>
                {canRecover ? (
                  <th scope="col">
                    <span className="visually-hidden">Recover</span>
                  </th>
                ) : null}
              </tr>
            </thead>
            <tbody>
              {issues.map((issue) => {
                const holder = claimHolder(issue, now);
                return (
                  <tr
                    key={issue.id}
                    data-testid="issue"
                    data-issue={issue.id}
                    data-kind={issue.kind}
                    data-subject={issue.subject}
                  >
                    <td>
                      <IssueCell issue={issue} />
                    </td>
                    <td className="long-text" data-label="Summary">
                      <span data-testid="issue-summary">{issue.summary}</span>
                      {issue.culprit ? (
                        <span className="block small" data-testid="issue-culprit">
                          Culprit: <strong>{issue.culprit}</strong>
                        </span>
                      ) : null}
                    </td>
                    <td data-label="Opened">
                      <When iso={issue.openedAt} now={now} />
                      <span className="muted small block">
                        seen {issue.occurrences === 1 ? 'once' : `${issue.occurrences} times`}, last{' '}
                        <When iso={issue.lastSeenAt} now={now} />
                      </span>
                    </td>
                    <td data-label="Claimed by" data-testid="issue-claim">
                      {holder ? (
                        <>
                          {actorInWords(holder)}
                          <span className="muted small block">
                            until <When iso={issue.claimedUntil as string} now={now} />
                          </span>
                        </>
                      ) : (
                        <span className="muted">Nobody</span>
                      )}
                    </td>
                    {canRecover ? (
                      <td>
                        {issue.subjectType === 'service' ? (
                          <button
                            type="button"
                            className="small-button"
                            onClick={() => void recover(issue)}
                            disabled={busy !== null}
                            aria-label={`Recover ${issue.subject}: ${labelOf(ISSUE_KIND_LABELS, issue.kind)}`}
                          >
                            Recover
                          </button>
                        ) : (
                          <span className="muted small">Not a service: bring it back by hand</span>
                        )}
                      </td>
                    ) : null}
                  </tr>
                );
              })}
            </tbody>
          </table>
        </div>
      )}
      {busy ? <Spinner label="Asking tracing-recovery to recover…" /> : null}
      <ErrorMessage error={error} />
    </section>
  );
}

function ClosedIssues({ issues, now }: { issues: OpsIssue[]; now: number }) {
  return (
    <section className="card stack" aria-labelledby="closed-heading" data-testid="closed-issues">
      <h2 id="closed-heading">Recently closed</h2>
      {issues.length === 0 ? (
        <p className="muted">No issue has closed recently.</p>
      ) : (
        <div className="table-wrap">
          <table className="stack-table issue-table">
            <thead>
              <tr>
                <th scope="col">Issue</th>
                <th scope="col">Summary</th>
                <th scope="col">Opened</th>
                <th scope="col">Closed</th>
              </tr>
            </thead>
            <tbody>
              {issues.map((issue) => (
                <tr key={issue.id} data-testid="closed-issue" data-issue={issue.id}>
                  <td>
                    <IssueCell issue={issue} />
                  </td>
                  <td className="long-text" data-label="Summary">
                    {issue.summary}
                  </td>
                  <td data-label="Opened">
                    <When iso={issue.openedAt} now={now} />
                  </td>
                  <td data-label="Closed">
                    {issue.closedAt ? <When iso={issue.closedAt} now={now} /> : null}
                    {issue.closeReason ? <span className="muted small block">{issue.closeReason}</span> : null}
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

function Recoveries({ actions, now }: { actions: RecoveryAction[]; now: number }) {
  return (
    <section className="card stack" aria-labelledby="recoveries-heading" data-testid="recoveries">
      <h2 id="recoveries-heading">Recovery actions</h2>
      <p className="muted small">Every action decided, newest first, with its outcome: carried out or held back.</p>
      {actions.length === 0 ? (
        <p className="muted">No recovery action yet.</p>
      ) : (
        <div className="table-wrap">
          <table className="stack-table recovery-table">
            <thead>
              <tr>
                <th scope="col">When</th>
                <th scope="col">Service</th>
                <th scope="col">Action</th>
                <th scope="col">Outcome</th>
                <th scope="col">Asked by</th>
              </tr>
            </thead>
            <tbody>
              {actions.map((action) => (
                <tr key={action.id} data-testid="recovery" data-service={action.service} data-outcome={action.outcome}>
                  <td>
                    <When iso={action.createdAt} now={now} />
                  </td>
                  <td data-label="Service">
                    <span className="service-name">{action.service}</span>
                  </td>
                  <td data-label="Action">
                    {action.action}
                    {action.attempt > 0 ? <span className="muted small"> (attempt {action.attempt})</span> : null}
                  </td>
                  <td className="long-text" data-label="Outcome">
                    <span className={`badge badge-${outcomeTone(action.outcome)}`} data-testid="recovery-outcome">
                      {labelOf(OUTCOME_LABELS, action.outcome)}
                    </span>
                    {action.detail ? (
                      <span className="small block" data-testid="recovery-detail">
                        {action.detail}
                      </span>
                    ) : null}
                  </td>
                  <td className="small" data-label="Asked by">
                    {actorInWords(action.trigger)}
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

/**
 * tracing-recovery's part: public reads, asked again every REFRESH_MS. Signed in, the issues
 * (where Recover is) wait for the service to say who the credential is (`identity`).
 */
function Recovery({
  controls,
  signedIn,
  identity,
  refused,
  onRefused,
}: {
  controls: OpsControls;
  signedIn: boolean;
  identity: ServiceIdentity;
  refused: ApiError | null;
  onRefused: (error: ApiError) => void;
}) {
  const status = usePolled(recoveryStatus, REFRESH_MS);
  const issues = usePolled(loadIssues, REFRESH_MS);
  const { refresh } = issues;
  const { refresh: refreshStatus } = status;
  const refreshBoth = useCallback(() => {
    refresh();
    refreshStatus();
  }, [refresh, refreshStatus]);
  const roles = identity.identity?.roles ?? null;
  const readOnly = signedIn && identity.settled && roles !== null && !controls.recover;

  return (
    <div className="stack" data-testid="recovery-part">
      <div className="row spread">
        <h2 className="part-heading">Self-healing (tracing-recovery)</h2>
        <button type="button" className="secondary" onClick={refreshBoth} disabled={status.loading || issues.loading}>
          Refresh
        </button>
      </div>
      {status.data ? (
        <Watch status={status.data} now={status.at} />
      ) : (
        <FirstLoad
          label="Asking tracing-recovery…"
          error={status.error}
          onRetry={refreshStatus}
          testId="watch-loading"
        />
      )}
      {status.data && status.error ? (
        <div data-testid="status-refresh-error">
          <p className="muted small">The last refresh failed; what is shown is from before it.</p>
          <ErrorMessage error={status.error} />
        </div>
      ) : null}
      {refused ? (
        <Refusal testId="recover-refused">Your credential may not recover issues: {refused.message}</Refusal>
      ) : readOnly ? (
        <p className="muted small" data-testid="recover-read-only">
          Your roles ({roles.join(', ') || 'none'}) can see the issues and the recovery actions; an operator or an admin
          recovers an issue.
        </p>
      ) : null}
      {issues.data && identity.settled ? (
        <>
          {issues.error ? (
            <div data-testid="issues-refresh-error">
              <p className="muted small">The last refresh failed; what is shown is from before it.</p>
              <ErrorMessage error={issues.error} />
            </div>
          ) : null}
          <OpenIssues
            issues={issues.data.open}
            now={issues.at}
            canRecover={controls.recover}
            signedIn={signedIn}
            onRecovered={refreshBoth}
            onRefused={onRefused}
          />
          <ClosedIssues issues={issues.data.recent.filter((i) => i.status === 'closed')} now={issues.at} />
          <Recoveries actions={issues.data.recoveries} now={issues.at} />
        </>
      ) : (
        <FirstLoad label="Asking for the issues…" error={issues.error} onRetry={refresh} testId="issues-loading" />
      )}
    </div>
  );
}

interface SnapshotsSnapshot {
  status: SchedulerStatus;
  snapshots: SnapshotSummary[];
  total: number;
  targets: SnapshotTarget[];
}

const loadSnapshots = async (): Promise<SnapshotsSnapshot> => {
  const [status, list, targets] = await Promise.all([
    schedulerStatus(),
    listSnapshots(SNAPSHOTS_SHOWN),
    snapshotTargets(),
  ]);
  return { status, snapshots: list.snapshots, total: list.total, targets };
};

function Scheduler({ status, now }: { status: SchedulerStatus; now: number }) {
  const active = status.activeScheduler ?? null;
  const { snapshots, recovery } = status.schedules;
  const last = status.lastSnapshotRound;
  const run = status.lastRecoveryRun;
  return (
    <section className="card stack" aria-labelledby="scheduler-heading" data-testid="scheduler">
      <h2 id="scheduler-heading">Scheduler</h2>
      <dl className="facts">
        <dt>Active scheduler</dt>
        <dd data-testid="leader" data-leader={active ? active.instance : ''}>
          {active ? (
            <>
              <code className="wrap">{active.instance}</code>{' '}
              <span className="muted small">
                (fencing token {active.token}; lease renewed within {Math.ceil(active.expiresInMs / 1000)} s)
              </span>
              {status.leader ? null : (
                <span className="muted small block">
                  This answer came from another replica, <code>{status.instance}</code>, which waits.
                </span>
              )}
            </>
          ) : (
            'None: no replica holds the lease, so nothing is scheduled until one does.'
          )}
        </dd>
        <dt>Next snapshots</dt>
        <dd data-testid="next-snapshots">
          {snapshots.next ? <When iso={snapshots.next} now={now} /> : 'Not scheduled'}{' '}
          <span className="muted small">
            (cron <code>{snapshots.cron}</code>, UTC)
          </span>
        </dd>
        <dt>Next recovery check</dt>
        <dd data-testid="next-recovery">
          {recovery.enabled && recovery.next ? (
            <>
              <When iso={recovery.next} now={now} />{' '}
              <span className="muted small">
                (cron <code>{recovery.cron}</code>, UTC: open issues nobody handles are recovered)
              </span>
            </>
          ) : (
            'Off: no key for tracing-recovery is configured (RECOVERY_API_KEY)'
          )}
        </dd>
        <dt>Retention</dt>
        <dd>
          The {status.retention.keep} newest per service and kind
          {status.retention.dailyDays > 0
            ? `, and the newest of each of the last ${status.retention.dailyDays} days`
            : ''}
          ; {status.targets} {status.targets === 1 ? 'database or key set' : 'databases and key sets'} covered.
        </dd>
        <dt>Last round</dt>
        <dd data-testid="last-round">
          {last ? (
            <>
              <When iso={last.at} now={now} /> ({triggerLabel(last.trigger).toLowerCase()}):{' '}
              {Object.entries(last.outcomes)
                .map(([outcome, n]) => `${n} ${outcome === 'success' ? 'taken' : outcome}`)
                .join(', ')}
            </>
          ) : (
            <span className="muted">None since this replica started</span>
          )}
        </dd>
        <dt>Last recovery check</dt>
        <dd data-testid="last-recovery-run">
          {run ? (
            <>
              <When iso={run.at} now={now} />: {run.open} open, {run.triggered.length} triggered, {run.handled.length}{' '}
              already handled
              {run.failed.length > 0 ? `, ${run.failed.length} failed` : ''}
              {run.error ? <span className="block overdue">{run.error}</span> : null}
            </>
          ) : (
            <span className="muted">None since this replica started</span>
          )}
        </dd>
      </dl>
    </section>
  );
}

const targetKey = (t: Pick<SnapshotTarget, 'service' | 'kind'>) => `${t.service}/${t.kind}`;

function SnapshotNow({
  targets,
  onTaken,
  onRefused,
}: {
  targets: SnapshotTarget[];
  onTaken: (ids: string[]) => void;
  onRefused: (error: ApiError) => void;
}) {
  const id = useId();
  const [choice, setChoice] = useState('all');
  const [busy, setBusy] = useState(false);
  const [notice, setNotice] = useState('');
  const [error, setError] = useState<ApiError | null>(null);

  const submit = async (event: FormEvent) => {
    event.preventDefault();
    if (busy) return;
    const target = targets.find((t) => targetKey(t) === choice);
    setBusy(true);
    setNotice('');
    setError(null);
    try {
      const { outcomes } = await takeSnapshots(
        target ? { service: target.service, kind: target.kind as SnapshotKind } : { service: 'all' },
      );
      setNotice(snapshotNotice(outcomes));
      onTaken(outcomes.flatMap((o) => (o.outcome === 'success' ? [o.snapshot.id] : [])));
    } catch (caught) {
      const failure = asApiError(caught);
      const outcomes = outcomesOf(failure.body);
      if (failure.status === 403) onRefused(failure);
      else if (outcomes) {
        setNotice(`${snapshotNotice(outcomes)} (${failure.message})`);
        onTaken(outcomes.flatMap((o) => (o.outcome === 'success' ? [o.snapshot.id] : [])));
      } else setError(failure);
    } finally {
      setBusy(false);
    }
  };

  return (
    <section className="card stack" aria-labelledby="snapshot-now-heading" data-testid="snapshot-now">
      <h2 id="snapshot-now-heading">Snapshot now</h2>
      <form className="row snapshot-form" onSubmit={submit} noValidate>
        <Field id={`${id}-what`} label="What to snapshot">
          {(aria) => (
            <select id={`${id}-what`} value={choice} onChange={(event) => setChoice(event.target.value)} {...aria}>
              <option value="all">
                Everything ({targets.length} {targets.length === 1 ? 'database or key set' : 'databases and key sets'})
              </option>
              {targets.map((t) => (
                <option key={targetKey(t)} value={targetKey(t)}>
                  {dataName(t.service, t.kind)} ({t.database})
                </option>
              ))}
            </select>
          )}
        </Field>
        <button type="submit" disabled={busy}>
          Snapshot now
        </button>
      </form>
      {busy ? <Spinner label="Taking the snapshot…" /> : null}
      <p className="result" aria-live="polite" data-testid="snapshot-notice">
        {notice}
      </p>
      <ErrorMessage error={error} />
    </section>
  );
}

function RestoreDialog({
  snapshot,
  onRestored,
  onRefused,
  onCancel,
}: {
  snapshot: SnapshotSummary;
  onRestored: (text: string) => void;
  onRefused: (error: ApiError) => void;
  onCancel: () => void;
}) {
  const id = useId();
  const dialog = useRef<HTMLDialogElement>(null);
  const input = useRef<HTMLInputElement>(null);
  const [target, setTarget] = useState(snapshot.database);
  const [fieldError, setFieldError] = useState<string | undefined>();
  const [error, setError] = useState<ApiError | null>(null);
  const [busy, setBusy] = useState(false);

  useEffect(() => {
    const element = dialog.current;
    if (element && !element.open) element.showModal();
    input.current?.focus();
    return () => element?.close();
  }, []);

  const checked = restoreTarget(snapshot, target);
  const submit = async (event: FormEvent) => {
    event.preventDefault();
    if (busy) return;
    setError(null);
    if (!checked.ok) {
      setFieldError(checked.error);
      input.current?.focus();
      return;
    }
    setFieldError(undefined);
    setBusy(true);
    try {
      const result = await restoreSnapshot(snapshot.id, checked.target);
      onRestored(restoredNotice(result));
    } catch (caught) {
      const failure = asApiError(caught);
      if (failure.status === 403) {
        onRefused(failure);
        return;
      }
      const beside = restoreTargetError(failure);
      if (beside) {
        setFieldError(beside);
        input.current?.focus();
      } else setError(failure);
    } finally {
      setBusy(false);
    }
  };

  const replacing = checked.ok ? checked.target : target.trim() || '…';
  return (
    <dialog
      ref={dialog}
      className="confirm-dialog"
      aria-labelledby={`${id}-title`}
      aria-describedby={`${id}-what`}
      data-testid="restore-dialog"
      onCancel={(event) => {
        event.preventDefault();
        if (!busy) onCancel();
      }}
    >
      <form className="stack" onSubmit={submit} noValidate>
        <h2 id={`${id}-title`}>Restore {dataName(snapshot.service, snapshot.kind)}?</h2>
        <p id={`${id}-what`} data-testid="restore-what">
          This replaces the data in <strong>{replacing}</strong> with the snapshot taken{' '}
          <When iso={snapshot.finishedAt} now={Date.now()} /> ({formatBytes(snapshot.totalBytes)},{' '}
          {contentsInWords(snapshot.contents)}).{' '}
          {snapshot.kind === 'postgres'
            ? 'Its tables are dropped and recreated with the snapshot’s rows in one transaction; tables the snapshot does not hold are left alone.'
            : 'What the snapshot holds is written back over what is there now.'}
        </p>
        <Field
          id={`${id}-target`}
          label="Restore into"
          error={fieldError}
          hint={`The snapshot’s own ${snapshot.kind === 'redis' ? 'key prefix' : 'database'} is ${snapshot.database}; another name restores into a new one and leaves the live data alone.`}
        >
          {(aria) => (
            <input
              id={`${id}-target`}
              ref={input}
              value={target}
              onChange={(event) => {
                setTarget(event.target.value);
                setFieldError(undefined);
              }}
              autoComplete="off"
              spellCheck={false}
              maxLength={100}
              {...aria}
            />
          )}
        </Field>
        <div className="row">
          <button type="submit" className="danger" disabled={busy}>
            Restore into {replacing}
          </button>
          <button type="button" className="secondary" onClick={onCancel} disabled={busy}>
            Cancel
          </button>
          {busy ? <Spinner label="Restoring…" /> : null}
        </div>
        <ErrorMessage error={error} />
      </form>
    </dialog>
  );
}

function Snapshots({
  snapshots,
  total,
  now,
  fresh,
  canRestore,
  onRestoreRefused,
}: {
  snapshots: SnapshotSummary[];
  total: number;
  now: number;
  fresh: readonly string[];
  canRestore: boolean;
  onRestoreRefused: (error: ApiError) => void;
}) {
  const [restoring, setRestoring] = useState<SnapshotSummary | null>(null);
  const [notice, setNotice] = useState('');
  const opener = useRef<HTMLElement | null>(null);
  const close = () => {
    setRestoring(null);
    requestAnimationFrame(() => opener.current?.focus());
  };
  const open = (event: MouseEvent<HTMLButtonElement>, snapshot: SnapshotSummary) => {
    opener.current = event.currentTarget;
    setNotice('');
    setRestoring(snapshot);
  };

  return (
    <section className="card stack" aria-labelledby="snapshots-heading" data-testid="snapshots">
      <div className="row spread">
        <h2 id="snapshots-heading">Snapshots kept</h2>
        <span className="muted small" data-testid="snapshots-count">
          {total} kept{total > snapshots.length ? `, the newest ${snapshots.length} shown` : ''}
        </span>
      </div>
      <p className="result" aria-live="polite" data-testid="restore-notice">
        {notice}
      </p>
      {snapshots.length === 0 ? (
        <p className="muted">No snapshots yet: the first round has not run.</p>
      ) : (
        <div className="table-wrap">
          <table className="stack-table snapshot-table">
            <thead>
              <tr>
                <th scope="col">Taken</th>
                <th scope="col">Data</th>
                <th scope="col" className="num">
                  Size
                </th>
                <th scope="col">How</th>
                {canRestore ? (
                  <th scope="col">
                    <span className="visually-hidden">Restore</span>
                  </th>
                ) : null}
              </tr>
            </thead>
            <tbody>
              {snapshots.map((snapshot) => (
                <tr
                  key={snapshot.id}
                  data-testid="snapshot"
                  data-snapshot={snapshot.id}
                  data-service={snapshot.service}
                  data-kind={snapshot.kind}
                  className={fresh.includes(snapshot.id) ? 'row-new' : undefined}
                >
                  <td>
                    <When iso={snapshot.finishedAt} now={now} />
                  </td>
                  <td data-label="Data">
                    <span className="service-name">{dataName(snapshot.service, snapshot.kind)}</span>
                    <span className="muted small block">
                      <code className="wrap">{snapshot.database}</code> · {contentsInWords(snapshot.contents)}
                    </span>
                  </td>
                  <td className="num" data-label="Size" data-testid="snapshot-size">
                    {formatBytes(snapshot.totalBytes)}
                  </td>
                  <td className="small" data-label="How">
                    {triggerLabel(snapshot.trigger)}, {formatMs(snapshot.durationMs)}
                    <span className="muted block">
                      {snapshot.source.tool ?? snapshot.format} from {snapshot.source.server} {snapshot.source.version}
                    </span>
                  </td>
                  {canRestore ? (
                    <td>
                      <button
                        type="button"
                        className="small-button secondary"
                        onClick={(event) => open(event, snapshot)}
                        aria-label={`Restore ${dataName(snapshot.service, snapshot.kind)} snapshot taken ${new Date(snapshot.finishedAt).toLocaleString()}`}
                      >
                        Restore…
                      </button>
                    </td>
                  ) : null}
                </tr>
              ))}
            </tbody>
          </table>
        </div>
      )}
      {restoring ? (
        <RestoreDialog
          snapshot={restoring}
          onCancel={close}
          onRestored={(text) => {
            setNotice(text);
            close();
          }}
          onRefused={(error) => {
            setRestoring(null);
            onRestoreRefused(error);
          }}
        />
      ) : null}
    </section>
  );
}

/**
 * snapshot-scheduler's part: every read needs a credential; asked again every REFRESH_MS. It
 * waits for the service to say who the credential is (`identity`) before offering anything.
 */
function SnapshotPart({
  controls,
  identity,
  refused,
  onRefused,
}: {
  controls: OpsControls;
  identity: ServiceIdentity;
  refused: { snapshot: ApiError | null; restore: ApiError | null };
  onRefused: (what: 'snapshot' | 'restore', error: ApiError) => void;
}) {
  const { data, error, at, refresh } = usePolled(loadSnapshots, REFRESH_MS);
  const [fresh, setFresh] = useState<string[]>([]);

  const taken = useCallback(
    (ids: string[]) => {
      setFresh(ids);
      refresh();
    },
    [refresh],
  );

  if (!data || !identity.settled) {
    return (
      <FirstLoad label="Asking the snapshot scheduler…" error={error} onRetry={refresh} testId="snapshots-loading" />
    );
  }
  const identityRoles = identity.identity?.roles ?? null;
  const readOnly = identityRoles !== null && !controls.snapshot && !controls.restore;
  return (
    <>
      {error ? (
        <div data-testid="snapshots-refresh-error">
          <p className="muted small">The last refresh failed; what is shown is from before it.</p>
          <ErrorMessage error={error} />
        </div>
      ) : null}
      <Scheduler status={data.status} now={at} />
      {refused.snapshot ? (
        <Refusal testId="snapshot-refused">Your credential may not take snapshots: {refused.snapshot.message}</Refusal>
      ) : null}
      {refused.restore ? (
        <Refusal testId="restore-refused">Your credential may not restore snapshots: {refused.restore.message}</Refusal>
      ) : null}
      {readOnly ? (
        <p className="muted small" data-testid="snapshots-read-only">
          Your roles ({identityRoles.join(', ') || 'none'}) can see the snapshots; an operator or an admin takes one
          now, and only an admin restores one.
        </p>
      ) : null}
      {controls.snapshot ? (
        <SnapshotNow targets={data.targets} onTaken={taken} onRefused={(e) => onRefused('snapshot', e)} />
      ) : null}
      <Snapshots
        snapshots={data.snapshots}
        total={data.total}
        now={at}
        fresh={fresh}
        canRestore={controls.restore}
        onRestoreRefused={(e) => onRefused('restore', e)}
      />
    </>
  );
}

/** Signed out: nobody to ask about, and nothing offered. */
const NOBODY: ServiceIdentity = { identity: null, settled: true };

/**
 * Signed in: each service is asked who the credential is (`GET me`), since its roles there
 * decide what it is offered: Recover by tracing-recovery's, Snapshot now and Restore by
 * snapshot-scheduler's.
 */
function SignedInOperations({ credential }: { credential: Credential }) {
  const tracing = useServiceIdentity(credential, tracingMe);
  const snapshots = useServiceIdentity(credential, snapshotsMe);
  return <Operations signedIn tracing={tracing} snapshots={snapshots} />;
}

/** Both parts; remounted for each credential, so a refusal belongs to the credential it was for. */
function Operations({
  signedIn,
  tracing,
  snapshots,
}: {
  signedIn: boolean;
  tracing: ServiceIdentity;
  snapshots: ServiceIdentity;
}) {
  const [recoverRefused, setRecoverRefused] = useState<ApiError | null>(null);
  const [snapshotRefused, setSnapshotRefused] = useState<ApiError | null>(null);
  const [restoreRefused, setRestoreRefused] = useState<ApiError | null>(null);
  // By the roles each service answered; offered when one could not say (it decides then).
  const controls = opsControls(
    signedIn,
    { tracing: tracing.identity?.roles ?? null, snapshots: snapshots.identity?.roles ?? null },
    { recover: recoverRefused !== null, snapshot: snapshotRefused !== null, restore: restoreRefused !== null },
  );

  return (
    <>
      <Recovery
        controls={controls}
        signedIn={signedIn}
        identity={tracing}
        refused={recoverRefused}
        onRefused={setRecoverRefused}
      />
      <div className="stack" data-testid="snapshot-part">
        <h2 className="part-heading">Snapshots (snapshot-scheduler)</h2>
        {signedIn ? (
          <SnapshotPart
            controls={controls}
            identity={snapshots}
            refused={{ snapshot: snapshotRefused, restore: restoreRefused }}
            onRefused={(what, error) => (what === 'snapshot' ? setSnapshotRefused(error) : setRestoreRefused(error))}
          />
        ) : (
          <p className="muted" data-testid="snapshots-signed-out">
            Sign in to see the snapshots and the scheduler: any valid credential reads them; taking a snapshot now needs
            operator or admin, and restoring one needs admin.
          </p>
        )}
      </div>
    </>
  );
}

export function OperationsPage() {
  const credential = useCredential();
  return (
    <div className="stack">
      <ServiceBanner service="tracing-recovery" />
      <ServiceBanner service="snapshot-scheduler" />
      <SignIn hint="Anyone sees the health watch, issues and recovery actions; an operator or an admin also recovers an issue and takes a snapshot now, and only an admin restores one. Snapshots need a credential to be seen." />
      {credential ? (
        <SignedInOperations key={credential.value} credential={credential} />
      ) : (
        <Operations key="signed-out" signedIn={false} tracing={NOBODY} snapshots={NOBODY} />
      )}
    </div>
  );
}
