-- AlterTable
ALTER TABLE "Session" ADD COLUMN     "tierOverride" TEXT NOT NULL DEFAULT 'auto';

-- AlterTable
ALTER TABLE "ModelStep" ADD COLUMN     "tier" TEXT;

