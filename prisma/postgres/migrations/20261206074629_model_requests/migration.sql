-- CreateTable
CREATE TABLE "ModelRequest" (
    "id" TEXT NOT NULL,
    "sessionId" TEXT NOT NULL,
    "turnId" TEXT,
    "step" INTEGER NOT NULL,
    "skeleton" JSONB NOT NULL,
    "bytes" INTEGER NOT NULL,
    "createdAt" TIMESTAMP(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,

    CONSTRAINT "ModelRequest_pkey" PRIMARY KEY ("id")
);

-- CreateTable
CREATE TABLE "RequestBlob" (
    "hash" TEXT NOT NULL,
    "text" TEXT NOT NULL,
    "usedAt" TIMESTAMP(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,

    CONSTRAINT "RequestBlob_pkey" PRIMARY KEY ("hash")
);

-- CreateIndex
CREATE INDEX "ModelRequest_sessionId_createdAt_idx" ON "ModelRequest"("sessionId", "createdAt");

-- CreateIndex
CREATE INDEX "ModelRequest_createdAt_idx" ON "ModelRequest"("createdAt");

-- CreateIndex
CREATE INDEX "RequestBlob_usedAt_idx" ON "RequestBlob"("usedAt");

-- AddForeignKey
ALTER TABLE "ModelRequest" ADD CONSTRAINT "ModelRequest_sessionId_fkey" FOREIGN KEY ("sessionId") REFERENCES "Session"("id") ON DELETE CASCADE ON UPDATE CASCADE;

