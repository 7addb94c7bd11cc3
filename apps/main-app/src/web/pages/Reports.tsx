import { type FormEvent, useCallback, useEffect, useId, useRef, useState } from 'react';
import {
  type ApiError,
  asApiError,
  generateReport,
  listReports,
  type Report,
  type ReportFormat,
  type ReportSchedule,
  reportFile,
  reportingMe,
  reportSchedules,
  updateSchedule,
} from '../api.ts';
import { ErrorMessage, Field, FirstLoad, Refusal, ServiceBanner, SignIn, Spinner, When } from '../components.tsx';
import { type Credential, useCredential } from '../credentials.ts';
import { useFocusFirstInvalid, useServiceIdentity } from '../hooks.ts';
import { formatInZone, REGIMES, viewerTimeZone, zoneName } from '../privacy.ts';
import {
  appendPage,
  draftOf,
  FORMATS,
  failedServices,
  fallbackFilename,
  filenameFrom,
  formatBytes,
  generatedNotice,
  KIND_LABELS,
  PAGE_SIZE,
  RUN_LABELS,
  regimesInWords,
  reportControls,
  type ScheduleDraft,
  type ScheduleErrors,
  scheduleChange,
  scheduleErrors,
  upstreamName,
} from '../reports.ts';

/** Every IANA zone the browser knows, offered while typing (the service decides). */
const TIME_ZONES: readonly string[] =
  typeof Intl.supportedValuesOf === 'function' ? ['UTC', ...Intl.supportedValuesOf('timeZone')] : ['UTC'];

/** Saves a file the way a link with `download` does; the blob was fetched with the credential. */
function save(blob: Blob, name: string) {
  const url = URL.createObjectURL(blob);
  const link = document.createElement('a');
  link.href = url;
  link.download = name;
  link.hidden = true;
  document.body.append(link);
  link.click();
  link.remove();
  window.setTimeout(() => URL.revokeObjectURL(url), 60_000);
}

/** "2026-12-08 07:30 SAST" in the schedule's own zone (its cron runs there). */
const inZone = (iso: string, timeZone: string) => `${formatInZone(iso, timeZone)} ${zoneName(iso, timeZone)}`;

function ScheduleEditor({
  schedule,
  onSaved,
  onRefused,
  onCancel,
}: {
  schedule: ReportSchedule;
  onSaved: (schedule: ReportSchedule) => void;
  onRefused: (error: ApiError) => void;
  onCancel: () => void;
}) {
  const id = `schedule-${schedule.id}`;
  const [draft, setDraft] = useState<ScheduleDraft>(() => draftOf(schedule));
  const [errors, setErrors] = useState<ScheduleErrors>({});
  const [error, setError] = useState<ApiError | null>(null);
  const [unchanged, setUnchanged] = useState(false);
  const [busy, setBusy] = useState(false);
  const form = useRef<HTMLFormElement>(null);
  const focusInvalid = useFocusFirstInvalid(form);
  const cronInput = useRef<HTMLInputElement>(null);
  const set = (part: Partial<ScheduleDraft>) => setDraft((current) => ({ ...current, ...part }));

  useEffect(() => {
    cronInput.current?.focus();
  }, []);

  const submit = async (event: FormEvent) => {
    event.preventDefault();
    if (busy) return;
    setError(null);
    setUnchanged(false);
    const checked = scheduleChange(schedule, draft);
    if (!checked.ok) {
      setErrors(checked.errors);
      focusInvalid();
      return;
    }
    setErrors({});
    if (!checked.change) {
      setUnchanged(true);
      return;
    }
    setBusy(true);
    try {
      onSaved(await updateSchedule(schedule.id, checked.change));
    } catch (caught) {
      const failure = asApiError(caught);
      if (failure.status === 403) {
        onRefused(failure);
        return;
      }
      const refused = scheduleErrors(failure);
      setErrors(refused.fields);
      if (refused.other) setError(failure);
      else focusInvalid();
    } finally {
      setBusy(false);
    }
  };

  return (
    <form
      ref={form}
      className="stack-tight schedule-form"
      onSubmit={submit}
      noValidate
      aria-label={`${schedule.name} schedule`}
      data-testid="schedule-form"
    >
      <div className="row schedule-fields">
        <Field
          id={`${id}-cron`}
          label="Cron expression"
          error={errors.cron}
          hint="Five fields: minute, hour, day of month, month, day of week. 0 6 * * 1 is Mondays at 06:00."
        >
          {(aria) => (
            <input
              id={`${id}-cron`}
              ref={cronInput}
              value={draft.cron}
              onChange={(event) => set({ cron: event.target.value })}
              autoComplete="off"
              spellCheck={false}
              maxLength={200}
              {...aria}
            />
          )}
        </Field>
        <Field
          id={`${id}-zone`}
          label="Time zone"
          error={errors.timeZone}
          hint="An IANA name, e.g. Africa/Johannesburg or UTC."
        >
          {(aria) => (
            <input
              id={`${id}-zone`}
              list="report-time-zones"
              value={draft.timeZone}
              onChange={(event) => set({ timeZone: event.target.value })}
              autoComplete="off"
              spellCheck={false}
              maxLength={100}
              {...aria}
            />
          )}
        </Field>
      </div>
      <label className="choice">
        <input type="checkbox" checked={draft.enabled} onChange={(event) => set({ enabled: event.target.checked })} />
        Enabled (runs on its schedule)
      </label>
      {errors.enabled ? <p className="field-error">{errors.enabled}</p> : null}
      <div className="row">
        <button type="submit" disabled={busy}>
          Save
        </button>
        <button type="button" className="secondary" onClick={onCancel} disabled={busy}>
          Cancel
        </button>
        {busy ? <Spinner label="Saving…" /> : null}
      </div>
      <p className="muted small" aria-live="polite">
        {unchanged ? 'Nothing changed: the schedule is as it was.' : ''}
      </p>
      <ErrorMessage error={error} />
    </form>
  );
}

