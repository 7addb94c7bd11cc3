-- CreateTable
CREATE TABLE "popia_information_officers" (
    "id" UUID NOT NULL,
    "role" TEXT NOT NULL,
    "position" INTEGER NOT NULL,
    "name" TEXT NOT NULL,
    "email" TEXT NOT NULL,
    "phone" TEXT NOT NULL,
    "registration_number" TEXT,
    "registered_at" TIMESTAMPTZ(3),
    "updated_by" TEXT NOT NULL,
    "updated_at" TIMESTAMPTZ(3) NOT NULL,

    CONSTRAINT "popia_information_officers_pkey" PRIMARY KEY ("id")
);

-- CreateTable
CREATE TABLE "popia_marketing_approaches" (
    "id" UUID NOT NULL,
    "subject_id" UUID NOT NULL,
    "identifier_id" UUID NOT NULL,
    "channel" TEXT NOT NULL,
    "purpose" TEXT,
    "outcome" TEXT NOT NULL,
    "kind" TEXT,
    "reason" TEXT,
    "at" TIMESTAMPTZ(3) NOT NULL,
    "created_by" TEXT NOT NULL,
    "created_at" TIMESTAMPTZ(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,

    CONSTRAINT "popia_marketing_approaches_pkey" PRIMARY KEY ("id")
);

-- CreateTable
CREATE TABLE "popia_marketing_decisions" (
    "id" UUID NOT NULL,
    "subject_id" UUID NOT NULL,
    "identifier_id" UUID NOT NULL,
    "decision" TEXT NOT NULL,
    "at" TIMESTAMPTZ(3) NOT NULL,
    "created_by" TEXT NOT NULL,
    "created_at" TIMESTAMPTZ(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,

    CONSTRAINT "popia_marketing_decisions_pkey" PRIMARY KEY ("id")
);

-- CreateIndex
CREATE UNIQUE INDEX "popia_information_officers_role_position_key" ON "popia_information_officers"("role", "position");

-- CreateIndex
CREATE INDEX "popia_marketing_approaches_subject_id_at_idx" ON "popia_marketing_approaches"("subject_id", "at");

-- CreateIndex
CREATE INDEX "popia_marketing_approaches_outcome_idx" ON "popia_marketing_approaches"("outcome");

-- CreateIndex
CREATE INDEX "popia_marketing_decisions_subject_id_at_idx" ON "popia_marketing_decisions"("subject_id", "at");
