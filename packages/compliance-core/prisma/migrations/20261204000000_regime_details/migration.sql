-- AlterTable
ALTER TABLE "breaches" ADD COLUMN "details" JSONB;

-- AlterTable
ALTER TABLE "breach_notifications" ADD COLUMN "target_at" TIMESTAMPTZ(3);