function LastRun({ schedule, now }: { schedule: ReportSchedule; now: number }) {
  const run = schedule.lastRun;
  if (!run) return <span className="muted">Never run</span>;
  const badge = run.status === 'done' ? 'badge-ready' : run.status === 'failed' ? 'badge-down' : 'badge-pending';
  return (
    <span data-testid="schedule-last-run" data-status={run.status}>
      <span className={`badge ${badge}`}>{RUN_LABELS[run.status] ?? run.status}</span>{' '}
      <span className="small">
        slot <When iso={run.scheduledFor} now={now} timeZone={schedule.timeZone} />
      </span>
      {run.error ? (
        <span className="small run-error" data-testid="schedule-last-error">
          {run.error}
        </span>
      ) : null}
    </span>
  );
}

function ScheduleRow({
  schedule,
  now,
  canEdit,
  onSaved,
  onRefused,
}: {
  schedule: ReportSchedule;
  now: number;
  canEdit: boolean;
  onSaved: (schedule: ReportSchedule) => void;
  onRefused: (error: ApiError) => void;
}) {
  const [editing, setEditing] = useState(false);
  const edit = useRef<HTMLButtonElement>(null);
  // The focus goes back to the Edit button once the closed editor's render is committed: the
  // button is disabled until then, and a focus() on it before (an animation frame after a
  // save answered, on a busy machine) is lost to the page's body.
  const returnFocus = useRef(false);
  useEffect(() => {
    if (editing || !returnFocus.current) return;
    returnFocus.current = false;
    edit.current?.focus();
  }, [editing]);
  const refocus = () => {
    returnFocus.current = true;
  };
  return (
    <>
      <tr data-testid="schedule" data-schedule={schedule.id} data-enabled={schedule.enabled ? 'true' : 'false'}>
        <th scope="row">
          <span className="service-name">{schedule.name}</span>
          <span className="muted small">kept {schedule.retention}</span>
        </th>
        <td data-label="Cron">
          <code data-testid="schedule-cron">{schedule.cron}</code>
          <span className="muted small block" data-testid="schedule-zone">
            {schedule.timeZone}
          </span>
        </td>
        <td data-label="State">
          {schedule.enabled ? (
            <span className="badge badge-ready">Enabled</span>
          ) : (
            <span className="badge badge-not_deployed">Disabled</span>
          )}
        </td>
        <td data-testid="schedule-next-run" data-label="Next run">
          {schedule.nextRunAt ? (
            <When iso={schedule.nextRunAt} now={now} timeZone={schedule.timeZone} />
          ) : (
            <span className="muted">None while disabled</span>
          )}
        </td>
        <td data-label="Last run">
          <LastRun schedule={schedule} now={now} />
        </td>
        {canEdit ? (
          <td>
            <button
              type="button"
              ref={edit}
              className="small-button secondary"
              onClick={() => setEditing(true)}
              aria-expanded={editing}
              aria-label={`Edit the ${schedule.name} schedule`}
              disabled={editing}
            >
              Edit
            </button>
          </td>
        ) : null}
      </tr>
      {editing ? (
        <tr className="schedule-edit-row">
          <td colSpan={6}>
            <ScheduleEditor
              schedule={schedule}
              onSaved={(saved) => {
                setEditing(false);
                onSaved(saved);
                refocus();
              }}
              onRefused={(error) => {
                setEditing(false);
                onRefused(error);
              }}
              onCancel={() => {
                setEditing(false);
                refocus();
              }}
            />
          </td>
        </tr>
      ) : null}
    </>
  );
}

