// What an ADMIN sees of their account's background jobs, and the retry of one that gave up.
import type { JobStatus, PrismaClient } from "@handoff/db";
import { AppError } from "../../domain/app-error.ts";
import type { TJobSummary } from "../../schemas/outputs.ts";
import type { TAuthedViewer } from "../auth/auth-service.ts";
import type { JobWorker } from "./job-worker.ts";

type TViewerRef = Pick<TAuthedViewer, "accountId">;

export async function listJobs(
  prisma: PrismaClient,
  viewer: TViewerRef,
  filter: { status?: TJobSummary["status"] | undefined; limit: number },
): Promise<TJobSummary[]> {
  const jobs = await prisma.job.findMany({
    where: {
      accountId: viewer.accountId,
      ...(filter.status && { status: filter.status.toUpperCase() as JobStatus }),
    },
    orderBy: { updatedAt: "desc" },
    take: filter.limit,
  });
  return jobs.map((job) => ({
    id: job.id,
    kind: job.kind,
    status: job.status.toLowerCase() as TJobSummary["status"],
    attempts: job.attempts,
    lastError: job.lastError,
    runAt: job.runAt.toISOString(),
    createdAt: job.createdAt.toISOString(),
    updatedAt: job.updatedAt.toISOString(),
  }));
}

/** Puts a DEAD job back in the queue with fresh attempts; its handler is idempotent, so this is safe. */
export async function retryJob(
  deps: { prisma: PrismaClient; jobs: Pick<JobWorker, "kick"> },
  viewer: TViewerRef,
  jobId: string,
): Promise<void> {
  const { count } = await deps.prisma.job.updateMany({
    where: { id: jobId, accountId: viewer.accountId, status: "DEAD" },
    data: { status: "PENDING", attempts: 0, runAt: new Date(), finishedAt: null },
  });
  if (count === 0) {
    const job = await deps.prisma.job.findUnique({ where: { id: jobId }, select: { accountId: true } });
    if (!job || job.accountId !== viewer.accountId) throw new AppError("NOT_FOUND", "No job with that id.");
    throw new AppError("CONFLICT", "Only a job that gave up can be retried; this one is still in hand.");
  }
  deps.jobs.kick();
}
