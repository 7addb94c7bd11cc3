// Issues and recovery actions in Postgres. One open issue per subject and kind (a partial
// unique index): seeing the problem again adds evidence to the open one. A claim
// (`claimedBy` until `claimedUntil`) marks who is acting on an issue; claiming is one
// conditional UPDATE, so of two callers at once exactly one gets it.
import { randomUUID } from 'node:crypto';
import type pg from 'pg';

export const ISSUE_KINDS = ['down', 'error_rate', 'latency', 'infrastructure_down', 'alert'] as const;
export type IssueKind = (typeof ISSUE_KINDS)[number];
export type SubjectType = 'service' | 'infrastructure' | 'other';

export interface Evidence {
  at: string;
  source: 'readiness' | 'infrastructure' | 'spans' | 'alertmanager' | 'operator' | 'recovery';
  [key: string]: unknown;
}

export interface Issue {
  id: string;
  subject: string;
  subjectType: SubjectType;
  kind: IssueKind;
  status: 'open' | 'closed';
  summary: string;
  culprit: string | null;
  evidence: Evidence[];
  occurrences: number;
  openedAt: string;
  lastSeenAt: string;
  closedAt: string | null;
  closeReason: string | null;
  claimedBy: string | null;
  claimedUntil: string | null;
}

export const OUTCOMES = ['succeeded', 'failed', 'dry_run', 'budget_exhausted', 'skipped', 'unsupported'] as const;
export type Outcome = (typeof OUTCOMES)[number];

export interface RecoveryAction {
  id: string;
  issueId: string | null;
  service: string;
  action: string;
  runtime: string;
  trigger: string;
  outcome: Outcome;
  detail: string | null;
  attempt: number;
  createdAt: string;
  finishedAt: string | null;
}

/** Evidence items kept per issue: the first and the most recent ones. */
const MAX_EVIDENCE = 20;

const iso = (value: Date | null) => (value ? value.toISOString() : null);

interface IssueRow extends Omit<Issue, 'openedAt' | 'lastSeenAt' | 'closedAt' | 'claimedUntil'> {
  openedAt: Date;
  lastSeenAt: Date;
  closedAt: Date | null;
  claimedUntil: Date | null;
}

function presentIssue(row: IssueRow): Issue {
  return {
    ...row,
    openedAt: row.openedAt.toISOString(),
    lastSeenAt: row.lastSeenAt.toISOString(),
    closedAt: iso(row.closedAt),
    claimedUntil: iso(row.claimedUntil),
  };
}

interface ActionRow extends Omit<RecoveryAction, 'createdAt' | 'finishedAt'> {
  createdAt: Date;
  finishedAt: Date | null;
}

function presentAction(row: ActionRow): RecoveryAction {
  return { ...row, createdAt: row.createdAt.toISOString(), finishedAt: iso(row.finishedAt) };
}

export class IssueStore {
  private readonly pool: pg.Pool;
  private readonly now: () => Date;

  constructor(pool: pg.Pool, now: () => Date = () => new Date()) {
    this.pool = pool;
    this.now = now;
  }

