-- DropIndex
DROP INDEX "ToolCall_sessionId_tool_idx";

-- DropIndex
DROP INDEX "ModelStep_sessionId_idx";

-- DropIndex
DROP INDEX "SkillLoad_sessionId_idx";

-- DropIndex
DROP INDEX "Friction_sessionId_idx";

-- CreateIndex
CREATE INDEX "ToolCall_sessionId_createdAt_tool_idx" ON "ToolCall"("sessionId", "createdAt", "tool");

-- CreateIndex
CREATE INDEX "LearningEvent_sessionId_createdAt_idx" ON "LearningEvent"("sessionId", "createdAt");

-- CreateIndex
CREATE INDEX "ModelStep_sessionId_createdAt_idx" ON "ModelStep"("sessionId", "createdAt");

-- CreateIndex
CREATE INDEX "SkillLoad_sessionId_createdAt_idx" ON "SkillLoad"("sessionId", "createdAt");

-- CreateIndex
CREATE INDEX "Friction_sessionId_createdAt_idx" ON "Friction"("sessionId", "createdAt");

