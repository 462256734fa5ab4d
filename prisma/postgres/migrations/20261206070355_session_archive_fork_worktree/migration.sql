-- AlterTable
ALTER TABLE "Session" ADD COLUMN     "archivedAt" TIMESTAMP(3),
ADD COLUMN     "branch" TEXT,
ADD COLUMN     "forkedFrom" TEXT,
ADD COLUMN     "worktreeOf" TEXT;

-- AlterTable
ALTER TABLE "Message" ADD COLUMN     "supersededAt" TIMESTAMP(3);

-- CreateIndex
CREATE INDEX "Session_archivedAt_updatedAt_idx" ON "Session"("archivedAt", "updatedAt");