  /**
   * Opens an issue for subject+kind, or adds the evidence to the one already open.
   * `created` says which. Two detectors racing end with one issue (the unique index).
   */
  async report(input: {
    subject: string;
    subjectType: SubjectType;
    kind: IssueKind;
    summary: string;
    evidence: Evidence;
    culprit?: string | null;
    /** When the problem began, if before now (an outage first seen while Postgres was down). */
    at?: Date;
  }): Promise<{ issue: Issue; created: boolean }> {
    const at = this.now();
    const openedAt = input.at ?? at;
    for (let attempt = 0; attempt < 3; attempt++) {
      const updated = await this.pool.query<IssueRow>(
        `UPDATE "Issue" SET "lastSeenAt" = $3, "occurrences" = "occurrences" + 1, "summary" = $4,
           "culprit" = $5,
           "evidence" = CASE WHEN jsonb_array_length("evidence") >= $7
             THEN jsonb_build_array("evidence"->0) || (("evidence" - 0) - 0) || jsonb_build_array($6::jsonb)
             ELSE "evidence" || jsonb_build_array($6::jsonb) END
         WHERE "subject" = $1 AND "kind" = $2 AND "status" = 'open' RETURNING *`,
        [
          input.subject,
          input.kind,
          at,
          input.summary,
          input.culprit ?? null,
          JSON.stringify(input.evidence),
          MAX_EVIDENCE,
        ],
      );
      if (updated.rows[0]) return { issue: presentIssue(updated.rows[0]), created: false };
      const inserted = await this.pool.query<IssueRow>(
        `INSERT INTO "Issue" ("id", "subject", "subjectType", "kind", "status", "summary", "culprit", "evidence",
           "openedAt", "lastSeenAt")
         VALUES ($1, $2, $3, $4, 'open', $5, $6, jsonb_build_array($7::jsonb), $8, $9)
         ON CONFLICT ("subject", "kind") WHERE "status" = 'open' DO NOTHING RETURNING *`,
        [
          randomUUID(),
          input.subject,
          input.subjectType,
          input.kind,
          input.summary,
          input.culprit ?? null,
          JSON.stringify(input.evidence),
          openedAt,
          at,
        ],
      );
      if (inserted.rows[0]) return { issue: presentIssue(inserted.rows[0]), created: true };
      // Someone opened it between our UPDATE and INSERT: add to theirs.
    }
    throw new Error(`could not record issue ${input.kind} for ${input.subject}`);
  }

  /** Closes the open issue of subject+kind, if any, with the evidence of why. */
  async close(subject: string, kind: IssueKind, reason: string, evidence: Evidence): Promise<Issue | undefined> {
    const { rows } = await this.pool.query<IssueRow>(
      `UPDATE "Issue" SET "status" = 'closed', "closedAt" = $3, "closeReason" = $4, "claimedBy" = NULL,
         "claimedUntil" = NULL, "evidence" = "evidence" || jsonb_build_array($5::jsonb)
       WHERE "subject" = $1 AND "kind" = $2 AND "status" = 'open' RETURNING *`,
      [subject, kind, this.now(), reason, JSON.stringify(evidence)],
    );
    return rows[0] ? presentIssue(rows[0]) : undefined;
  }

  async get(id: string): Promise<Issue | undefined> {
    const { rows } = await this.pool.query<IssueRow>('SELECT * FROM "Issue" WHERE "id" = $1', [id]);
    return rows[0] ? presentIssue(rows[0]) : undefined;
  }

  async list(filter: {
    status?: 'open' | 'closed';
    subject?: string;
    kind?: IssueKind;
    /** Only issues nobody holds a live claim on. */
    unclaimed?: boolean;
    limit: number;
  }): Promise<Issue[]> {
    const where: string[] = [];
    const params: unknown[] = [];
    const add = (sql: string, value: unknown) => {
      params.push(value);
      where.push(sql.replace('?', `$${params.length}`));
    };
    if (filter.status) add('"status" = ?', filter.status);
    if (filter.subject) add('"subject" = ?', filter.subject);
    if (filter.kind) add('"kind" = ?', filter.kind);
    if (filter.unclaimed) add('("claimedUntil" IS NULL OR "claimedUntil" < ?)', this.now());
    params.push(filter.limit);
    const { rows } = await this.pool.query<IssueRow>(
      `SELECT * FROM "Issue" ${where.length > 0 ? `WHERE ${where.join(' AND ')}` : ''}
       ORDER BY "openedAt" DESC LIMIT $${params.length}`,
      params,
    );
    return rows.map(presentIssue);
  }

  async openIssues(): Promise<Issue[]> {
    const { rows } = await this.pool.query<IssueRow>(`SELECT * FROM "Issue" WHERE "status" = 'open'`);
    return rows.map(presentIssue);
  }

  /** Open issues per kind, for the issues_open gauge. */
  async openCounts(): Promise<Record<string, number>> {
    const { rows } = await this.pool.query<{ kind: string; count: number }>(
      `SELECT "kind", count(*)::int AS "count" FROM "Issue" WHERE "status" = 'open' GROUP BY "kind"`,
    );
    return Object.fromEntries(rows.map((row) => [row.kind, row.count]));
  }

