-- CreateTable
CREATE TABLE "TelemetryRollup" (
    "day" TEXT NOT NULL PRIMARY KEY,
    "format" INTEGER NOT NULL,
    "data" TEXT NOT NULL,
    "createdAt" DATETIME NOT NULL DEFAULT CURRENT_TIMESTAMP
);

