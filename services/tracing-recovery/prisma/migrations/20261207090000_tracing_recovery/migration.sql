-- Spans received over OTLP. Ids are lowercase hex; times are nanoseconds since the epoch
-- (OTLP's own unit). "seq" orders rows by arrival, so the retention sweeper can keep the
-- newest N rows with one range delete. A span sent twice (an exporter retrying) is kept once.
CREATE TABLE "Span" (
    "seq" BIGSERIAL NOT NULL,
    "traceId" TEXT NOT NULL,
    "spanId" TEXT NOT NULL,
    "parentSpanId" TEXT,
    "service" TEXT NOT NULL,
    "name" TEXT NOT NULL,
    "kind" SMALLINT NOT NULL,
    "startNs" BIGINT NOT NULL,
    "endNs" BIGINT NOT NULL,
    "durationMs" DOUBLE PRECISION NOT NULL,
    "statusCode" SMALLINT NOT NULL,
    "statusMessage" TEXT,
    "error" BOOLEAN NOT NULL,
    "attributes" JSONB NOT NULL,

    CONSTRAINT "Span_pkey" PRIMARY KEY ("traceId", "spanId")
);
CREATE UNIQUE INDEX "Span_seq_key" ON "Span"("seq");
CREATE INDEX "Span_startNs_idx" ON "Span"("startNs");
CREATE INDEX "Span_service_startNs_idx" ON "Span"("service", "startNs");

-- A problem seen on a service or a piece of infrastructure. At most one open issue per
-- subject and kind (the partial unique index): a problem seen again adds evidence to it.
-- "claimedBy"/"claimedUntil": who is acting on it (the detector, or a caller of
-- POST /issues/:id/recover) and until when; nobody else acts while the claim stands.
CREATE TABLE "Issue" (
    "id" TEXT NOT NULL,
    "subject" TEXT NOT NULL,
    "subjectType" TEXT NOT NULL,
    "kind" TEXT NOT NULL,
    "status" TEXT NOT NULL,
    "summary" TEXT NOT NULL,
    "culprit" TEXT,
    "evidence" JSONB NOT NULL,
    "occurrences" INTEGER NOT NULL DEFAULT 1,
    "openedAt" TIMESTAMPTZ(3) NOT NULL,
    "lastSeenAt" TIMESTAMPTZ(3) NOT NULL,
    "closedAt" TIMESTAMPTZ(3),
    "closeReason" TEXT,
    "claimedBy" TEXT,
    "claimedUntil" TIMESTAMPTZ(3),

    CONSTRAINT "Issue_pkey" PRIMARY KEY ("id")
);
CREATE UNIQUE INDEX "Issue_open_subject_kind_key" ON "Issue"("subject", "kind") WHERE "status" = 'open';
CREATE INDEX "Issue_status_openedAt_idx" ON "Issue"("status", "openedAt");

-- Every recovery action decided, with what came of it: succeeded, failed, dry_run,
-- budget_exhausted, skipped (a dependency is the culprit), unsupported (no runtime).
CREATE TABLE "RecoveryAction" (
    "id" TEXT NOT NULL,
    "issueId" TEXT,
    "service" TEXT NOT NULL,
    "action" TEXT NOT NULL,
    "runtime" TEXT NOT NULL,
    "trigger" TEXT NOT NULL,
    "outcome" TEXT NOT NULL,
    "detail" TEXT,
    "attempt" INTEGER NOT NULL,
    "createdAt" TIMESTAMPTZ(3) NOT NULL,
    "finishedAt" TIMESTAMPTZ(3),

    CONSTRAINT "RecoveryAction_pkey" PRIMARY KEY ("id"),
    CONSTRAINT "RecoveryAction_issueId_fkey" FOREIGN KEY ("issueId") REFERENCES "Issue"("id") ON DELETE SET NULL
);
CREATE INDEX "RecoveryAction_service_createdAt_idx" ON "RecoveryAction"("service", "createdAt");
CREATE INDEX "RecoveryAction_issueId_idx" ON "RecoveryAction"("issueId");
CREATE INDEX "RecoveryAction_createdAt_idx" ON "RecoveryAction"("createdAt");
