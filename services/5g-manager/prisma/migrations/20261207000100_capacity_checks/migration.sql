-- Capacity invariants the database itself refuses to break, whatever the application does:
-- no counter below zero or above its maximum. (Prisma's schema language cannot say this,
-- so the drift test compares everything but CHECK constraints and looks for these by name.)
ALTER TABLE "slices" ADD CONSTRAINT "slices_sessions_within_capacity"
    CHECK ("active_sessions" >= 0 AND "active_sessions" <= "max_sessions");
ALTER TABLE "slices" ADD CONSTRAINT "slices_bitrate_within_guarantee"
    CHECK ("reserved_bitrate_kbps" >= 0 AND "reserved_bitrate_kbps" <= "guaranteed_bitrate_kbps");
ALTER TABLE "slices" ADD CONSTRAINT "slices_limits_positive"
    CHECK ("max_sessions" > 0 AND "guaranteed_bitrate_kbps" > 0 AND "max_bitrate_kbps" > 0 AND "latency_budget_ms" > 0);
ALTER TABLE "cells" ADD CONSTRAINT "cells_sessions_within_capacity"
    CHECK ("active_sessions" >= 0 AND "active_sessions" <= "max_sessions");
