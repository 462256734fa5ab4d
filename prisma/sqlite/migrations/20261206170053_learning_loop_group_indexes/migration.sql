-- CreateIndex
CREATE INDEX "SkillLoad_skill_kind_createdAt_idx" ON "SkillLoad"("skill", "kind", "createdAt");

-- CreateIndex
CREATE INDEX "Friction_outcome_kind_createdAt_idx" ON "Friction"("outcome", "kind", "createdAt");

