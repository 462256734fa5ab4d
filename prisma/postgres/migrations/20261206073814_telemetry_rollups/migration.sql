-- CreateTable
CREATE TABLE "TelemetryRollup" (
    "day" TEXT NOT NULL,
    "format" INTEGER NOT NULL,
    "data" TEXT NOT NULL,
    "createdAt" TIMESTAMP(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,

    CONSTRAINT "TelemetryRollup_pkey" PRIMARY KEY ("day")
);

