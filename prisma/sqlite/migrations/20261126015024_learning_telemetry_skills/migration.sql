-- CreateTable
CREATE TABLE "ModelStep" (
    "id" TEXT NOT NULL PRIMARY KEY,
    "sessionId" TEXT NOT NULL,
    "turnId" TEXT,
    "step" INTEGER NOT NULL,
    "model" TEXT NOT NULL,
    "inputTokens" INTEGER NOT NULL,
    "outputTokens" INTEGER NOT NULL,
    "costUsd" REAL NOT NULL,
    "durationMs" INTEGER,
    "createdAt" DATETIME NOT NULL DEFAULT CURRENT_TIMESTAMP,
    CONSTRAINT "ModelStep_sessionId_fkey" FOREIGN KEY ("sessionId") REFERENCES "Session" ("id") ON DELETE CASCADE ON UPDATE CASCADE
);

-- CreateTable
CREATE TABLE "SkillVersion" (
    "id" TEXT NOT NULL PRIMARY KEY,
    "name" TEXT NOT NULL,
    "version" INTEGER NOT NULL,
    "content" TEXT NOT NULL,
    "sha256" TEXT NOT NULL,
    "origin" TEXT NOT NULL,
    "message" TEXT,
    "createdAt" DATETIME NOT NULL DEFAULT CURRENT_TIMESTAMP
);

-- CreateTable
CREATE TABLE "SkillLoad" (
    "id" TEXT NOT NULL PRIMARY KEY,
    "skill" TEXT NOT NULL,
    "sessionId" TEXT,
    "turnId" TEXT,
    "kind" TEXT NOT NULL,
    "trigger" TEXT,
    "createdAt" DATETIME NOT NULL DEFAULT CURRENT_TIMESTAMP,
    CONSTRAINT "SkillLoad_sessionId_fkey" FOREIGN KEY ("sessionId") REFERENCES "Session" ("id") ON DELETE SET NULL ON UPDATE CASCADE
);

-- CreateTable
CREATE TABLE "Friction" (
    "id" TEXT NOT NULL PRIMARY KEY,
    "sessionId" TEXT NOT NULL,
    "turnId" TEXT,
    "kind" TEXT NOT NULL,
    "detail" TEXT NOT NULL,
    "evidence" JSONB,
    "outcome" TEXT NOT NULL DEFAULT 'pending',
    "toolName" TEXT,
    "createdAt" DATETIME NOT NULL DEFAULT CURRENT_TIMESTAMP,
    CONSTRAINT "Friction_sessionId_fkey" FOREIGN KEY ("sessionId") REFERENCES "Session" ("id") ON DELETE CASCADE ON UPDATE CASCADE
);

-- CreateTable
CREATE TABLE "Reflection" (
    "id" TEXT NOT NULL PRIMARY KEY,
    "sessionId" TEXT NOT NULL,
    "status" TEXT NOT NULL DEFAULT 'pending',
    "trigger" TEXT NOT NULL,
    "summary" TEXT,
    "wentWell" TEXT,
    "slow" TEXT,
    "nextTime" TEXT,
    "error" TEXT,
    "model" TEXT,
    "createdAt" DATETIME NOT NULL DEFAULT CURRENT_TIMESTAMP,
    "updatedAt" DATETIME NOT NULL,
    CONSTRAINT "Reflection_sessionId_fkey" FOREIGN KEY ("sessionId") REFERENCES "Session" ("id") ON DELETE CASCADE ON UPDATE CASCADE
);

-- CreateTable
CREATE TABLE "Opportunity" (
    "id" TEXT NOT NULL PRIMARY KEY,
    "title" TEXT NOT NULL,
    "what" TEXT NOT NULL DEFAULT '',
    "why" TEXT NOT NULL DEFAULT '',
    "successCriteria" TEXT NOT NULL DEFAULT '',
    "impact" TEXT NOT NULL DEFAULT 'M',
    "effort" TEXT NOT NULL DEFAULT 'M',
    "status" TEXT NOT NULL DEFAULT 'todo',
    "dropReason" TEXT,
    "position" REAL NOT NULL DEFAULT 0,
    "evidence" JSONB,
    "runId" TEXT,
    "passesCarried" INTEGER NOT NULL DEFAULT 0,
    "createdAt" DATETIME NOT NULL DEFAULT CURRENT_TIMESTAMP,
    "updatedAt" DATETIME NOT NULL,
    CONSTRAINT "Opportunity_runId_fkey" FOREIGN KEY ("runId") REFERENCES "MaintenanceRun" ("id") ON DELETE SET NULL ON UPDATE CASCADE
);

-- CreateTable
CREATE TABLE "Hypothesis" (
    "id" TEXT NOT NULL PRIMARY KEY,
    "claim" TEXT NOT NULL,
    "subjectType" TEXT NOT NULL,
    "subjectRef" TEXT NOT NULL,
    "metric" TEXT NOT NULL,
    "comparator" TEXT NOT NULL DEFAULT 'gte',
    "baseline" REAL,
    "target" REAL NOT NULL,
    "evaluateAfter" INTEGER NOT NULL DEFAULT 5,
    "startedAt" DATETIME NOT NULL DEFAULT CURRENT_TIMESTAMP,
    "observed" REAL,
    "verdict" TEXT NOT NULL DEFAULT 'pending',
    "evaluatedAt" DATETIME,
    "opportunityId" TEXT
);

