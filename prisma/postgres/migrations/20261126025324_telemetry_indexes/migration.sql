-- DropIndex
DROP INDEX "ToolCall_tool_createdAt_idx";

-- DropIndex
DROP INDEX "ToolCall_sessionId_idx";

-- DropIndex
DROP INDEX "ToolCall_createdAt_idx";

-- DropIndex
DROP INDEX "SkillLoad_createdAt_idx";

-- AlterTable
ALTER TABLE "ToolCall" ADD COLUMN     "commandKey" TEXT;

-- CreateIndex
CREATE INDEX "Session_kind_createdAt_idx" ON "Session"("kind", "createdAt");

-- CreateIndex
CREATE INDEX "Turn_status_startedAt_idx" ON "Turn"("status", "startedAt");

-- CreateIndex
CREATE INDEX "ToolCall_tool_createdAt_errorClass_idx" ON "ToolCall"("tool", "createdAt", "errorClass");

-- CreateIndex
CREATE INDEX "ToolCall_sessionId_tool_idx" ON "ToolCall"("sessionId", "tool");

-- CreateIndex
CREATE INDEX "ToolCall_rollup_idx" ON "ToolCall"("createdAt", "tool", "toolVersion", "ok", "errorClass", "durationMs", "commandKey");

-- CreateIndex
CREATE INDEX "ModelStep_turnId_createdAt_idx" ON "ModelStep"("turnId", "createdAt");

-- CreateIndex
CREATE INDEX "SkillLoad_createdAt_skill_kind_idx" ON "SkillLoad"("createdAt", "skill", "kind");

