-- AlterTable
ALTER TABLE "ToolCall" ADD COLUMN     "errorMessage" TEXT,
ALTER COLUMN "outputBytes" DROP NOT NULL,
ALTER COLUMN "outputBytes" DROP DEFAULT;


-- An agent tool's calls counted only what its host process printed, not the result it returned:
-- their 0 bytes were never known, and read as unknown from now on
UPDATE "ToolCall" SET "outputBytes" = NULL WHERE "toolVersion" <> 'builtin' AND "outputBytes" = 0;
