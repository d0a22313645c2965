// Runs durable jobs: claims due ones with FOR UPDATE SKIP LOCKED (so across replicas each is
// claimed by one worker at a time), runs their handler under a lease, and records the outcome:
// done, back to PENDING after a backoff (honouring Retry-After), or DEAD for an ADMIN to retry.
// A worker that dies mid-job leaves it RUNNING; once its lease runs out another claims it, so
// every handler must be idempotent (at-least-once).
import { hostname } from "node:os";
import type { PrismaClient } from "@handoff/db";
import type { TApiMetrics } from "../../domain/api-metrics.ts";
import type { Clock } from "../../domain/clock.ts";
import type { Logger } from "../../domain/logger.ts";
import { retryDelayMs, type TBackoff } from "./retry-delay.ts";

export type TJobResult =
  | { ok: true }
  | { ok: false; error: string; isRetryable: boolean; retryAfterMs?: number | null };

export type TJobRun = {
  id: string;
  accountId: string;
  attempt: number;
  isLastAttempt: boolean;
  /** Aborted when the lease runs out: the job may already be running elsewhere. */
  signal: AbortSignal;
};

export type TJobHandler = {
  maxAttempts: number;
  run(payload: unknown, job: TJobRun): Promise<TJobResult>;
};

export type TJobHandlers = Record<string, TJobHandler>;

export type JobWorker = {
  /** Starts polling for due jobs. */
  start(): void;
  /** New work was committed: look now instead of at the next poll. */
  kick(): void;
  /**
   * Resolves once no job is due or running, including ones waiting out a backoff (tests with
   * short backoffs; a long Retry-After keeps it waiting that long). Timers not yet due are left.
   */
  drain(): Promise<void>;
  /** Stops claiming and waits for the jobs it is running. */
  stop(): Promise<void>;
};

export type TJobWorkerOptions = {
  prisma: PrismaClient;
  handlers: TJobHandlers;
  logger: Logger;
  pollIntervalMs: number;
  /** How long a claim holds; longer than any handler's own timeout. */
  leaseMs: number;
  concurrency?: number;
  backoff?: TBackoff;
  /**
   * The time jobs are due against. Omitted: the database's clock, one clock for every replica.
   * Tests pass a manual clock to make timers (run-after times) due without waiting.
   */
  clock?: Clock;
  /**
   * Where a kick waits before it looks for work: the server lets the live stream's fan-out of the
   * change that kicked go first. Omitted: it looks at once.
   */
  deferKick?: (look: () => void) => void;
  /** Counts failed runs for /metrics. */
  metrics?: Pick<TApiMetrics, "jobFailed">;
};

type TClaimedJob = { id: string; accountId: string; kind: string; payload: unknown; attempts: number };

/** $1 is the clock's time, or null for the database's own. */
const NOW_UTC = "COALESCE($1::timestamp, now() AT TIME ZONE 'UTC')";

