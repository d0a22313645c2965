-- PSA connections per account (credentials sealed under SECRETS_KEY) and the internal notes
-- Handoff adds to PSA tickets on escalate, claim and resolve, one row per note.

-- CreateEnum
CREATE TYPE "PsaProvider" AS ENUM ('CONNECTWISE', 'HALOPSA');

-- CreateEnum
CREATE TYPE "PsaNoteKind" AS ENUM ('ESCALATED', 'CLAIMED', 'RESOLVED');

-- CreateEnum
CREATE TYPE "PsaNoteStatus" AS ENUM ('PENDING', 'SENT', 'FAILED');

-- CreateTable
CREATE TABLE "PsaConnection" (
    "id" TEXT NOT NULL,
    "accountId" TEXT NOT NULL,
    "provider" "PsaProvider" NOT NULL,
    "settings" JSONB NOT NULL,
    "sealedSecret" TEXT NOT NULL,
    "lastTestAt" TIMESTAMP(3),
    "lastTestOk" BOOLEAN,
    "lastTestMessage" TEXT,
    "createdAt" TIMESTAMP(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,
    "updatedAt" TIMESTAMP(3) NOT NULL,

    CONSTRAINT "PsaConnection_pkey" PRIMARY KEY ("id")
);

-- CreateTable
CREATE TABLE "PsaNote" (
    "id" TEXT NOT NULL,
    "accountId" TEXT NOT NULL,
    "sessionId" TEXT NOT NULL,
    "handoffId" TEXT,
    "kind" "PsaNoteKind" NOT NULL,
    "dedupeKey" TEXT NOT NULL,
    "provider" "PsaProvider" NOT NULL,
    "ticketId" TEXT NOT NULL,
    "details" JSONB NOT NULL,
    "status" "PsaNoteStatus" NOT NULL DEFAULT 'PENDING',
    "attempts" INTEGER NOT NULL DEFAULT 0,
    "providerNoteId" TEXT,
    "lastError" TEXT,
    "sentAt" TIMESTAMP(3),
    "createdAt" TIMESTAMP(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,
    "updatedAt" TIMESTAMP(3) NOT NULL,

    CONSTRAINT "PsaNote_pkey" PRIMARY KEY ("id")
);

-- CreateIndex
CREATE UNIQUE INDEX "PsaConnection_accountId_key" ON "PsaConnection"("accountId");

-- CreateIndex
CREATE UNIQUE INDEX "PsaNote_dedupeKey_key" ON "PsaNote"("dedupeKey");

-- CreateIndex
CREATE INDEX "PsaNote_accountId_createdAt_idx" ON "PsaNote"("accountId", "createdAt");

-- CreateIndex
CREATE INDEX "PsaNote_sessionId_idx" ON "PsaNote"("sessionId");

-- CreateIndex
CREATE INDEX "PsaNote_handoffId_idx" ON "PsaNote"("handoffId");

-- AddForeignKey
ALTER TABLE "PsaConnection" ADD CONSTRAINT "PsaConnection_accountId_fkey" FOREIGN KEY ("accountId") REFERENCES "Account"("id") ON DELETE CASCADE ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "PsaNote" ADD CONSTRAINT "PsaNote_accountId_fkey" FOREIGN KEY ("accountId") REFERENCES "Account"("id") ON DELETE CASCADE ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "PsaNote" ADD CONSTRAINT "PsaNote_sessionId_fkey" FOREIGN KEY ("sessionId") REFERENCES "Session"("id") ON DELETE CASCADE ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "PsaNote" ADD CONSTRAINT "PsaNote_handoffId_fkey" FOREIGN KEY ("handoffId") REFERENCES "Handoff"("id") ON DELETE SET NULL ON UPDATE CASCADE;
