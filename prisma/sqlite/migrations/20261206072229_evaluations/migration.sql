-- CreateTable
CREATE TABLE "ReplayCaseChoice" (
    "turnId" TEXT NOT NULL PRIMARY KEY,
    "workspace" TEXT NOT NULL,
    "included" BOOLEAN NOT NULL,
    "by" TEXT NOT NULL,
    "updatedAt" DATETIME NOT NULL
);

-- CreateTable
CREATE TABLE "Evaluation" (
    "id" TEXT NOT NULL PRIMARY KEY,
    "workspace" TEXT NOT NULL,
    "subjectKind" TEXT NOT NULL,
    "subjectRef" TEXT NOT NULL,
    "inputs" JSONB NOT NULL,
    "status" TEXT NOT NULL DEFAULT 'queued',
    "estimateUsd" REAL NOT NULL,
    "budgetUsd" REAL NOT NULL,
    "spentUsd" REAL NOT NULL DEFAULT 0,
    "done" INTEGER NOT NULL DEFAULT 0,
    "total" INTEGER NOT NULL,
    "summary" JSONB,
    "error" TEXT,
    "createdBy" TEXT NOT NULL,
    "createdAt" DATETIME NOT NULL DEFAULT CURRENT_TIMESTAMP,
    "finishedAt" DATETIME
);

-- CreateTable
CREATE TABLE "EvaluationRun" (
    "id" TEXT NOT NULL PRIMARY KEY,
    "evaluationId" TEXT NOT NULL,
    "caseTurnId" TEXT NOT NULL,
    "arm" TEXT NOT NULL,
    "repeat" INTEGER NOT NULL,
    "sessionId" TEXT,
    "passed" BOOLEAN,
    "verification" JSONB NOT NULL,
    "steps" INTEGER NOT NULL,
    "tokens" INTEGER NOT NULL,
    "costUsd" REAL NOT NULL,
    "wallMs" INTEGER NOT NULL,
    "failedCalls" INTEGER NOT NULL,
    "frictions" INTEGER NOT NULL,
    "createdAt" DATETIME NOT NULL DEFAULT CURRENT_TIMESTAMP,
    CONSTRAINT "EvaluationRun_evaluationId_fkey" FOREIGN KEY ("evaluationId") REFERENCES "Evaluation" ("id") ON DELETE CASCADE ON UPDATE CASCADE
);

-- CreateIndex
CREATE INDEX "ReplayCaseChoice_workspace_idx" ON "ReplayCaseChoice"("workspace");

-- CreateIndex
CREATE INDEX "Evaluation_subjectKind_subjectRef_createdAt_idx" ON "Evaluation"("subjectKind", "subjectRef", "createdAt");

-- CreateIndex
CREATE INDEX "Evaluation_status_idx" ON "Evaluation"("status");

-- CreateIndex
CREATE UNIQUE INDEX "EvaluationRun_evaluationId_caseTurnId_arm_repeat_key" ON "EvaluationRun"("evaluationId", "caseTurnId", "arm", "repeat");

