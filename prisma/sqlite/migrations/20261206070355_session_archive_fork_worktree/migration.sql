-- AlterTable
ALTER TABLE "Session" ADD COLUMN "archivedAt" DATETIME;
ALTER TABLE "Session" ADD COLUMN "branch" TEXT;
ALTER TABLE "Session" ADD COLUMN "forkedFrom" TEXT;
ALTER TABLE "Session" ADD COLUMN "worktreeOf" TEXT;

-- AlterTable
ALTER TABLE "Message" ADD COLUMN "supersededAt" DATETIME;

-- CreateIndex
CREATE INDEX "Session_archivedAt_updatedAt_idx" ON "Session"("archivedAt", "updatedAt");