  /**
   * Claims an open issue for `actor` for `leaseMs`, unless someone else holds a live claim.
   * Returns the claimed issue, or the issue as it stands (claimed by another, or closed).
   */
  async claim(id: string, actor: string, leaseMs: number): Promise<{ claimed: boolean; issue: Issue | undefined }> {
    const at = this.now();
    const { rows } = await this.pool.query<IssueRow>(
      `UPDATE "Issue" SET "claimedBy" = $2, "claimedUntil" = $4
       WHERE "id" = $1 AND "status" = 'open' AND ("claimedUntil" IS NULL OR "claimedUntil" < $3 OR "claimedBy" = $2)
       RETURNING *`,
      [id, actor, at, new Date(at.getTime() + leaseMs)],
    );
    if (rows[0]) return { claimed: true, issue: presentIssue(rows[0]) };
    return { claimed: false, issue: await this.get(id) };
  }

  /** Gives up `actor`'s claim (nothing happens when someone else holds it). */
  async release(id: string, actor: string): Promise<void> {
    await this.pool.query(
      `UPDATE "Issue" SET "claimedBy" = NULL, "claimedUntil" = NULL WHERE "id" = $1 AND "claimedBy" = $2`,
      [id, actor],
    );
  }

  async addEvidence(id: string, evidence: Evidence): Promise<void> {
    await this.pool.query(
      `UPDATE "Issue" SET "evidence" = "evidence" || jsonb_build_array($2::jsonb) WHERE "id" = $1`,
      [id, JSON.stringify(evidence)],
    );
  }

  // ---- recovery actions ----

  async recordAction(
    input: Omit<RecoveryAction, 'id' | 'createdAt' | 'finishedAt'> & {
      createdAt: Date;
      finishedAt: Date | null;
    },
  ): Promise<RecoveryAction> {
    const { rows } = await this.pool.query<ActionRow>(
      `INSERT INTO "RecoveryAction" ("id", "issueId", "service", "action", "runtime", "trigger", "outcome", "detail",
         "attempt", "createdAt", "finishedAt")
       VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11) RETURNING *`,
      [
        randomUUID(),
        input.issueId,
        input.service,
        input.action,
        input.runtime,
        input.trigger,
        input.outcome,
        input.detail,
        input.attempt,
        input.createdAt,
        input.finishedAt,
      ],
    );
    return presentAction(rows[0] as ActionRow);
  }

  /** Actions that touched the runtime (succeeded or failed) for `service` since `since`. */
  async attemptsSince(service: string, since: Date): Promise<number> {
    const { rows } = await this.pool.query<{ count: number }>(
      `SELECT count(*)::int AS "count" FROM "RecoveryAction"
       WHERE "service" = $1 AND "createdAt" >= $2 AND "outcome" IN ('succeeded', 'failed')`,
      [service, since],
    );
    return rows[0]?.count ?? 0;
  }

  /** The latest action recorded for an issue. */
  async lastAction(issueId: string): Promise<RecoveryAction | undefined> {
    const { rows } = await this.pool.query<ActionRow>(
      `SELECT * FROM "RecoveryAction" WHERE "issueId" = $1 ORDER BY "createdAt" DESC LIMIT 1`,
      [issueId],
    );
    return rows[0] ? presentAction(rows[0]) : undefined;
  }

  async actions(filter: { service?: string; issueId?: string; limit: number }): Promise<RecoveryAction[]> {
    const where: string[] = [];
    const params: unknown[] = [];
    if (filter.service) {
      params.push(filter.service);
      where.push(`"service" = $${params.length}`);
    }
    if (filter.issueId) {
      params.push(filter.issueId);
      where.push(`"issueId" = $${params.length}`);
    }
    params.push(filter.limit);
    const { rows } = await this.pool.query<ActionRow>(
      `SELECT * FROM "RecoveryAction" ${where.length > 0 ? `WHERE ${where.join(' AND ')}` : ''}
       ORDER BY "createdAt" DESC LIMIT $${params.length}`,
      params,
    );
    return rows.map(presentAction);
  }
}