-- CreateTable
CREATE TABLE "MaintenanceRun" (
    "id" TEXT NOT NULL PRIMARY KEY,
    "sessionId" TEXT,
    "status" TEXT NOT NULL DEFAULT 'running',
    "analysis" JSONB NOT NULL,
    "results" JSONB,
    "smallItemsActed" INTEGER NOT NULL DEFAULT 0,
    "startedAt" DATETIME NOT NULL DEFAULT CURRENT_TIMESTAMP,
    "finishedAt" DATETIME
);

-- CreateTable
CREATE TABLE "WorkingMemory" (
    "id" TEXT NOT NULL PRIMARY KEY,
    "version" INTEGER NOT NULL,
    "content" TEXT NOT NULL,
    "source" TEXT NOT NULL,
    "runId" TEXT,
    "createdAt" DATETIME NOT NULL DEFAULT CURRENT_TIMESTAMP,
    CONSTRAINT "WorkingMemory_runId_fkey" FOREIGN KEY ("runId") REFERENCES "MaintenanceRun" ("id") ON DELETE SET NULL ON UPDATE CASCADE
);

-- RedefineTables
PRAGMA defer_foreign_keys=ON;
PRAGMA foreign_keys=OFF;
CREATE TABLE "new_LearningEvent" (
    "id" TEXT NOT NULL PRIMARY KEY,
    "sessionId" TEXT,
    "type" TEXT NOT NULL,
    "description" TEXT NOT NULL,
    "context" TEXT,
    "source" TEXT NOT NULL DEFAULT 'agent',
    "usedCount" INTEGER NOT NULL DEFAULT 0,
    "lastUsedAt" DATETIME,
    "recurred" INTEGER NOT NULL DEFAULT 0,
    "createdAt" DATETIME NOT NULL DEFAULT CURRENT_TIMESTAMP,
    "updatedAt" DATETIME NOT NULL DEFAULT CURRENT_TIMESTAMP,
    CONSTRAINT "LearningEvent_sessionId_fkey" FOREIGN KEY ("sessionId") REFERENCES "Session" ("id") ON DELETE SET NULL ON UPDATE CASCADE
);
INSERT INTO "new_LearningEvent" ("context", "createdAt", "description", "id", "sessionId", "source", "type") SELECT "context", "createdAt", "description", "id", "sessionId", "source", "type" FROM "LearningEvent";
DROP TABLE "LearningEvent";
ALTER TABLE "new_LearningEvent" RENAME TO "LearningEvent";
CREATE INDEX "LearningEvent_createdAt_idx" ON "LearningEvent"("createdAt");
PRAGMA foreign_keys=ON;
PRAGMA defer_foreign_keys=OFF;

-- CreateIndex
CREATE INDEX "ModelStep_sessionId_idx" ON "ModelStep"("sessionId");

-- CreateIndex
CREATE INDEX "ModelStep_createdAt_idx" ON "ModelStep"("createdAt");

-- CreateIndex
CREATE INDEX "SkillVersion_name_createdAt_idx" ON "SkillVersion"("name", "createdAt");

-- CreateIndex
CREATE UNIQUE INDEX "SkillVersion_name_version_key" ON "SkillVersion"("name", "version");

-- CreateIndex
CREATE INDEX "SkillLoad_skill_createdAt_idx" ON "SkillLoad"("skill", "createdAt");

-- CreateIndex
CREATE INDEX "SkillLoad_sessionId_idx" ON "SkillLoad"("sessionId");

-- CreateIndex
CREATE INDEX "SkillLoad_createdAt_idx" ON "SkillLoad"("createdAt");

-- CreateIndex
CREATE INDEX "Friction_sessionId_idx" ON "Friction"("sessionId");

-- CreateIndex
CREATE INDEX "Friction_createdAt_idx" ON "Friction"("createdAt");

-- CreateIndex
CREATE UNIQUE INDEX "Reflection_sessionId_key" ON "Reflection"("sessionId");

-- CreateIndex
CREATE INDEX "Reflection_status_idx" ON "Reflection"("status");

-- CreateIndex
CREATE INDEX "Reflection_createdAt_idx" ON "Reflection"("createdAt");

-- CreateIndex
CREATE INDEX "Opportunity_status_position_idx" ON "Opportunity"("status", "position");

-- CreateIndex
CREATE INDEX "Hypothesis_verdict_idx" ON "Hypothesis"("verdict");

-- CreateIndex
CREATE UNIQUE INDEX "MaintenanceRun_sessionId_key" ON "MaintenanceRun"("sessionId");

-- CreateIndex
CREATE UNIQUE INDEX "WorkingMemory_version_key" ON "WorkingMemory"("version");

