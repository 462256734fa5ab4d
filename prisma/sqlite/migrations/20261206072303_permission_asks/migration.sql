-- CreateTable
CREATE TABLE "PermissionAsk" (
    "id" TEXT NOT NULL PRIMARY KEY,
    "sessionId" TEXT NOT NULL,
    "turnId" TEXT NOT NULL,
    "callId" TEXT NOT NULL,
    "tool" TEXT NOT NULL,
    "input" JSONB NOT NULL,
    "summary" TEXT NOT NULL,
    "rule" TEXT NOT NULL,
    "rules" JSONB NOT NULL,
    "status" TEXT NOT NULL,
    "reason" TEXT,
    "answeredBy" TEXT,
    "createdAt" DATETIME NOT NULL DEFAULT CURRENT_TIMESTAMP,
    "expiresAt" DATETIME NOT NULL,
    "answeredAt" DATETIME
);

-- CreateIndex
CREATE INDEX "PermissionAsk_sessionId_status_idx" ON "PermissionAsk"("sessionId", "status");

-- CreateIndex
CREATE INDEX "PermissionAsk_createdAt_idx" ON "PermissionAsk"("createdAt");

