-- CreateSchema
CREATE SCHEMA IF NOT EXISTS "public";

-- CreateTable
CREATE TABLE "subjects" (
    "id" UUID NOT NULL,
    "created_at" TIMESTAMPTZ(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,

    CONSTRAINT "subjects_pkey" PRIMARY KEY ("id")
);

-- CreateTable
CREATE TABLE "subject_identifiers" (
    "id" UUID NOT NULL,
    "subject_id" UUID NOT NULL,
    "kind" TEXT NOT NULL,
    "lookup_hash" TEXT NOT NULL,
    "sealed_value" TEXT NOT NULL,
    "created_at" TIMESTAMPTZ(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,

    CONSTRAINT "subject_identifiers_pkey" PRIMARY KEY ("id")
);

-- CreateTable
CREATE TABLE "dsr_requests" (
    "id" UUID NOT NULL,
    "subject_id" UUID NOT NULL,
    "identifier_id" UUID NOT NULL,
    "type" TEXT NOT NULL,
    "status" TEXT NOT NULL,
    "received_at" TIMESTAMPTZ(3) NOT NULL,
    "original_due_at" TIMESTAMPTZ(3) NOT NULL,
    "due_at" TIMESTAMPTZ(3) NOT NULL,
    "clock_paused" BOOLEAN NOT NULL,
    "look_back_from" TIMESTAMPTZ(3),
    "extensions" JSONB NOT NULL DEFAULT '[]',
    "interim" JSONB NOT NULL DEFAULT '[]',
    "verified_at" TIMESTAMPTZ(3),
    "verification_method" TEXT,
    "started_at" TIMESTAMPTZ(3),
    "completed_at" TIMESTAMPTZ(3),
    "rejected_at" TIMESTAMPTZ(3),
    "rejection_reason" TEXT,
    "evidence" JSONB,
    "notes" TEXT,
    "created_by" TEXT NOT NULL,
    "created_at" TIMESTAMPTZ(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,
    "updated_at" TIMESTAMPTZ(3) NOT NULL,

    CONSTRAINT "dsr_requests_pkey" PRIMARY KEY ("id")
);

-- CreateTable
CREATE TABLE "consent_events" (
    "id" UUID NOT NULL,
    "subject_id" UUID NOT NULL,
    "purpose" TEXT NOT NULL,
    "lawful_basis" TEXT NOT NULL,
    "action" TEXT NOT NULL,
    "at" TIMESTAMPTZ(3) NOT NULL,
    "source" TEXT NOT NULL,
    "evidence" JSONB,
    "recorded_by" TEXT NOT NULL,
    "created_at" TIMESTAMPTZ(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,

    CONSTRAINT "consent_events_pkey" PRIMARY KEY ("id")
);

-- CreateTable
CREATE TABLE "processing_activities" (
    "id" UUID NOT NULL,
    "name" TEXT NOT NULL,
    "controller" TEXT NOT NULL,
    "purposes" TEXT[],
    "lawful_basis" TEXT NOT NULL,
    "data_categories" TEXT[],
    "subject_categories" TEXT[],
    "recipients" TEXT[],
    "transfers" JSONB NOT NULL DEFAULT '[]',
    "retention" TEXT NOT NULL,
    "created_by" TEXT NOT NULL,
    "created_at" TIMESTAMPTZ(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,
    "updated_at" TIMESTAMPTZ(3) NOT NULL,

    CONSTRAINT "processing_activities_pkey" PRIMARY KEY ("id")
);

-- CreateTable
CREATE TABLE "breaches" (
    "id" UUID NOT NULL,
    "title" TEXT NOT NULL,
    "description" TEXT,
    "state" TEXT NOT NULL,
    "detected_at" TIMESTAMPTZ(3) NOT NULL,
    "contained_at" TIMESTAMPTZ(3),
    "closed_at" TIMESTAMPTZ(3),
    "categories" TEXT[],
    "affected_count" INTEGER NOT NULL,
    "risk" TEXT NOT NULL,
    "created_by" TEXT NOT NULL,
    "created_at" TIMESTAMPTZ(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,

    CONSTRAINT "breaches_pkey" PRIMARY KEY ("id")
);

-- CreateTable
CREATE TABLE "breach_notifications" (
    "id" UUID NOT NULL,
    "breach_id" UUID NOT NULL,
    "recipient" TEXT NOT NULL,
    "due_at" TIMESTAMPTZ(3),
    "notified_at" TIMESTAMPTZ(3),
    "reference" TEXT,

    CONSTRAINT "breach_notifications_pkey" PRIMARY KEY ("id")
);

-- CreateTable
CREATE TABLE "control_assessments" (
    "control_id" TEXT NOT NULL,
    "status" TEXT NOT NULL,
    "evidence" TEXT NOT NULL,
    "assessed_by" TEXT NOT NULL,
    "assessed_at" TIMESTAMPTZ(3) NOT NULL,

    CONSTRAINT "control_assessments_pkey" PRIMARY KEY ("control_id")
);

-- CreateTable
CREATE TABLE "audit_log" (
    "seq" BIGINT NOT NULL,
    "at" TIMESTAMPTZ(3) NOT NULL,
    "actor" TEXT NOT NULL,
    "action" TEXT NOT NULL,
    "entity_type" TEXT NOT NULL,
    "entity_id" TEXT NOT NULL,
    "data" JSONB NOT NULL,
    "prev_hash" TEXT NOT NULL,
    "hash" TEXT NOT NULL,

    CONSTRAINT "audit_log_pkey" PRIMARY KEY ("seq")
);

-- CreateIndex
CREATE UNIQUE INDEX "subject_identifiers_lookup_hash_key" ON "subject_identifiers"("lookup_hash");

-- CreateIndex
CREATE INDEX "subject_identifiers_subject_id_idx" ON "subject_identifiers"("subject_id");

-- CreateIndex
CREATE INDEX "dsr_requests_status_due_at_idx" ON "dsr_requests"("status", "due_at");

-- CreateIndex
CREATE INDEX "dsr_requests_subject_id_idx" ON "dsr_requests"("subject_id");

-- CreateIndex
CREATE INDEX "consent_events_subject_id_purpose_at_idx" ON "consent_events"("subject_id", "purpose", "at");

-- CreateIndex
CREATE UNIQUE INDEX "processing_activities_name_key" ON "processing_activities"("name");

-- CreateIndex
CREATE INDEX "breaches_state_idx" ON "breaches"("state");

-- CreateIndex
CREATE INDEX "breach_notifications_notified_at_due_at_idx" ON "breach_notifications"("notified_at", "due_at");

-- CreateIndex
CREATE UNIQUE INDEX "breach_notifications_breach_id_recipient_key" ON "breach_notifications"("breach_id", "recipient");

-- CreateIndex
CREATE UNIQUE INDEX "audit_log_hash_key" ON "audit_log"("hash");

-- AddForeignKey
ALTER TABLE "subject_identifiers" ADD CONSTRAINT "subject_identifiers_subject_id_fkey" FOREIGN KEY ("subject_id") REFERENCES "subjects"("id") ON DELETE RESTRICT ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "dsr_requests" ADD CONSTRAINT "dsr_requests_subject_id_fkey" FOREIGN KEY ("subject_id") REFERENCES "subjects"("id") ON DELETE RESTRICT ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "dsr_requests" ADD CONSTRAINT "dsr_requests_identifier_id_fkey" FOREIGN KEY ("identifier_id") REFERENCES "subject_identifiers"("id") ON DELETE RESTRICT ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "consent_events" ADD CONSTRAINT "consent_events_subject_id_fkey" FOREIGN KEY ("subject_id") REFERENCES "subjects"("id") ON DELETE RESTRICT ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "breach_notifications" ADD CONSTRAINT "breach_notifications_breach_id_fkey" FOREIGN KEY ("breach_id") REFERENCES "breaches"("id") ON DELETE RESTRICT ON UPDATE CASCADE;

