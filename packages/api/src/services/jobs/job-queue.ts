// Enqueueing durable jobs: always inside the caller's transaction, so a job exists exactly when
// the change that caused it committed. Never runs anything itself; the worker does.
import type { Prisma } from "@handoff/db";

export type TJobRequest = {
  accountId: string;
  kind: string;
  payload: Prisma.InputJsonValue;
  /** A second request with the same key adds nothing, so enqueueing is idempotent too. */
  dedupeKey: string;
  /** Not run before this time (default: at once). */
  runAt?: Date;
};

export async function enqueueJobs(tx: Prisma.TransactionClient, jobs: TJobRequest[]): Promise<void> {
  if (jobs.length === 0) return;
  await tx.job.createMany({ data: jobs, skipDuplicates: true });
}
