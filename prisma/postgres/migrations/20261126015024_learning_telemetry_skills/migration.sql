-- AlterTable
ALTER TABLE "LearningEvent" ADD COLUMN     "lastUsedAt" TIMESTAMP(3),
ADD COLUMN     "recurred" INTEGER NOT NULL DEFAULT 0,
ADD COLUMN     "updatedAt" TIMESTAMP(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,
ADD COLUMN     "usedCount" INTEGER NOT NULL DEFAULT 0;

-- CreateTable
CREATE TABLE "ModelStep" (
    "id" TEXT NOT NULL,
    "sessionId" TEXT NOT NULL,
    "turnId" TEXT,
    "step" INTEGER NOT NULL,
    "model" TEXT NOT NULL,
    "inputTokens" INTEGER NOT NULL,
    "outputTokens" INTEGER NOT NULL,
    "costUsd" DOUBLE PRECISION NOT NULL,
    "durationMs" INTEGER,
    "createdAt" TIMESTAMP(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,

    CONSTRAINT "ModelStep_pkey" PRIMARY KEY ("id")
);

-- CreateTable
CREATE TABLE "SkillVersion" (
    "id" TEXT NOT NULL,
    "name" TEXT NOT NULL,
    "version" INTEGER NOT NULL,
    "content" TEXT NOT NULL,
    "sha256" TEXT NOT NULL,
    "origin" TEXT NOT NULL,
    "message" TEXT,
    "createdAt" TIMESTAMP(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,

    CONSTRAINT "SkillVersion_pkey" PRIMARY KEY ("id")
);

-- CreateTable
CREATE TABLE "SkillLoad" (
    "id" TEXT NOT NULL,
    "skill" TEXT NOT NULL,
    "sessionId" TEXT,
    "turnId" TEXT,
    "kind" TEXT NOT NULL,
    "trigger" TEXT,
    "createdAt" TIMESTAMP(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,

    CONSTRAINT "SkillLoad_pkey" PRIMARY KEY ("id")
);

-- CreateTable
CREATE TABLE "Friction" (
    "id" TEXT NOT NULL,
    "sessionId" TEXT NOT NULL,
    "turnId" TEXT,
    "kind" TEXT NOT NULL,
    "detail" TEXT NOT NULL,
    "evidence" JSONB,
    "outcome" TEXT NOT NULL DEFAULT 'pending',
    "toolName" TEXT,
    "createdAt" TIMESTAMP(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,

    CONSTRAINT "Friction_pkey" PRIMARY KEY ("id")
);

-- CreateTable
CREATE TABLE "Reflection" (
    "id" TEXT NOT NULL,
    "sessionId" TEXT NOT NULL,
    "status" TEXT NOT NULL DEFAULT 'pending',
    "trigger" TEXT NOT NULL,
    "summary" TEXT,
    "wentWell" TEXT,
    "slow" TEXT,
    "nextTime" TEXT,
    "error" TEXT,
    "model" TEXT,
    "createdAt" TIMESTAMP(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,
    "updatedAt" TIMESTAMP(3) NOT NULL,

    CONSTRAINT "Reflection_pkey" PRIMARY KEY ("id")
);

-- CreateTable
CREATE TABLE "Opportunity" (
    "id" TEXT NOT NULL,
    "title" TEXT NOT NULL,
    "what" TEXT NOT NULL DEFAULT '',
    "why" TEXT NOT NULL DEFAULT '',
    "successCriteria" TEXT NOT NULL DEFAULT '',
    "impact" TEXT NOT NULL DEFAULT 'M',
    "effort" TEXT NOT NULL DEFAULT 'M',
    "status" TEXT NOT NULL DEFAULT 'todo',
    "dropReason" TEXT,
    "position" DOUBLE PRECISION NOT NULL DEFAULT 0,
    "evidence" JSONB,
    "runId" TEXT,
    "passesCarried" INTEGER NOT NULL DEFAULT 0,
    "createdAt" TIMESTAMP(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,
    "updatedAt" TIMESTAMP(3) NOT NULL,

    CONSTRAINT "Opportunity_pkey" PRIMARY KEY ("id")
);

-- CreateTable
CREATE TABLE "Hypothesis" (
    "id" TEXT NOT NULL,
    "claim" TEXT NOT NULL,
    "subjectType" TEXT NOT NULL,
    "subjectRef" TEXT NOT NULL,
    "metric" TEXT NOT NULL,
    "comparator" TEXT NOT NULL DEFAULT 'gte',
    "baseline" DOUBLE PRECISION,
    "target" DOUBLE PRECISION NOT NULL,
    "evaluateAfter" INTEGER NOT NULL DEFAULT 5,
    "startedAt" TIMESTAMP(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,
    "observed" DOUBLE PRECISION,
    "verdict" TEXT NOT NULL DEFAULT 'pending',
    "evaluatedAt" TIMESTAMP(3),
    "opportunityId" TEXT,

    CONSTRAINT "Hypothesis_pkey" PRIMARY KEY ("id")
);

-- CreateTable
CREATE TABLE "MaintenanceRun" (
    "id" TEXT NOT NULL,
    "sessionId" TEXT,
    "status" TEXT NOT NULL DEFAULT 'running',
    "analysis" JSONB NOT NULL,
    "results" JSONB,
    "smallItemsActed" INTEGER NOT NULL DEFAULT 0,
    "startedAt" TIMESTAMP(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,
    "finishedAt" TIMESTAMP(3),

    CONSTRAINT "MaintenanceRun_pkey" PRIMARY KEY ("id")
);

-- CreateTable
CREATE TABLE "WorkingMemory" (
    "id" TEXT NOT NULL,
    "version" INTEGER NOT NULL,
    "content" TEXT NOT NULL,
    "source" TEXT NOT NULL,
    "runId" TEXT,
    "createdAt" TIMESTAMP(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,

    CONSTRAINT "WorkingMemory_pkey" PRIMARY KEY ("id")
);

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

-- AddForeignKey
ALTER TABLE "ModelStep" ADD CONSTRAINT "ModelStep_sessionId_fkey" FOREIGN KEY ("sessionId") REFERENCES "Session"("id") ON DELETE CASCADE ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "SkillLoad" ADD CONSTRAINT "SkillLoad_sessionId_fkey" FOREIGN KEY ("sessionId") REFERENCES "Session"("id") ON DELETE SET NULL ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "Friction" ADD CONSTRAINT "Friction_sessionId_fkey" FOREIGN KEY ("sessionId") REFERENCES "Session"("id") ON DELETE CASCADE ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "Reflection" ADD CONSTRAINT "Reflection_sessionId_fkey" FOREIGN KEY ("sessionId") REFERENCES "Session"("id") ON DELETE CASCADE ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "Opportunity" ADD CONSTRAINT "Opportunity_runId_fkey" FOREIGN KEY ("runId") REFERENCES "MaintenanceRun"("id") ON DELETE SET NULL ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "WorkingMemory" ADD CONSTRAINT "WorkingMemory_runId_fkey" FOREIGN KEY ("runId") REFERENCES "MaintenanceRun"("id") ON DELETE SET NULL ON UPDATE CASCADE;

