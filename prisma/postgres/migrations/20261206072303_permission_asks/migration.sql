-- CreateTable
CREATE TABLE "PermissionAsk" (
    "id" TEXT NOT NULL,
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
    "createdAt" TIMESTAMP(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,
    "expiresAt" TIMESTAMP(3) NOT NULL,
    "answeredAt" TIMESTAMP(3),

    CONSTRAINT "PermissionAsk_pkey" PRIMARY KEY ("id")
);

-- CreateIndex
CREATE INDEX "PermissionAsk_sessionId_status_idx" ON "PermissionAsk"("sessionId", "status");

-- CreateIndex
CREATE INDEX "PermissionAsk_createdAt_idx" ON "PermissionAsk"("createdAt");

