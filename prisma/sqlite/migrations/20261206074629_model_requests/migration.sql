-- CreateTable
CREATE TABLE "ModelRequest" (
    "id" TEXT NOT NULL PRIMARY KEY,
    "sessionId" TEXT NOT NULL,
    "turnId" TEXT,
    "step" INTEGER NOT NULL,
    "skeleton" JSONB NOT NULL,
    "bytes" INTEGER NOT NULL,
    "createdAt" DATETIME NOT NULL DEFAULT CURRENT_TIMESTAMP,
    CONSTRAINT "ModelRequest_sessionId_fkey" FOREIGN KEY ("sessionId") REFERENCES "Session" ("id") ON DELETE CASCADE ON UPDATE CASCADE
);

-- CreateTable
CREATE TABLE "RequestBlob" (
    "hash" TEXT NOT NULL PRIMARY KEY,
    "text" TEXT NOT NULL,
    "usedAt" DATETIME NOT NULL DEFAULT CURRENT_TIMESTAMP
);

-- CreateIndex
CREATE INDEX "ModelRequest_sessionId_createdAt_idx" ON "ModelRequest"("sessionId", "createdAt");

-- CreateIndex
CREATE INDEX "ModelRequest_createdAt_idx" ON "ModelRequest"("createdAt");

-- CreateIndex
CREATE INDEX "RequestBlob_usedAt_idx" ON "RequestBlob"("usedAt");

