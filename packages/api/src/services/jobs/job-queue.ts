// Enqueueing durable jobs: always inside the caller's transaction, so a job exists exactly when
// the change that caused it committed. Never runs anything itself; the worker does.
import { randomUUID } from "node:crypto";
import { Prisma, utcTimestampSql } from "@handoff/db";

export type TJobRequest = {
  accountId: string;
  kind: string;
  payload: Prisma.InputJsonValue;
  /** A second request with the same key adds nothing, so enqueueing is idempotent too. */
  dedupeKey: string;
  /** Not run before this time (default: at once). */
  runAt?: Date;
};

/**
 * The statement that adds `jobs` (an INSERT, for a statement of its own or a data-modifying WITH
 * of another: see appendEscalationEvents), whatever their number. SQL rather than `createMany`:
 * Prisma compiles every `createMany` anew (its query plan cache leaves them out), which cost an
 * escalation and a claim a millisecond of CPU each; this statement's text never changes.
 */
export function jobInsertSql(jobs: readonly TJobRequest[]): Prisma.Sql {
  const now = utcTimestampSql(new Date());
  const rows = jobs.map((job) => ({ id: randomUUID(), ...job }));
  return Prisma.sql`
    INSERT INTO "Job" ("id", "accountId", "kind", "payload", "dedupeKey", "status", "attempts", "runAt", "createdAt", "updatedAt")
    SELECT "j"."id", "j"."accountId", "j"."kind", "j"."payload", "j"."dedupeKey", 'PENDING', 0,
           COALESCE("j"."runAt" AT TIME ZONE 'UTC', ${now}),
           ${now}, ${now}
    FROM jsonb_to_recordset(${JSON.stringify(rows)}::jsonb)
      AS "j"("id" text, "accountId" text, "kind" text, "payload" jsonb, "dedupeKey" text, "runAt" timestamptz)
    ON CONFLICT DO NOTHING`;
}

export async function enqueueJobs(tx: Prisma.TransactionClient, jobs: TJobRequest[]): Promise<void> {
  if (jobs.length === 0) return;
  await tx.$executeRaw(jobInsertSql(jobs));
}
