-- CreateSchema
CREATE SCHEMA IF NOT EXISTS "public";

-- CreateTable
CREATE TABLE "operators" (
    "id" UUID NOT NULL,
    "name" TEXT NOT NULL,
    "mcc" TEXT NOT NULL,
    "mnc" TEXT NOT NULL,
    "created_at" TIMESTAMPTZ(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,

    CONSTRAINT "operators_pkey" PRIMARY KEY ("id")
);

-- CreateTable
CREATE TABLE "cells" (
    "id" UUID NOT NULL,
    "operator_id" UUID NOT NULL,
    "name" TEXT NOT NULL,
    "gnb_id" BIGINT NOT NULL,
    "tac" TEXT NOT NULL,
    "band" TEXT NOT NULL,
    "latitude" DOUBLE PRECISION NOT NULL,
    "longitude" DOUBLE PRECISION NOT NULL,
    "max_sessions" INTEGER NOT NULL,
    "active_sessions" INTEGER NOT NULL DEFAULT 0,
    "created_at" TIMESTAMPTZ(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,
    "updated_at" TIMESTAMPTZ(3) NOT NULL,

    CONSTRAINT "cells_pkey" PRIMARY KEY ("id")
);

-- CreateTable
CREATE TABLE "slices" (
    "id" UUID NOT NULL,
    "operator_id" UUID NOT NULL,
    "sst" INTEGER NOT NULL,
    "sd" TEXT,
    "snssai" TEXT NOT NULL,
    "name" TEXT NOT NULL,
    "guaranteed_bitrate_kbps" INTEGER NOT NULL,
    "reserved_bitrate_kbps" INTEGER NOT NULL DEFAULT 0,
    "max_bitrate_kbps" INTEGER NOT NULL,
    "max_sessions" INTEGER NOT NULL,
    "active_sessions" INTEGER NOT NULL DEFAULT 0,
    "latency_budget_ms" DOUBLE PRECISION NOT NULL,
    "created_at" TIMESTAMPTZ(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,
    "updated_at" TIMESTAMPTZ(3) NOT NULL,

    CONSTRAINT "slices_pkey" PRIMARY KEY ("id")
);

-- CreateTable
CREATE TABLE "tracking_areas" (
    "id" UUID NOT NULL,
    "operator_id" UUID NOT NULL,
    "tac" TEXT NOT NULL,
    "name" TEXT,
    "updated_at" TIMESTAMPTZ(3) NOT NULL,

    CONSTRAINT "tracking_areas_pkey" PRIMARY KEY ("id")
);

-- CreateTable
CREATE TABLE "tracking_area_slices" (
    "tracking_area_id" UUID NOT NULL,
    "slice_id" UUID NOT NULL,

    CONSTRAINT "tracking_area_slices_pkey" PRIMARY KEY ("tracking_area_id","slice_id")
);

-- CreateTable
CREATE TABLE "subscribers" (
    "id" UUID NOT NULL,
    "supi" TEXT NOT NULL,
    "operator_id" UUID NOT NULL,
    "created_at" TIMESTAMPTZ(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,
    "updated_at" TIMESTAMPTZ(3) NOT NULL,

    CONSTRAINT "subscribers_pkey" PRIMARY KEY ("id")
);

-- CreateTable
CREATE TABLE "subscribed_slices" (
    "subscriber_id" UUID NOT NULL,
    "slice_id" UUID NOT NULL,
    "is_default" BOOLEAN NOT NULL,

    CONSTRAINT "subscribed_slices_pkey" PRIMARY KEY ("subscriber_id","slice_id")
);

-- CreateTable
CREATE TABLE "pdu_sessions" (
    "id" UUID NOT NULL,
    "subscriber_id" UUID NOT NULL,
    "slice_id" UUID NOT NULL,
    "cell_id" UUID NOT NULL,
    "bitrate_kbps" INTEGER NOT NULL,
    "idempotency_key" TEXT,
    "admitted_by" TEXT NOT NULL,
    "admitted_at" TIMESTAMPTZ(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,
    "released_at" TIMESTAMPTZ(3),

    CONSTRAINT "pdu_sessions_pkey" PRIMARY KEY ("id")
);

-- CreateTable
CREATE TABLE "cell_kpis" (
    "id" BIGSERIAL NOT NULL,
    "cell_id" UUID NOT NULL,
    "observed_at" TIMESTAMPTZ(3) NOT NULL,
    "load_percent" DOUBLE PRECISION NOT NULL,
    "throughput_mbps" DOUBLE PRECISION NOT NULL,
    "latency_ms" DOUBLE PRECISION NOT NULL,

    CONSTRAINT "cell_kpis_pkey" PRIMARY KEY ("id")
);

-- CreateTable
CREATE TABLE "slice_kpis" (
    "id" BIGSERIAL NOT NULL,
    "slice_id" UUID NOT NULL,
    "cell_id" UUID NOT NULL,
    "observed_at" TIMESTAMPTZ(3) NOT NULL,
    "throughput_mbps" DOUBLE PRECISION NOT NULL,
    "latency_ms" DOUBLE PRECISION NOT NULL,

    CONSTRAINT "slice_kpis_pkey" PRIMARY KEY ("id")
);

-- CreateIndex
CREATE UNIQUE INDEX "operators_name_key" ON "operators"("name");

-- CreateIndex
CREATE UNIQUE INDEX "operators_mcc_mnc_key" ON "operators"("mcc", "mnc");

-- CreateIndex
CREATE INDEX "cells_operator_id_tac_idx" ON "cells"("operator_id", "tac");

-- CreateIndex
CREATE UNIQUE INDEX "cells_operator_id_name_key" ON "cells"("operator_id", "name");

-- CreateIndex
CREATE UNIQUE INDEX "slices_operator_id_snssai_key" ON "slices"("operator_id", "snssai");

-- CreateIndex
CREATE UNIQUE INDEX "tracking_areas_operator_id_tac_key" ON "tracking_areas"("operator_id", "tac");

-- CreateIndex
CREATE INDEX "tracking_area_slices_slice_id_idx" ON "tracking_area_slices"("slice_id");

-- CreateIndex
CREATE UNIQUE INDEX "subscribers_supi_key" ON "subscribers"("supi");

-- CreateIndex
CREATE INDEX "subscribers_operator_id_idx" ON "subscribers"("operator_id");

-- CreateIndex
CREATE INDEX "subscribed_slices_slice_id_idx" ON "subscribed_slices"("slice_id");

-- CreateIndex
CREATE UNIQUE INDEX "pdu_sessions_idempotency_key_key" ON "pdu_sessions"("idempotency_key");

-- CreateIndex
CREATE INDEX "pdu_sessions_subscriber_id_idx" ON "pdu_sessions"("subscriber_id");

-- CreateIndex
CREATE INDEX "pdu_sessions_slice_id_idx" ON "pdu_sessions"("slice_id");

-- CreateIndex
CREATE INDEX "pdu_sessions_cell_id_idx" ON "pdu_sessions"("cell_id");

-- CreateIndex
CREATE INDEX "cell_kpis_cell_id_observed_at_idx" ON "cell_kpis"("cell_id", "observed_at");

-- CreateIndex
CREATE INDEX "cell_kpis_observed_at_idx" ON "cell_kpis"("observed_at");

-- CreateIndex
CREATE INDEX "slice_kpis_slice_id_observed_at_idx" ON "slice_kpis"("slice_id", "observed_at");

-- CreateIndex
CREATE INDEX "slice_kpis_cell_id_idx" ON "slice_kpis"("cell_id");

-- CreateIndex
CREATE INDEX "slice_kpis_observed_at_idx" ON "slice_kpis"("observed_at");

-- AddForeignKey
ALTER TABLE "cells" ADD CONSTRAINT "cells_operator_id_fkey" FOREIGN KEY ("operator_id") REFERENCES "operators"("id") ON DELETE RESTRICT ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "slices" ADD CONSTRAINT "slices_operator_id_fkey" FOREIGN KEY ("operator_id") REFERENCES "operators"("id") ON DELETE RESTRICT ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "tracking_areas" ADD CONSTRAINT "tracking_areas_operator_id_fkey" FOREIGN KEY ("operator_id") REFERENCES "operators"("id") ON DELETE RESTRICT ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "tracking_area_slices" ADD CONSTRAINT "tracking_area_slices_tracking_area_id_fkey" FOREIGN KEY ("tracking_area_id") REFERENCES "tracking_areas"("id") ON DELETE CASCADE ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "tracking_area_slices" ADD CONSTRAINT "tracking_area_slices_slice_id_fkey" FOREIGN KEY ("slice_id") REFERENCES "slices"("id") ON DELETE RESTRICT ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "subscribers" ADD CONSTRAINT "subscribers_operator_id_fkey" FOREIGN KEY ("operator_id") REFERENCES "operators"("id") ON DELETE RESTRICT ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "subscribed_slices" ADD CONSTRAINT "subscribed_slices_subscriber_id_fkey" FOREIGN KEY ("subscriber_id") REFERENCES "subscribers"("id") ON DELETE CASCADE ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "subscribed_slices" ADD CONSTRAINT "subscribed_slices_slice_id_fkey" FOREIGN KEY ("slice_id") REFERENCES "slices"("id") ON DELETE RESTRICT ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "pdu_sessions" ADD CONSTRAINT "pdu_sessions_subscriber_id_fkey" FOREIGN KEY ("subscriber_id") REFERENCES "subscribers"("id") ON DELETE RESTRICT ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "pdu_sessions" ADD CONSTRAINT "pdu_sessions_slice_id_fkey" FOREIGN KEY ("slice_id") REFERENCES "slices"("id") ON DELETE RESTRICT ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "pdu_sessions" ADD CONSTRAINT "pdu_sessions_cell_id_fkey" FOREIGN KEY ("cell_id") REFERENCES "cells"("id") ON DELETE RESTRICT ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "cell_kpis" ADD CONSTRAINT "cell_kpis_cell_id_fkey" FOREIGN KEY ("cell_id") REFERENCES "cells"("id") ON DELETE CASCADE ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "slice_kpis" ADD CONSTRAINT "slice_kpis_slice_id_fkey" FOREIGN KEY ("slice_id") REFERENCES "slices"("id") ON DELETE CASCADE ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "slice_kpis" ADD CONSTRAINT "slice_kpis_cell_id_fkey" FOREIGN KEY ("cell_id") REFERENCES "cells"("id") ON DELETE CASCADE ON UPDATE CASCADE;