function Schedules({
  schedules,
  now,
  canEdit,
  onSaved,
  onRefused,
  notice,
}: {
  schedules: ReportSchedule[];
  now: number;
  canEdit: boolean;
  onSaved: (schedule: ReportSchedule) => void;
  onRefused: (error: ApiError) => void;
  notice: string;
}) {
  return (
    <section className="card stack" aria-labelledby="schedules-heading" data-testid="schedules">
      <h2 id="schedules-heading">Schedules</h2>
      <p className="muted small">Times are in each schedule's own time zone, where its cron expression runs.</p>
      <p className="result" aria-live="polite" data-testid="schedules-notice">
        {notice}
      </p>
      <div className="table-wrap">
        <table className="stack-table schedule-table">
          <thead>
            <tr>
              <th scope="col">Schedule</th>
              <th scope="col">Cron</th>
              <th scope="col">State</th>
              <th scope="col">Next run</th>
              <th scope="col">Last run</th>
              {canEdit ? (
                <th scope="col">
                  <span className="visually-hidden">Change</span>
                </th>
              ) : null}
            </tr>
          </thead>
          <tbody>
            {schedules.map((schedule) => (
              <ScheduleRow
                key={schedule.id}
                schedule={schedule}
                now={now}
                canEdit={canEdit}
                onSaved={onSaved}
                onRefused={onRefused}
              />
            ))}
          </tbody>
        </table>
      </div>
      <datalist id="report-time-zones">
        {TIME_ZONES.map((zone) => (
          <option key={zone} value={zone} />
        ))}
      </datalist>
    </section>
  );
}

