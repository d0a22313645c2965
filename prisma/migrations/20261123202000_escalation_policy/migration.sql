-- Escalation policy per account (response targets, re-pages, idle claims, lifetime), and the
-- per-handoff version and clock start its durable timer jobs are checked against.

-- AlterTable
ALTER TABLE "Handoff" ADD COLUMN     "policyClockAt" TIMESTAMP(3),
ADD COLUMN     "policyVersion" INTEGER NOT NULL DEFAULT 0;

-- CreateTable
CREATE TABLE "EscalationPolicy" (
    "accountId" TEXT NOT NULL,
    "urgentMinutes" INTEGER NOT NULL,
    "highMinutes" INTEGER NOT NULL,
    "normalMinutes" INTEGER NOT NULL,
    "lowMinutes" INTEGER NOT NULL,
    "repeatEveryMinutes" INTEGER NOT NULL,
    "repeatMax" INTEGER NOT NULL,
    "idleClaimAfterMinutes" INTEGER NOT NULL,
    "maxLifetimeMinutes" INTEGER NOT NULL,
    "updatedAt" TIMESTAMP(3) NOT NULL,

    CONSTRAINT "EscalationPolicy_pkey" PRIMARY KEY ("accountId")
);

-- AddForeignKey
ALTER TABLE "EscalationPolicy" ADD CONSTRAINT "EscalationPolicy_accountId_fkey" FOREIGN KEY ("accountId") REFERENCES "Account"("id") ON DELETE CASCADE ON UPDATE CASCADE;
