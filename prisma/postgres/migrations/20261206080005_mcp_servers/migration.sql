-- CreateTable
CREATE TABLE "McpServer" (
    "name" TEXT NOT NULL,
    "transport" TEXT NOT NULL,
    "config" JSONB NOT NULL,
    "secrets" JSONB,
    "enabled" BOOLEAN NOT NULL DEFAULT true,
    "seenTools" JSONB,
    "seenSha256" TEXT,
    "approvedTools" JSONB,
    "approvedSha256" TEXT,
    "approvedBy" TEXT,
    "approvedAt" TIMESTAMP(3),
    "error" TEXT,
    "createdAt" TIMESTAMP(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,
    "updatedAt" TIMESTAMP(3) NOT NULL,

    CONSTRAINT "McpServer_pkey" PRIMARY KEY ("name")
);

