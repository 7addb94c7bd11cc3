-- automated-reporting: schedules, the runs the scheduler claims, and the reports' metadata
-- (their files live on the reports volume, REPORTS_DIR).

CREATE TABLE "schedules" (
  "id" TEXT PRIMARY KEY,
  "name" TEXT NOT NULL,
  "cron" TEXT NOT NULL,
  "time_zone" TEXT NOT NULL,
  "enabled" BOOLEAN NOT NULL DEFAULT TRUE,
  -- How long this schedule's reports are kept (calendar arithmetic: '1 year', '90 days').
  "retention" INTERVAL NOT NULL,
  -- Slots before this instant are never run: a new schedule, or a changed cron, does not
  -- reach back for a slot that was due before it existed.
  "active_since" TIMESTAMPTZ NOT NULL,
  "updated_at" TIMESTAMPTZ NOT NULL
);

CREATE TABLE "reports" (
  "id" UUID PRIMARY KEY,
  "schedule_id" TEXT REFERENCES "schedules" ("id"),
  -- 'scheduled' (by the scheduler) or 'on-demand' (POST reports)
  "kind" TEXT NOT NULL CHECK ("kind" IN ('scheduled', 'on-demand')),
  "scheduled_for" TIMESTAMPTZ,
  "generated_at" TIMESTAMPTZ NOT NULL,
  "requested_by" TEXT,
  "status" TEXT NOT NULL CHECK ("status" IN ('complete', 'partial')),
  "regimes" TEXT[] NOT NULL,
  -- { "json": { "file", "bytes", "sha256" }, "csv": …, "pdf": … }
  "formats" JSONB NOT NULL,
  -- [{ "service", "failure", "message" }]: the upstreams that did not answer
  "upstream_errors" JSONB NOT NULL,
  -- { "<service>": score | null }: what the next reports' trend chart reads
  "scores" JSONB NOT NULL,
  "expires_at" TIMESTAMPTZ NOT NULL
);
CREATE INDEX "reports_generated_at_idx" ON "reports" ("generated_at" DESC);
CREATE INDEX "reports_schedule_generated_at_idx" ON "reports" ("schedule_id", "generated_at" DESC);
CREATE INDEX "reports_expires_at_idx" ON "reports" ("expires_at");

-- One row per (schedule, slot): the INSERT … ON CONFLICT DO NOTHING that creates it is the
-- claim, so two replicas never generate the same slot twice.
CREATE TABLE "report_runs" (
  "schedule_id" TEXT NOT NULL REFERENCES "schedules" ("id") ON DELETE CASCADE,
  "scheduled_for" TIMESTAMPTZ NOT NULL,
  "status" TEXT NOT NULL CHECK ("status" IN ('running', 'done', 'failed')),
  "claimed_by" TEXT NOT NULL,
  "claimed_at" TIMESTAMPTZ NOT NULL,
  "attempts" INTEGER NOT NULL DEFAULT 1,
  "finished_at" TIMESTAMPTZ,
  "report_id" UUID REFERENCES "reports" ("id") ON DELETE SET NULL,
  "error" TEXT,
  CONSTRAINT "report_runs_slot_key" UNIQUE ("schedule_id", "scheduled_for")
);