export function createJobWorker(options: TJobWorkerOptions): JobWorker {
  const { prisma, handlers, logger } = options;
  const concurrency = options.concurrency ?? 4;
  const backoff = options.backoff ?? { baseDelayMs: 2_000, maxDelayMs: 10 * 60_000 };
  const workerId = `${hostname()}:${process.pid}:${Math.random().toString(36).slice(2, 8)}`;
  const clockNow = () => options.clock?.now() ?? null;
  const now = () => options.clock?.now() ?? new Date();
  const running = new Set<Promise<void>>();
  let isStarted = false;
  let timer: NodeJS.Timeout | null = null;
  let polling: Promise<void> | null = null;
  let isKickedWhilePolling = false;
  /**
   * The last look took every due job (fewer than it had room for): a job that ends then leaves
   * nothing behind to claim. New jobs come with a kick, other replicas' with the next poll.
   */
  let isEveryDueJobTaken = false;

  async function claim(limit: number): Promise<TClaimedJob[]> {
    return prisma.$queryRawUnsafe<TClaimedJob[]>(
      `UPDATE "Job" SET "status" = 'RUNNING', "attempts" = "attempts" + 1, "lockedBy" = $4,
         "lockedUntil" = ${NOW_UTC} + ($2::int * interval '1 millisecond'), "updatedAt" = ${NOW_UTC}
       WHERE "id" IN (
         SELECT "id" FROM "Job"
         WHERE ("status" = 'PENDING' AND "runAt" <= ${NOW_UTC})
            OR ("status" = 'RUNNING' AND "lockedUntil" < ${NOW_UTC})
         ORDER BY "runAt" LIMIT $3::int FOR UPDATE SKIP LOCKED)
       RETURNING "id", "accountId", "kind", "payload", "attempts"`,
      clockNow(),
      options.leaseMs,
      limit,
      workerId,
    );
  }

  async function runJob(job: TClaimedJob): Promise<void> {
    const handler = handlers[job.kind];
    const result = handler
      ? await runHandler(handler, job)
      : { ok: false as const, error: `No handler for job kind "${job.kind}".`, isRetryable: false };
    const maxAttempts = handler?.maxAttempts ?? 1;
    // Only the claim we hold is settled: if our lease ran out and another worker took the job,
    // its outcome wins.
    const held = { id: job.id, lockedBy: workerId, attempts: job.attempts, status: "RUNNING" as const };
    const released = { lockedBy: null, lockedUntil: null };
    if (result.ok) {
      await prisma.job.updateMany({
        where: held,
        data: { ...released, status: "DONE", lastError: null, finishedAt: now() },
      });
      return;
    }
    const isGivingUp = !result.isRetryable || job.attempts >= maxAttempts;
    options.metrics?.jobFailed(job.kind, isGivingUp);
    if (isGivingUp) {
      logger.warn({ jobId: job.id, kind: job.kind, error: result.error }, "job gave up");
    }
    await prisma.job.updateMany({
      where: held,
      data: isGivingUp
        ? { ...released, status: "DEAD", lastError: result.error, finishedAt: now() }
        : {
            ...released,
            status: "PENDING",
            lastError: result.error,
            runAt: new Date(
              now().getTime() + retryDelayMs(backoff, job.attempts, result.retryAfterMs ?? null),
            ),
          },
    });
  }

  async function runHandler(handler: TJobHandler, job: TClaimedJob): Promise<TJobResult> {
    const lease = AbortSignal.timeout(options.leaseMs);
    const run: TJobRun = {
      id: job.id,
      accountId: job.accountId,
      attempt: job.attempts,
      isLastAttempt: job.attempts >= handler.maxAttempts,
      signal: lease,
    };
    try {
      return await Promise.race([handler.run(job.payload, run), leaseExpiry(lease)]);
    } catch (error) {
      logger.error({ err: error, jobId: job.id, kind: job.kind }, "job failed unexpectedly");
      return { ok: false, error: error instanceof Error ? error.message : String(error), isRetryable: true };
    }
  }

  function leaseExpiry(lease: AbortSignal): Promise<TJobResult> {
    return new Promise((resolve) =>
      lease.addEventListener("abort", () =>
        resolve({
          ok: false,
          error: `Gave up after ${options.leaseMs} ms (lease ran out).`,
          isRetryable: true,
        }),
      ),
    );
  }

  async function poll(): Promise<void> {
    do {
      isKickedWhilePolling = false;
      isEveryDueJobTaken = false;
      while (isStarted && running.size < concurrency) {
        const room = concurrency - running.size;
        const jobs = await claim(room);
        for (const job of jobs) track(runJob(job));
        if (jobs.length < room) {
          isEveryDueJobTaken = true;
          break;
        }
      }
    } while (isKickedWhilePolling && isStarted);
  }

  function track(work: Promise<void>) {
    const tracked = work
      .catch((error: unknown) => logger.error({ err: error }, "could not record a job's outcome"))
      .finally(() => {
        running.delete(tracked);
        if (!isEveryDueJobTaken) pollNow();
      });
    running.add(tracked);
  }

  function pollNow() {
    if (!isStarted) return;
    if (polling) {
      isKickedWhilePolling = true;
      return;
    }
    if (timer) clearTimeout(timer);
    timer = null;
    polling = poll()
      .catch((error: unknown) => logger.warn({ err: error }, "job poll failed"))
      .finally(() => {
        polling = null;
        scheduleNextPoll();
      });
  }

  function scheduleNextPoll() {
    if (!isStarted || timer) return;
    timer = setTimeout(() => {
      timer = null;
      pollNow();
    }, options.pollIntervalMs);
    timer.unref();
  }

  /**
   * Work that is running, due, or retrying after a failure. A timer that has not come due yet
   * (a PENDING job never tried, with a later run-after time) is not unfinished work.
   */
  async function hasUnfinishedJobs(): Promise<boolean> {
    const [row] = await prisma.$queryRawUnsafe<{ count: number }[]>(
      `SELECT count(*)::int AS "count" FROM "Job"
       WHERE "status" = 'RUNNING'
          OR ("status" = 'PENDING' AND ("attempts" > 0 OR "runAt" <= ${NOW_UTC}))`,
      clockNow(),
    );
    return (row?.count ?? 0) > 0;
  }

  return {
    start() {
      if (isStarted) return;
      isStarted = true;
      pollNow();
    },
    kick: () => (options.deferKick ? options.deferKick(pollNow) : pollNow()),
    async drain() {
      for (;;) {
        pollNow();
        if (polling) await polling;
        if (running.size > 0) {
          await Promise.allSettled([...running]);
          continue;
        }
        if (!(await hasUnfinishedJobs())) return;
        // Jobs waiting out a backoff, or held by another worker: look again shortly.
        await new Promise((resolve) => setTimeout(resolve, 25));
      }
    },
    async stop() {
      isStarted = false;
      if (timer) clearTimeout(timer);
      timer = null;
      if (polling) await polling;
      await Promise.allSettled([...running]);
    },
  };
}