function GenerateForm({
  schedules,
  onGenerated,
  onRefused,
}: {
  schedules: ReportSchedule[];
  onGenerated: (report: Report) => void;
  onRefused: (error: ApiError) => void;
}) {
  const id = useId();
  const [schedule, setSchedule] = useState('');
  const [regimes, setRegimes] = useState<string[]>([]);
  const [error, setError] = useState<ApiError | null>(null);
  const [busy, setBusy] = useState(false);

  const toggle = (service: string, on: boolean) =>
    setRegimes((current) => (on ? [...current, service] : current.filter((s) => s !== service)));

  const submit = async (event: FormEvent) => {
    event.preventDefault();
    if (busy) return;
    setBusy(true);
    setError(null);
    try {
      const report = await generateReport({
        ...(schedule ? { schedule } : {}),
        // In the order the page lists them; none ticked: every regime.
        ...(regimes.length > 0 ? { regimes: REGIMES.map((r) => r.service).filter((s) => regimes.includes(s)) } : {}),
      });
      onGenerated(report);
    } catch (caught) {
      const failure = asApiError(caught);
      if (failure.status === 403) onRefused(failure);
      else setError(failure);
    } finally {
      setBusy(false);
    }
  };

  return (
    <section className="card stack" aria-labelledby="generate-heading" data-testid="generate">
      <h2 id="generate-heading">Generate a report now</h2>
      <form className="stack" onSubmit={submit} noValidate data-testid="generate-form">
        <Field
          id={`${id}-schedule`}
          label="Schedule (optional)"
          hint="A report for a schedule is kept as long as that schedule's reports and joins its score trend."
        >
          {(aria) => (
            <select
              id={`${id}-schedule`}
              value={schedule}
              onChange={(event) => setSchedule(event.target.value)}
              {...aria}
            >
              <option value="">None: on demand, kept 90 days</option>
              {schedules.map((s) => (
                <option key={s.id} value={s.id}>
                  {s.name}: kept {s.retention}
                </option>
              ))}
            </select>
          )}
        </Field>
        <fieldset className="builder-fieldset" aria-describedby={`${id}-regimes-hint`}>
          <legend>Regimes (optional)</legend>
          <div className="row">
            {REGIMES.map((regime) => (
              <label key={regime.service} className="choice">
                <input
                  type="checkbox"
                  checked={regimes.includes(regime.service)}
                  onChange={(event) => toggle(regime.service, event.target.checked)}
                />
                {regime.label}
              </label>
            ))}
          </div>
          <p id={`${id}-regimes-hint`} className="muted small">
            None ticked: all {REGIMES.length}. The compliance dashboard's overview is always included.
          </p>
        </fieldset>
        <div className="row">
          <button type="submit" disabled={busy}>
            Generate report now
          </button>
          {busy ? <Spinner label="Asking every service, then printing the PDF…" /> : null}
        </div>
        <ErrorMessage error={error} />
      </form>
    </section>
  );
}

function Downloads({ report }: { report: Report }) {
  const [busy, setBusy] = useState<ReportFormat | null>(null);
  const [error, setError] = useState<ApiError | null>(null);
  const download = async (format: ReportFormat) => {
    setBusy(format);
    setError(null);
    try {
      const { blob, disposition } = await reportFile(report, format);
      save(blob, filenameFrom(disposition) ?? fallbackFilename(report, format));
    } catch (caught) {
      setError(asApiError(caught));
    } finally {
      setBusy(null);
    }
  };
  return (
    <div className="stack-tight">
      <ul className="downloads">
        {FORMATS.map(({ format, label }) => (
          <li key={format}>
            <button
              type="button"
              className="link-button"
              onClick={() => void download(format)}
              disabled={busy !== null}
              data-format={format}
              aria-label={`Download ${label} of the report generated ${inZone(report.generatedAt, viewerTimeZone())}`}
            >
              {label}
            </button>{' '}
            <span className="muted small">{formatBytes(report.formats[format].bytes)}</span>
          </li>
        ))}
      </ul>
      {busy ? <Spinner label={`Downloading ${busy.toUpperCase()}…`} /> : null}
      <ErrorMessage error={error} />
    </div>
  );
}

function ReportRow({
  report,
  scheduleName,
  now,
  fresh,
}: {
  report: Report;
  scheduleName: string | undefined;
  now: number;
  fresh: boolean;
}) {
  const partial = report.status === 'partial' || report.upstreamErrors.length > 0;
  return (
    <tr
      data-testid="report"
      data-report={report.id}
      data-status={report.status}
      data-kind={report.kind}
      className={fresh ? 'row-new' : undefined}
    >
      <td>
        <When iso={report.generatedAt} now={now} />
        {report.requestedBy ? <span className="muted small block">by {report.requestedBy}</span> : null}
      </td>
      <td>
        <span className="service-name" data-testid="report-kind">
          {KIND_LABELS[report.kind] ?? report.kind}
          {report.schedule ? ` · ${scheduleName ?? report.schedule}` : ''}
        </span>
        <span className="muted small block" data-testid="report-regimes">
          Regimes: {regimesInWords(report.regimes)}
        </span>
      </td>
      <td data-testid="report-status">
        {partial ? (
          <>
            <span className="badge badge-degraded">Partial</span>
            <ul className="plain small upstream-errors" data-testid="report-upstream-errors">
              {report.upstreamErrors.map((failure) => (
                <li key={`${failure.service}:${failure.failure}`} data-service={failure.service}>
                  <strong>{upstreamName(failure.service)}</strong> <span className="muted">({failure.failure})</span>:{' '}
                  {failure.message}
                </li>
              ))}
            </ul>
          </>
        ) : (
          <span className="badge badge-ready">Complete</span>
        )}
      </td>
      <td>
        <Downloads report={report} />
      </td>
    </tr>
  );
}

