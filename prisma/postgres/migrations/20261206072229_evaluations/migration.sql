-- CreateTable
CREATE TABLE "ReplayCaseChoice" (
    "turnId" TEXT NOT NULL,
    "workspace" TEXT NOT NULL,
    "included" BOOLEAN NOT NULL,
    "by" TEXT NOT NULL,
    "updatedAt" TIMESTAMP(3) NOT NULL,

    CONSTRAINT "ReplayCaseChoice_pkey" PRIMARY KEY ("turnId")
);

-- CreateTable
CREATE TABLE "Evaluation" (
    "id" TEXT NOT NULL,
    "workspace" TEXT NOT NULL,
    "subjectKind" TEXT NOT NULL,
    "subjectRef" TEXT NOT NULL,
    "inputs" JSONB NOT NULL,
    "status" TEXT NOT NULL DEFAULT 'queued',
    "estimateUsd" DOUBLE PRECISION NOT NULL,
    "budgetUsd" DOUBLE PRECISION NOT NULL,
    "spentUsd" DOUBLE PRECISION NOT NULL DEFAULT 0,
    "done" INTEGER NOT NULL DEFAULT 0,
    "total" INTEGER NOT NULL,
    "summary" JSONB,
    "error" TEXT,
    "createdBy" TEXT NOT NULL,
    "createdAt" TIMESTAMP(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,
    "finishedAt" TIMESTAMP(3),

    CONSTRAINT "Evaluation_pkey" PRIMARY KEY ("id")
);

-- CreateTable
CREATE TABLE "EvaluationRun" (
    "id" TEXT NOT NULL,
    "evaluationId" TEXT NOT NULL,
    "caseTurnId" TEXT NOT NULL,
    "arm" TEXT NOT NULL,
    "repeat" INTEGER NOT NULL,
    "sessionId" TEXT,
    "passed" BOOLEAN,
    "verification" JSONB NOT NULL,
    "steps" INTEGER NOT NULL,
    "tokens" INTEGER NOT NULL,
    "costUsd" DOUBLE PRECISION NOT NULL,
    "wallMs" INTEGER NOT NULL,
    "failedCalls" INTEGER NOT NULL,
    "frictions" INTEGER NOT NULL,
    "createdAt" TIMESTAMP(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,

    CONSTRAINT "EvaluationRun_pkey" PRIMARY KEY ("id")
);

-- CreateIndex
CREATE INDEX "ReplayCaseChoice_workspace_idx" ON "ReplayCaseChoice"("workspace");

-- CreateIndex
CREATE INDEX "Evaluation_subjectKind_subjectRef_createdAt_idx" ON "Evaluation"("subjectKind", "subjectRef", "createdAt");

-- CreateIndex
CREATE INDEX "Evaluation_status_idx" ON "Evaluation"("status");

-- CreateIndex
CREATE UNIQUE INDEX "EvaluationRun_evaluationId_caseTurnId_arm_repeat_key" ON "EvaluationRun"("evaluationId", "caseTurnId", "arm", "repeat");

-- AddForeignKey
ALTER TABLE "EvaluationRun" ADD CONSTRAINT "EvaluationRun_evaluationId_fkey" FOREIGN KEY ("evaluationId") REFERENCES "Evaluation"("id") ON DELETE CASCADE ON UPDATE CASCADE;

