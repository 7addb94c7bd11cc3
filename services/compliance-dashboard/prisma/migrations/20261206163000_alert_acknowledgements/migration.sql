-- Who acknowledged which alert, when, and why. An alert's id is derived from live data
-- (overdue:<service>:<requestId>, deadline:<service>:<breachId>:<recipient>, iot:<findingId>),
-- so the acknowledgement outlives the dashboard's restarts and finds its alert again.
CREATE TABLE "AlertAcknowledgement" (
    "alertId" TEXT NOT NULL,
    "acknowledgedBy" TEXT NOT NULL,
    "acknowledgedAt" TIMESTAMPTZ(3) NOT NULL,
    "note" TEXT,

    CONSTRAINT "AlertAcknowledgement_pkey" PRIMARY KEY ("alertId")
);
