-- CreateTable
CREATE TABLE "sox_controls" (
    "id" UUID NOT NULL,
    "key" TEXT NOT NULL,
    "title" TEXT NOT NULL,
    "description" TEXT NOT NULL,
    "type" TEXT NOT NULL,
    "owner" TEXT NOT NULL,
    "frequency" TEXT NOT NULL,
    "assertion" TEXT,
    "account" TEXT,
    "created_by" TEXT NOT NULL,
    "created_at" TIMESTAMPTZ(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,

    CONSTRAINT "sox_controls_pkey" PRIMARY KEY ("id")
);

-- CreateTable
CREATE TABLE "sox_control_tests" (
    "id" UUID NOT NULL,
    "control_id" UUID NOT NULL,
    "tested_at" TIMESTAMPTZ(3) NOT NULL,
    "tester" TEXT NOT NULL,
    "sample_size" INTEGER NOT NULL,
    "exceptions" INTEGER NOT NULL,
    "result" TEXT NOT NULL,
    "notes" TEXT,
    "evidence_ids" UUID[],
    "created_at" TIMESTAMPTZ(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,

    CONSTRAINT "sox_control_tests_pkey" PRIMARY KEY ("id")
);

-- CreateTable
CREATE TABLE "sox_deficiencies" (
    "id" UUID NOT NULL,
    "control_id" UUID NOT NULL,
    "test_id" UUID,
    "severity" TEXT NOT NULL,
    "description" TEXT NOT NULL,
    "identified_at" TIMESTAMPTZ(3) NOT NULL,
    "status" TEXT NOT NULL,
    "remediated_at" TIMESTAMPTZ(3),
    "remediation" TEXT,
    "created_by" TEXT NOT NULL,
    "created_at" TIMESTAMPTZ(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,

    CONSTRAINT "sox_deficiencies_pkey" PRIMARY KEY ("id")
);

-- CreateTable
CREATE TABLE "sox_changes" (
    "id" UUID NOT NULL,
    "title" TEXT NOT NULL,
    "system" TEXT NOT NULL,
    "description" TEXT NOT NULL,
    "risk" TEXT NOT NULL,
    "status" TEXT NOT NULL,
    "requested_by" TEXT NOT NULL,
    "requested_at" TIMESTAMPTZ(3) NOT NULL,
    "approved_by" TEXT,
    "approved_at" TIMESTAMPTZ(3),
    "approval_note" TEXT,
    "rejected_by" TEXT,
    "rejected_at" TIMESTAMPTZ(3),
    "rejection_reason" TEXT,
    "deployed_by" TEXT,
    "deployed_at" TIMESTAMPTZ(3),
    "deployment_note" TEXT,

    CONSTRAINT "sox_changes_pkey" PRIMARY KEY ("id")
);

-- CreateTable
CREATE TABLE "sox_certifications" (
    "id" UUID NOT NULL,
    "quarter" TEXT NOT NULL,
    "period_end" DATE NOT NULL,
    "due_at" TIMESTAMPTZ(3) NOT NULL,
    "completed_at" TIMESTAMPTZ(3),
    "created_by" TEXT NOT NULL,
    "created_at" TIMESTAMPTZ(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,

    CONSTRAINT "sox_certifications_pkey" PRIMARY KEY ("id")
);

-- CreateTable
CREATE TABLE "sox_certification_officers" (
    "id" UUID NOT NULL,
    "certification_id" UUID NOT NULL,
    "subject" TEXT NOT NULL,
    "title" TEXT NOT NULL,
    "statement" TEXT,
    "attested_at" TIMESTAMPTZ(3),

    CONSTRAINT "sox_certification_officers_pkey" PRIMARY KEY ("id")
);

-- CreateTable
CREATE TABLE "sox_whistleblower_reports" (
    "id" UUID NOT NULL,
    "category" TEXT NOT NULL,
    "description" TEXT NOT NULL,
    "anonymous" BOOLEAN NOT NULL,
    "reporter" TEXT,
    "status" TEXT NOT NULL,
    "status_note" TEXT,
    "received_at" TIMESTAMPTZ(3) NOT NULL,
    "updated_at" TIMESTAMPTZ(3) NOT NULL,

    CONSTRAINT "sox_whistleblower_reports_pkey" PRIMARY KEY ("id")
);

-- CreateTable
CREATE TABLE "sox_evidence" (
    "id" UUID NOT NULL,
    "title" TEXT NOT NULL,
    "kind" TEXT NOT NULL,
    "sha256" TEXT NOT NULL,
    "content" BYTEA,
    "size" INTEGER,
    "external_ref" TEXT,
    "collected_at" TIMESTAMPTZ(3) NOT NULL,
    "retain_until" TIMESTAMPTZ(3) NOT NULL,
    "control_id" UUID,
    "test_id" UUID,
    "change_id" UUID,
    "created_by" TEXT NOT NULL,
    "created_at" TIMESTAMPTZ(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,

    CONSTRAINT "sox_evidence_pkey" PRIMARY KEY ("id")
);

-- CreateIndex
CREATE UNIQUE INDEX "sox_controls_key_key" ON "sox_controls"("key");

-- CreateIndex
CREATE INDEX "sox_control_tests_control_id_tested_at_idx" ON "sox_control_tests"("control_id", "tested_at");

-- CreateIndex
CREATE INDEX "sox_deficiencies_status_severity_idx" ON "sox_deficiencies"("status", "severity");

-- CreateIndex
CREATE INDEX "sox_deficiencies_control_id_idx" ON "sox_deficiencies"("control_id");

-- CreateIndex
CREATE INDEX "sox_changes_status_idx" ON "sox_changes"("status");

-- CreateIndex
CREATE UNIQUE INDEX "sox_certifications_quarter_key" ON "sox_certifications"("quarter");

-- CreateIndex
CREATE INDEX "sox_certifications_completed_at_due_at_idx" ON "sox_certifications"("completed_at", "due_at");

-- CreateIndex
CREATE UNIQUE INDEX "sox_certification_officers_certification_id_subject_key" ON "sox_certification_officers"("certification_id", "subject");

-- CreateIndex
CREATE INDEX "sox_whistleblower_reports_status_idx" ON "sox_whistleblower_reports"("status");

-- CreateIndex
CREATE INDEX "sox_evidence_retain_until_idx" ON "sox_evidence"("retain_until");

-- CreateIndex
CREATE INDEX "sox_evidence_control_id_idx" ON "sox_evidence"("control_id");

-- AddForeignKey
ALTER TABLE "sox_certification_officers" ADD CONSTRAINT "sox_certification_officers_certification_id_fkey" FOREIGN KEY ("certification_id") REFERENCES "sox_certifications"("id") ON DELETE RESTRICT ON UPDATE CASCADE;
