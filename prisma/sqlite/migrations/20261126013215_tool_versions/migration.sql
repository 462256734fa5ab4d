-- CreateTable
CREATE TABLE "ToolVersion" (
    "id" TEXT NOT NULL PRIMARY KEY,
    "name" TEXT NOT NULL,
    "version" INTEGER NOT NULL,
    "sha256" TEXT NOT NULL,
    "source" TEXT NOT NULL,
    "origin" TEXT NOT NULL,
    "status" TEXT NOT NULL,
    "description" TEXT NOT NULL DEFAULT '',
    "manifest" JSONB,
    "validation" JSONB NOT NULL,
    "reason" TEXT,
    "parentId" TEXT,
    "sessionId" TEXT,
    "decidedBy" TEXT,
    "decidedAt" DATETIME,
    "decisionReason" TEXT,
    "createdAt" DATETIME NOT NULL DEFAULT CURRENT_TIMESTAMP,
    CONSTRAINT "ToolVersion_parentId_fkey" FOREIGN KEY ("parentId") REFERENCES "ToolVersion" ("id") ON DELETE SET NULL ON UPDATE CASCADE,
    CONSTRAINT "ToolVersion_sessionId_fkey" FOREIGN KEY ("sessionId") REFERENCES "Session" ("id") ON DELETE SET NULL ON UPDATE CASCADE
);

-- CreateIndex
CREATE INDEX "ToolVersion_name_status_idx" ON "ToolVersion"("name", "status");

-- CreateIndex
CREATE INDEX "ToolVersion_status_createdAt_idx" ON "ToolVersion"("status", "createdAt");

-- CreateIndex
CREATE INDEX "ToolVersion_sha256_idx" ON "ToolVersion"("sha256");

-- CreateIndex
CREATE UNIQUE INDEX "ToolVersion_name_version_key" ON "ToolVersion"("name", "version");

