-- CreateTable
CREATE TABLE "hipaa_phi_records" (
    "id" UUID NOT NULL,
    "subject_id" UUID NOT NULL,
    "identifier_id" UUID NOT NULL,
    "sealed_fields" JSONB NOT NULL,
    "version" INTEGER NOT NULL DEFAULT 1,
    "created_by" TEXT NOT NULL,
    "created_at" TIMESTAMPTZ(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,
    "updated_by" TEXT NOT NULL,
    "updated_at" TIMESTAMPTZ(3) NOT NULL,

    CONSTRAINT "hipaa_phi_records_pkey" PRIMARY KEY ("id")
);

-- CreateTable
CREATE TABLE "hipaa_phi_accesses" (
    "id" UUID NOT NULL,
    "record_id" UUID NOT NULL,
    "subject_id" UUID NOT NULL,
    "kind" TEXT NOT NULL,
    "outcome" TEXT NOT NULL,
    "accessor" TEXT NOT NULL,
    "role" TEXT NOT NULL,
    "purpose" TEXT NOT NULL,
    "fields" TEXT[],
    "withheld" TEXT[],
    "recipient" TEXT,
    "description" TEXT,
    "reason" TEXT,
    "at" TIMESTAMPTZ(3) NOT NULL,
    "created_at" TIMESTAMPTZ(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,

    CONSTRAINT "hipaa_phi_accesses_pkey" PRIMARY KEY ("id")
);

-- CreateTable
CREATE TABLE "hipaa_business_associates" (
    "id" UUID NOT NULL,
    "name" TEXT NOT NULL,
    "services" TEXT[],
    "phi_categories" TEXT[],
    "signed_at" TIMESTAMPTZ(3),
    "review_due_at" TIMESTAMPTZ(3) NOT NULL,
    "last_reviewed_at" TIMESTAMPTZ(3),
    "terminated_at" TIMESTAMPTZ(3),
    "created_by" TEXT NOT NULL,
    "created_at" TIMESTAMPTZ(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,
    "updated_at" TIMESTAMPTZ(3) NOT NULL,

    CONSTRAINT "hipaa_business_associates_pkey" PRIMARY KEY ("id")
);

-- CreateIndex
CREATE UNIQUE INDEX "hipaa_phi_records_subject_id_key" ON "hipaa_phi_records"("subject_id");

-- CreateIndex
CREATE INDEX "hipaa_phi_records_identifier_id_idx" ON "hipaa_phi_records"("identifier_id");

-- CreateIndex
CREATE INDEX "hipaa_phi_accesses_subject_id_at_idx" ON "hipaa_phi_accesses"("subject_id", "at");

-- CreateIndex
CREATE INDEX "hipaa_phi_accesses_accessor_at_idx" ON "hipaa_phi_accesses"("accessor", "at");

-- CreateIndex
CREATE INDEX "hipaa_phi_accesses_record_id_idx" ON "hipaa_phi_accesses"("record_id");

-- CreateIndex
CREATE UNIQUE INDEX "hipaa_business_associates_name_key" ON "hipaa_business_associates"("name");

-- CreateIndex
CREATE INDEX "hipaa_business_associates_terminated_at_review_due_at_idx" ON "hipaa_business_associates"("terminated_at", "review_due_at");
