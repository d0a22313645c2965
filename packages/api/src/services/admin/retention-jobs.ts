// Retention: a daily "retention.prune" job per account deletes expired logins, finished jobs, and
// escalation events, notifications and webhook messages (with their delivery log) older than their windows, in bounded batches (no statement
// holds locks for long, and a lease that runs out leaves the rest for the retry). What must stay,
// stays: events and notifications of handoffs still open (their queue cards and "paged once"
// records), and notifications and webhook messages not yet delivered. The event log's seq lives on the account row, so
// pruning never rewinds it; a client resuming from a pruned position is told to reload
// (readEscalationEvents' `isPruned`). The same job does autovacuum's work where none runs (the
// embedded database), and refreshes the sessions' planner statistics everywhere (database-upkeep.ts).
import type { PrismaClient } from "@handoff/db";
import type { Clock } from "../../domain/clock.ts";
import type { Logger } from "../../domain/logger.ts";
import { enqueueJobs } from "../jobs/job-queue.ts";
import type { TJobHandlers, TJobResult } from "../jobs/job-worker.ts";
import { keepDatabaseTidy, type TVacuumer } from "./database-upkeep.ts";

const RETENTION_JOB = "retention.prune";
const DAY_MS = 86_400_000;
const BATCH_SIZE = 1_000;

/** How many days each kind of row is kept. */
export type TRetentionWindows = { eventsDays: number; notificationsDays: number; jobsDays: number };

type TRetentionDeps = {
  prisma: PrismaClient;
  clock: Clock;
  logger: Logger;
  windows: TRetentionWindows;
  vacuumer: TVacuumer;
};

/** Whether the handoff (by the id in `column`) is still open: not cancelled, its session not resolved. */
const isOpenHandoff = (column: string) =>
  `EXISTS (SELECT 1 FROM "Handoff" "h" JOIN "Session" "s" ON "s"."id" = "h"."sessionId"
           WHERE "h"."id" = ${column} AND "h"."cancelledAt" IS NULL AND "s"."status" <> 'RESOLVED')`;

/** $1 the account, $2 the cutoff (ISO), $3 the batch size: each deletes one batch. */
const PRUNE_STATEMENTS = {
  logins: `DELETE FROM "AuthSession" WHERE "id" IN (
      SELECT "a"."id" FROM "AuthSession" "a" JOIN "User" "u" ON "u"."id" = "a"."userId"
      WHERE "u"."accountId" = $1 AND "a"."expiresAt" < $2::timestamptz AT TIME ZONE 'UTC' LIMIT $3)`,
  jobs: `DELETE FROM "Job" WHERE "id" IN (
      SELECT "id" FROM "Job" WHERE "accountId" = $1 AND "status" IN ('DONE', 'DEAD')
        AND "updatedAt" < $2::timestamptz AT TIME ZONE 'UTC' LIMIT $3)`,
  notifications: `DELETE FROM "Notification" WHERE "id" IN (
      SELECT "n"."id" FROM "Notification" "n"
      WHERE "n"."accountId" = $1 AND "n"."createdAt" < $2::timestamptz AT TIME ZONE 'UTC'
        AND "n"."status" <> 'PENDING'
        AND ("n"."handoffId" IS NULL OR NOT ${isOpenHandoff(`"n"."handoffId"`)}) LIMIT $3)`,
  events: `DELETE FROM "EscalationEvent" WHERE "id" IN (
      SELECT "e"."id" FROM "EscalationEvent" "e"
      WHERE "e"."accountId" = $1 AND "e"."createdAt" < $2::timestamptz AT TIME ZONE 'UTC'
        AND ("e"."handoffId" IS NULL OR NOT ${isOpenHandoff(`"e"."handoffId"`)}) LIMIT $3)`,
  webhooks: `DELETE FROM "WebhookMessage" WHERE "id" IN (
      SELECT "m"."id" FROM "WebhookMessage" "m"
      WHERE "m"."accountId" = $1 AND "m"."createdAt" < $2::timestamptz AT TIME ZONE 'UTC'
        AND NOT EXISTS (SELECT 1 FROM "WebhookDelivery" "d"
                        WHERE "d"."messageId" = "m"."id" AND "d"."status" = 'PENDING') LIMIT $3)`,
} as const;

type TPruned = Record<keyof typeof PRUNE_STATEMENTS, number>;

export function createRetentionJobHandlers(deps: TRetentionDeps): TJobHandlers {
  return {
    [RETENTION_JOB]: {
      maxAttempts: 5,
      async run(_payload, job): Promise<TJobResult> {
        const now = deps.clock.now();
        const pruned = await pruneAccount(deps, job.accountId, now, job.signal);
        if (!pruned)
          return {
            ok: false,
            error: "Lease ran out mid-way; the rest is pruned on retry.",
            isRetryable: true,
          };
        deps.logger.info({ accountId: job.accountId, pruned }, "retention pruned old rows");
        await keepDatabaseTidy(deps.prisma, deps.vacuumer, now);
        await scheduleRetention(deps.prisma, new Date(now.getTime() + DAY_MS));
        return { ok: true };
      },
    },
  };
}

/** Null when the lease ran out before every batch was done. */
async function pruneAccount(
  deps: TRetentionDeps,
  accountId: string,
  now: Date,
  signal: AbortSignal,
): Promise<TPruned | null> {
  const before = (days: number) => new Date(now.getTime() - days * DAY_MS).toISOString();
  const cutoffs: Record<keyof TPruned, string> = {
    logins: now.toISOString(),
    jobs: before(deps.windows.jobsDays),
    notifications: before(deps.windows.notificationsDays),
    events: before(deps.windows.eventsDays),
    // A webhook's delivery log is the machines' notification log: kept as long.
    webhooks: before(deps.windows.notificationsDays),
  };
  const pruned: TPruned = { logins: 0, jobs: 0, notifications: 0, events: 0, webhooks: 0 };
  for (const kind of Object.keys(PRUNE_STATEMENTS) as (keyof TPruned)[]) {
    for (;;) {
      if (signal.aborted) return null;
      const count = await deps.prisma.$executeRawUnsafe(
        PRUNE_STATEMENTS[kind],
        accountId,
        cutoffs[kind],
        BATCH_SIZE,
      );
      pruned[kind] += count;
      if (count < BATCH_SIZE) break;
    }
  }
  return pruned;
}

/**
 * Plans every account's prune for `runAt`'s day (UTC), once: the server calls it at start, and each
 * prune plans the next day's, so accounts created since are included and replicas add nothing twice.
 */
export async function scheduleRetention(prisma: PrismaClient, runAt: Date): Promise<void> {
  const day = runAt.toISOString().slice(0, 10);
  const accounts = await prisma.account.findMany({ select: { id: true } });
  await enqueueJobs(
    prisma,
    accounts.map((account) => ({
      accountId: account.id,
      kind: RETENTION_JOB,
      payload: {},
      dedupeKey: `${RETENTION_JOB}:${account.id}:${day}`,
      runAt,
    })),
  );
}
