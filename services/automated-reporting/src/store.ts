// The service's rows in Postgres (plain pg): schedules, the runs the scheduler claims, and
// the reports' metadata. The report files themselves are on the reports volume (files.ts).
import type pg from 'pg';
import { DEFAULT_SCHEDULES } from './schedules.ts';

export interface Schedule {
  id: string;
  name: string;
  cron: string;
  timeZone: string;
  enabled: boolean;
  /** Postgres interval text: '90 days', '1 year'. */
  retention: string;
  activeSince: Date;
  updatedAt: Date;
}

export type Format = 'json' | 'csv' | 'pdf';
export const FORMATS: readonly Format[] = ['json', 'csv', 'pdf'];

export interface StoredFile {
  /** Relative to REPORTS_DIR. */
  file: string;
  bytes: number;
  sha256: string;
}

export interface UpstreamFailureRecord {
  service: string;
  failure: string;
  message: string;
}

export interface ReportRow {
  id: string;
  scheduleId: string | null;
  kind: 'scheduled' | 'on-demand';
  scheduledFor: Date | null;
  generatedAt: Date;
  requestedBy: string | null;
  status: 'complete' | 'partial';
  regimes: string[];
  formats: Record<Format, StoredFile>;
  upstreamErrors: UpstreamFailureRecord[];
  scores: Record<string, number | null>;
  expiresAt: Date;
}

const SCHEDULE_COLUMNS = `id, name, cron, time_zone AS "timeZone", enabled, retention::text AS retention,
  active_since AS "activeSince", updated_at AS "updatedAt"`;

const REPORT_COLUMNS = `id, schedule_id AS "scheduleId", kind, scheduled_for AS "scheduledFor",
  generated_at AS "generatedAt", requested_by AS "requestedBy", status, regimes, formats,
  upstream_errors AS "upstreamErrors", scores, expires_at AS "expiresAt"`;

/** Seeds the default schedules that are not there yet (an operator's edits are kept). */
export async function seedSchedules(pool: pg.Pool, timeZone: string, now: Date): Promise<void> {
  for (const schedule of DEFAULT_SCHEDULES) {
    await pool.query(
      `INSERT INTO schedules (id, name, cron, time_zone, enabled, retention, active_since, updated_at)
       VALUES ($1, $2, $3, $4, TRUE, $5::interval, $6, $6) ON CONFLICT (id) DO NOTHING`,
      [schedule.id, schedule.name, schedule.cron, timeZone, schedule.retention, now],
    );
  }
}

export async function listSchedules(pool: pg.Pool): Promise<Schedule[]> {
  const { rows } = await pool.query<Schedule>(
    `SELECT ${SCHEDULE_COLUMNS} FROM schedules ORDER BY array_position(ARRAY['daily', 'weekly', 'monthly', 'quarterly', 'annual'], id), id`,
  );
  return rows;
}

export async function getSchedule(pool: pg.Pool, id: string): Promise<Schedule | undefined> {
  const { rows } = await pool.query<Schedule>(`SELECT ${SCHEDULE_COLUMNS} FROM schedules WHERE id = $1`, [id]);
  return rows[0];
}

/**
 * Changes a schedule. A changed cron or time zone moves `active_since` to now, so the new
 * expression does not reach back for a slot that was due before the change.
 */
export async function updateSchedule(
  pool: pg.Pool,
  id: string,
  patch: { cron?: string; timeZone?: string; enabled?: boolean },
  now: Date,
): Promise<Schedule | undefined> {
  const { rows } = await pool.query<Schedule>(
    `UPDATE schedules SET
       cron = COALESCE($2, cron),
       time_zone = COALESCE($3, time_zone),
       enabled = COALESCE($4, enabled),
       active_since = CASE WHEN COALESCE($2, cron) <> cron OR COALESCE($3, time_zone) <> time_zone
                           THEN $5 ELSE active_since END,
       updated_at = $5
     WHERE id = $1 RETURNING ${SCHEDULE_COLUMNS}`,
    [id, patch.cron ?? null, patch.timeZone ?? null, patch.enabled ?? null, now],
  );
  return rows[0];
}

/**
 * Claims the run of `scheduleId` for `slot`. The first claim is an INSERT … ON CONFLICT DO
 * NOTHING: of two replicas racing, exactly one gets the row. A run left `running` by a
 * replica that died (claimed more than `staleMs` ago), or `failed` with attempts left, is
 * taken over by one conditional UPDATE, which again only one replica can win.
 */
export async function claimRun(
  pool: pg.Pool,
  run: { scheduleId: string; slot: Date; claimer: string; now: Date; staleMs: number; maxAttempts: number },
): Promise<boolean> {
  const inserted = await pool.query(
    `INSERT INTO report_runs (schedule_id, scheduled_for, status, claimed_by, claimed_at)
     VALUES ($1, $2, 'running', $3, $4) ON CONFLICT ON CONSTRAINT report_runs_slot_key DO NOTHING`,
    [run.scheduleId, run.slot, run.claimer, run.now],
  );
  if (inserted.rowCount === 1) return true;
  const retaken = await pool.query(
    `UPDATE report_runs SET status = 'running', claimed_by = $3, claimed_at = $4, attempts = attempts + 1,
       error = NULL, finished_at = NULL
     WHERE schedule_id = $1 AND scheduled_for = $2 AND attempts < $6
       AND claimed_at <= $4::timestamptz - make_interval(secs => $5::double precision / 1000)
       AND status IN ('running', 'failed')`,
    [run.scheduleId, run.slot, run.claimer, run.now, run.staleMs, run.maxAttempts],
  );
  return retaken.rowCount === 1;
}

