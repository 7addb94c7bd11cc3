-- CreateSchema
CREATE SCHEMA IF NOT EXISTS "public";

-- CreateTable
CREATE TABLE "devices" (
    "id" TEXT NOT NULL,
    "type" TEXT NOT NULL,
    "location" TEXT NOT NULL,
    "jurisdiction" TEXT NOT NULL,
    "algorithm" TEXT NOT NULL,
    "public_key" BYTEA NOT NULL,
    "registered_by" TEXT NOT NULL,
    "registered_at" TIMESTAMPTZ(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,
    "decommissioned_at" TIMESTAMPTZ(3),
    "decommissioned_by" TEXT,
    "last_seen_at" TIMESTAMPTZ(3),
    "offline_at" TIMESTAMPTZ(3),

    CONSTRAINT "devices_pkey" PRIMARY KEY ("id")
);

-- CreateTable
CREATE TABLE "telemetry" (
    "id" BIGSERIAL NOT NULL,
    "device_id" TEXT NOT NULL,
    "nonce" TEXT NOT NULL,
    "sent_at" TIMESTAMPTZ(3) NOT NULL,
    "received_at" TIMESTAMPTZ(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,
    "payload" JSONB NOT NULL,
    "digest" TEXT NOT NULL,

    CONSTRAINT "telemetry_pkey" PRIMARY KEY ("id")
);

-- CreateTable
CREATE TABLE "rejections" (
    "id" BIGSERIAL NOT NULL,
    "reason" TEXT NOT NULL,
    "device_id" TEXT,
    "detail" TEXT NOT NULL,
    "received_at" TIMESTAMPTZ(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,

    CONSTRAINT "rejections_pkey" PRIMARY KEY ("id")
);

-- CreateTable
CREATE TABLE "findings" (
    "id" UUID NOT NULL,
    "device_id" TEXT NOT NULL,
    "telemetry_id" BIGINT NOT NULL,
    "kind" TEXT NOT NULL,
    "regime" TEXT NOT NULL,
    "summary" TEXT NOT NULL,
    "detected_at" TIMESTAMPTZ(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,
    "occurrences" INTEGER NOT NULL DEFAULT 1,
    "last_detected_at" TIMESTAMPTZ(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,
    "published_at" TIMESTAMPTZ(3),
    "resolved_at" TIMESTAMPTZ(3),
    "resolved_by" TEXT,

    CONSTRAINT "findings_pkey" PRIMARY KEY ("id")
);

-- CreateIndex
CREATE INDEX "telemetry_device_id_id_idx" ON "telemetry"("device_id", "id");

-- CreateIndex
CREATE UNIQUE INDEX "telemetry_device_id_nonce_key" ON "telemetry"("device_id", "nonce");

-- CreateIndex
CREATE INDEX "rejections_reason_idx" ON "rejections"("reason");

-- CreateIndex
CREATE INDEX "findings_kind_idx" ON "findings"("kind");

-- CreateIndex
CREATE INDEX "findings_detected_at_idx" ON "findings"("detected_at");

-- AddForeignKey
ALTER TABLE "telemetry" ADD CONSTRAINT "telemetry_device_id_fkey" FOREIGN KEY ("device_id") REFERENCES "devices"("id") ON DELETE RESTRICT ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "findings" ADD CONSTRAINT "findings_device_id_fkey" FOREIGN KEY ("device_id") REFERENCES "devices"("id") ON DELETE RESTRICT ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "findings" ADD CONSTRAINT "findings_telemetry_id_fkey" FOREIGN KEY ("telemetry_id") REFERENCES "telemetry"("id") ON DELETE RESTRICT ON UPDATE CASCADE;
