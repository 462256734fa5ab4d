-- CreateIndex
CREATE INDEX "LearningEvent_source_createdAt_idx" ON "LearningEvent"("source", "createdAt");

-- CreateIndex
CREATE INDEX "LearningEvent_usedCount_idx" ON "LearningEvent"("usedCount");

-- CreateIndex
CREATE INDEX "SkillLoad_skill_kind_createdAt_idx" ON "SkillLoad"("skill", "kind", "createdAt");

-- CreateIndex
CREATE INDEX "Friction_outcome_kind_createdAt_idx" ON "Friction"("outcome", "kind", "createdAt");

-- CreateIndex
CREATE INDEX "Message_sessionId_role_id_idx" ON "Message"("sessionId", "role", "id");