export async function finishRun(
  pool: pg.Pool,
  run: { scheduleId: string; slot: Date; now: Date } & ({ reportId: string } | { error: string }),
): Promise<void> {
  const done = 'reportId' in run;
  await pool.query(
    `UPDATE report_runs SET status = $3, finished_at = $4, report_id = $5, error = $6
     WHERE schedule_id = $1 AND scheduled_for = $2`,
    [run.scheduleId, run.slot, done ? 'done' : 'failed', run.now, done ? run.reportId : null, done ? null : run.error],
  );
}

export interface RunRow {
  scheduleId: string;
  scheduledFor: Date;
  status: 'running' | 'done' | 'failed';
  attempts: number;
  reportId: string | null;
  error: string | null;
}

export async function listRuns(pool: pg.Pool, scheduleId?: string): Promise<RunRow[]> {
  const { rows } = await pool.query<RunRow>(
    `SELECT schedule_id AS "scheduleId", scheduled_for AS "scheduledFor", status, attempts,
       report_id AS "reportId", error
     FROM report_runs WHERE ($1::text IS NULL OR schedule_id = $1) ORDER BY scheduled_for`,
    [scheduleId ?? null],
  );
  return rows;
}

/** The latest run of each schedule. */
export async function latestRuns(pool: pg.Pool): Promise<Map<string, RunRow>> {
  const { rows } = await pool.query<RunRow>(
    `SELECT DISTINCT ON (schedule_id) schedule_id AS "scheduleId", scheduled_for AS "scheduledFor", status,
       attempts, report_id AS "reportId", error
     FROM report_runs ORDER BY schedule_id, scheduled_for DESC`,
  );
  return new Map(rows.map((row) => [row.scheduleId, row]));
}

/** Stores a report's metadata; its expiry is its slot (or, on demand, its generation) plus `retention`. */
export async function insertReport(
  pool: pg.Pool,
  report: Omit<ReportRow, 'expiresAt'>,
  retention: string,
): Promise<ReportRow> {
  const { rows } = await pool.query<ReportRow>(
    `INSERT INTO reports (id, schedule_id, kind, scheduled_for, generated_at, requested_by, status, regimes,
       formats, upstream_errors, scores, expires_at)
     VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11,
       (COALESCE($4::timestamptz, $5::timestamptz) AT TIME ZONE 'UTC' + $12::interval) AT TIME ZONE 'UTC')
     RETURNING ${REPORT_COLUMNS}`,
    [
      report.id,
      report.scheduleId,
      report.kind,
      report.scheduledFor,
      report.generatedAt,
      report.requestedBy,
      report.status,
      report.regimes,
      JSON.stringify(report.formats),
      JSON.stringify(report.upstreamErrors),
      JSON.stringify(report.scores),
      retention,
    ],
  );
  return rows[0] as ReportRow;
}

export async function getReport(pool: pg.Pool, id: string): Promise<ReportRow | undefined> {
  const { rows } = await pool.query<ReportRow>(`SELECT ${REPORT_COLUMNS} FROM reports WHERE id = $1`, [id]);
  return rows[0];
}

/** Newest first; `after` is the last report of the previous page (keyset pagination). */
export async function listReports(
  pool: pg.Pool,
  filter: { scheduleId?: string; kind?: string; after?: { generatedAt: Date; id: string }; limit: number },
): Promise<ReportRow[]> {
  const { rows } = await pool.query<ReportRow>(
    `SELECT ${REPORT_COLUMNS} FROM reports
     WHERE ($1::text IS NULL OR schedule_id = $1) AND ($2::text IS NULL OR kind = $2)
       AND ($3::timestamptz IS NULL OR (generated_at, id) < ($3, $4::uuid))
     ORDER BY generated_at DESC, id DESC LIMIT $5`,
    [
      filter.scheduleId ?? null,
      filter.kind ?? null,
      filter.after?.generatedAt ?? null,
      filter.after?.id ?? null,
      filter.limit,
    ],
  );
  return rows;
}

/** The scores of a schedule's reports generated before `before`, newest first: the trend. */
export async function previousScores(
  pool: pg.Pool,
  scheduleId: string,
  before: Date,
  limit: number,
): Promise<{ generatedAt: Date; scores: Record<string, number | null> }[]> {
  const { rows } = await pool.query<{ generatedAt: Date; scores: Record<string, number | null> }>(
    `SELECT COALESCE(scheduled_for, generated_at) AS "generatedAt", scores FROM reports
     WHERE schedule_id = $1 AND generated_at < $2 ORDER BY generated_at DESC LIMIT $3`,
    [scheduleId, before, limit],
  );
  return rows;
}

/** Reports at or past their expiry (the boundary included). */
export async function expiredReports(pool: pg.Pool, now: Date, limit = 500): Promise<ReportRow[]> {
  const { rows } = await pool.query<ReportRow>(
    `SELECT ${REPORT_COLUMNS} FROM reports WHERE expires_at <= $1 ORDER BY expires_at LIMIT $2`,
    [now, limit],
  );
  return rows;
}

export async function deleteReport(pool: pg.Pool, id: string): Promise<boolean> {
  const { rowCount } = await pool.query('DELETE FROM reports WHERE id = $1', [id]);
  return rowCount === 1;
}