function Reports({
  reports,
  schedules,
  next,
  now,
  fresh,
  loadingMore,
  error,
  onMore,
  notice,
}: {
  reports: Report[];
  schedules: ReportSchedule[];
  next: string | null;
  now: number;
  fresh: string | null;
  loadingMore: boolean;
  error: ApiError | null;
  onMore: () => void;
  notice: string;
}) {
  return (
    <section className="card stack" aria-labelledby="reports-heading" data-testid="reports">
      <div className="row spread">
        <h2 id="reports-heading">Reports</h2>
        <span className="muted small" data-testid="reports-count">
          {reports.length} shown, newest first{next ? '; more below' : ''}
        </span>
      </div>
      <p className="result" aria-live="polite" data-testid="reports-notice">
        {notice}
      </p>
      {reports.length === 0 ? (
        <p className="muted">No reports yet: the schedules have not run, and none was generated on demand.</p>
      ) : (
        <div className="table-wrap">
          <table className="stack-table report-table">
            <thead>
              <tr>
                <th scope="col">Generated</th>
                <th scope="col">Report</th>
                <th scope="col">Status</th>
                <th scope="col">Files</th>
              </tr>
            </thead>
            <tbody>
              {reports.map((report) => (
                <ReportRow
                  key={report.id}
                  report={report}
                  scheduleName={schedules.find((s) => s.id === report.schedule)?.name}
                  now={now}
                  fresh={report.id === fresh}
                />
              ))}
            </tbody>
          </table>
        </div>
      )}
      {next ? (
        <div className="row">
          <button type="button" className="secondary" onClick={onMore} disabled={loadingMore}>
            Load more
          </button>
          {loadingMore ? <Spinner label="Loading older reports…" /> : null}
        </div>
      ) : reports.length > 0 ? (
        <p className="muted small" data-testid="reports-end">
          That is every report kept.
        </p>
      ) : null}
      <ErrorMessage error={error} />
    </section>
  );
}

