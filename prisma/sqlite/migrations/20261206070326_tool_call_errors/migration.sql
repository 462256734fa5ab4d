-- RedefineTables
PRAGMA defer_foreign_keys=ON;
PRAGMA foreign_keys=OFF;
CREATE TABLE "new_ToolCall" (
    "id" TEXT NOT NULL PRIMARY KEY,
    "sessionId" TEXT NOT NULL,
    "turnId" TEXT,
    "callId" TEXT NOT NULL,
    "tool" TEXT NOT NULL,
    "toolVersion" TEXT NOT NULL DEFAULT 'builtin',
    "inputSummary" TEXT NOT NULL,
    "ok" BOOLEAN NOT NULL,
    "exitCode" INTEGER,
    "errorClass" TEXT,
    "errorMessage" TEXT,
    "durationMs" INTEGER NOT NULL,
    "outputBytes" INTEGER,
    "commandKey" TEXT,
    "createdAt" DATETIME NOT NULL DEFAULT CURRENT_TIMESTAMP,
    CONSTRAINT "ToolCall_sessionId_fkey" FOREIGN KEY ("sessionId") REFERENCES "Session" ("id") ON DELETE CASCADE ON UPDATE CASCADE
);
INSERT INTO "new_ToolCall" ("callId", "commandKey", "createdAt", "durationMs", "errorClass", "exitCode", "id", "inputSummary", "ok", "outputBytes", "sessionId", "tool", "toolVersion", "turnId") SELECT "callId", "commandKey", "createdAt", "durationMs", "errorClass", "exitCode", "id", "inputSummary", "ok", "outputBytes", "sessionId", "tool", "toolVersion", "turnId" FROM "ToolCall";
DROP TABLE "ToolCall";
ALTER TABLE "new_ToolCall" RENAME TO "ToolCall";
CREATE INDEX "ToolCall_tool_createdAt_errorClass_idx" ON "ToolCall"("tool", "createdAt", "errorClass");
CREATE INDEX "ToolCall_sessionId_createdAt_tool_idx" ON "ToolCall"("sessionId", "createdAt", "tool");
CREATE INDEX "ToolCall_rollup_idx" ON "ToolCall"("createdAt", "tool", "toolVersion", "ok", "errorClass", "durationMs", "commandKey");
PRAGMA foreign_keys=ON;
PRAGMA defer_foreign_keys=OFF;


-- An agent tool's calls counted only what its host process printed, not the result it returned:
-- their 0 bytes were never known, and read as unknown from now on
UPDATE "ToolCall" SET "outputBytes" = NULL WHERE "toolVersion" <> 'builtin' AND "outputBytes" = 0;
