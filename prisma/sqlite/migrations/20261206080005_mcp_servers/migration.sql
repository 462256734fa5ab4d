-- CreateTable
CREATE TABLE "McpServer" (
    "name" TEXT NOT NULL PRIMARY KEY,
    "transport" TEXT NOT NULL,
    "config" JSONB NOT NULL,
    "secrets" JSONB,
    "enabled" BOOLEAN NOT NULL DEFAULT true,
    "seenTools" JSONB,
    "seenSha256" TEXT,
    "approvedTools" JSONB,
    "approvedSha256" TEXT,
    "approvedBy" TEXT,
    "approvedAt" DATETIME,
    "error" TEXT,
    "createdAt" DATETIME NOT NULL DEFAULT CURRENT_TIMESTAMP,
    "updatedAt" DATETIME NOT NULL
);