/** The schedules and the reports behind sign-in; remounted for each credential. */
function Reporting({ credential }: { credential: Credential }) {
  const [schedules, setSchedules] = useState<ReportSchedule[] | null>(null);
  const [reports, setReports] = useState<Report[]>([]);
  const [next, setNext] = useState<string | null>(null);
  const [loaded, setLoaded] = useState(false);
  const [error, setError] = useState<ApiError | null>(null);
  const [moreError, setMoreError] = useState<ApiError | null>(null);
  const [loading, setLoading] = useState(false);
  const [loadingMore, setLoadingMore] = useState(false);
  const [version, setVersion] = useState(0);
  const [now, setNow] = useState(() => Date.now());
  const [scheduleNotice, setScheduleNotice] = useState('');
  const [reportNotice, setReportNotice] = useState('');
  const [fresh, setFresh] = useState<string | null>(null);
  const [generateRefused, setGenerateRefused] = useState<ApiError | null>(null);
  const [editRefused, setEditRefused] = useState<ApiError | null>(null);
  const generation = useRef(0);
  const refresh = useCallback(() => setVersion((v) => v + 1), []);
  // Who the credential is here (`GET me`), asked alongside the first load: the page waits for
  // both, so a role that may not generate or edit is never offered the controls.
  const { identity, settled } = useServiceIdentity(credential, reportingMe);

  // biome-ignore lint/correctness/useExhaustiveDependencies: `version` is the reload signal
  useEffect(() => {
    const mine = ++generation.current;
    setLoading(true);
    Promise.all([reportSchedules(), listReports(PAGE_SIZE)]).then(
      ([answer, page]) => {
        if (mine !== generation.current) return;
        setSchedules(answer);
        setReports(page.reports);
        setNext(page.next);
        setLoaded(true);
        setError(null);
        setMoreError(null);
        setNow(Date.now());
        setLoading(false);
      },
      (caught: unknown) => {
        if (mine !== generation.current) return;
        setError(asApiError(caught));
        setLoading(false);
      },
    );
  }, [version]);

  const more = async () => {
    if (!next || loadingMore) return;
    setLoadingMore(true);
    setMoreError(null);
    const mine = generation.current;
    try {
      const page = await listReports(PAGE_SIZE, next);
      if (mine !== generation.current) return;
      setReports((shown) => appendPage(shown, page.reports));
      setNext(page.next);
      setReportNotice(
        page.reports.length > 0
          ? `${page.reports.length} older report${page.reports.length === 1 ? '' : 's'} loaded.`
          : 'No older reports.',
      );
    } catch (caught) {
      setMoreError(asApiError(caught));
    } finally {
      setLoadingMore(false);
    }
  };

  const generated = useCallback((report: Report) => {
    setNow(Date.now());
    setReports((shown) => [report, ...shown.filter((r) => r.id !== report.id)]);
    setFresh(report.id);
    setReportNotice(generatedNotice(report));
  }, []);

  const saved = useCallback((schedule: ReportSchedule) => {
    setNow(Date.now());
    setSchedules((current) => current?.map((s) => (s.id === schedule.id ? schedule : s)) ?? current);
    setScheduleNotice(
      `${schedule.name} saved: ${
        schedule.nextRunAt
          ? `next run ${inZone(schedule.nextRunAt, schedule.timeZone)}.`
          : 'disabled, so it does not run until enabled again.'
      }`,
    );
  }, []);

  // By the roles the service answered; all offered only when it could not say (it decides then).
  const offered = reportControls(identity?.roles ?? null, {
    generate: generateRefused !== null,
    edit: editRefused !== null,
  });
  const canGenerate = offered.generate;
  const canEdit = offered.edit;

  if (!loaded || !schedules || !settled) {
    return <FirstLoad label="Asking the reporting service…" error={error} onRetry={refresh} testId="reports-loading" />;
  }
  const failedNow = reports[0]?.upstreamErrors.length ? failedServices(reports[0].upstreamErrors) : [];
  return (
    <>
      <div className="row spread">
        <p className="muted small">
          {failedNow.length > 0
            ? `The latest report is partial: ${failedNow.length} service${failedNow.length === 1 ? '' : 's'} did not answer.`
            : 'Each report is one snapshot of every regime and the dashboard, kept as PDF, CSV and JSON.'}
        </p>
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
      {generateRefused ? (
        <Refusal testId="generate-refused">
          Your credential may read reports but not generate them: {generateRefused.message}
        </Refusal>
      ) : identity && !canGenerate ? (
        <p className="muted small" data-testid="read-only">
          Your roles ({identity.roles.join(', ') || 'none'}) can read the schedules and reports; a dpo or an operator
          generates reports, and only a dpo changes schedules.
        </p>
      ) : null}
      {editRefused ? (
        <Refusal testId="edit-refused">Your credential may not change schedules: {editRefused.message}</Refusal>
      ) : null}
      <Schedules
        schedules={schedules}
        now={now}
        canEdit={canEdit}
        onSaved={saved}
        onRefused={setEditRefused}
        notice={scheduleNotice}
      />
      {canGenerate ? (
        <GenerateForm schedules={schedules} onGenerated={generated} onRefused={setGenerateRefused} />
      ) : null}
      <Reports
        reports={reports}
        schedules={schedules}
        next={next}
        now={now}
        fresh={fresh}
        loadingMore={loadingMore}
        error={moreError}
        onMore={() => void more()}
        notice={reportNotice}
      />
    </>
  );
}

export function ReportsPage() {
  const credential = useCredential();
  return (
    <div className="stack">
      <ServiceBanner service="automated-reporting" />
      <SignIn hint="Reports need your credential: an auditor reads them, a dpo or an operator also generates them, and only a dpo changes schedules." />
      {credential ? (
        <Reporting key={credential.value} credential={credential} />
      ) : (
        <p className="muted" data-testid="signed-out">
          Sign in to see the report schedules and the reports kept. Reading needs the auditor, operator or dpo role;
          generating a report needs operator or dpo; changing a schedule needs dpo.
        </p>
      )}
    </div>
  );
}
