-- AlterTable
ALTER TABLE "ModelStep" ADD COLUMN "tier" TEXT;

-- AlterTable (SQLite adds a NOT NULL column with a constant default in place: no table rewrite)
ALTER TABLE "Session" ADD COLUMN "tierOverride" TEXT NOT NULL DEFAULT 'auto';
