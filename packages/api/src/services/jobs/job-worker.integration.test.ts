// The job worker on a real database: transactional enqueue, one run across workers, backoff
// that honours Retry-After, dead letters, and a crashed worker's job taken over after its lease.
import type { Database, Job, PrismaClient } from "@handoff/db";
import { createTestAccount, createTestDatabase, testDatabaseTargets } from "@handoff/db/testing";
import { afterAll, beforeAll, describe, expect, it, vi } from "vitest";
import { enqueueJobs } from "./job-queue.ts";
import { createJobWorker, type TJobHandler, type TJobResult } from "./job-worker.ts";

const silentLogger = { info() {}, warn() {}, error() {} };

describe.each(await testDatabaseTargets())("job worker on %s", (target) => {
  let database: Database;
  let accountId: string;

  beforeAll(async () => {
    database = await createTestDatabase(target);
    accountId = (await createTestAccount(database.prisma)).account.id;
  });
  afterAll(async () => {
    await database?.close();
  });

  function workerWith(
    handler: TJobHandler,
    overrides: {
      leaseMs?: number;
      pollIntervalMs?: number;
      concurrency?: number;
      prisma?: PrismaClient;
    } = {},
  ) {
    return createJobWorker({
      prisma: overrides.prisma ?? database.prisma,
      handlers: { test: handler },
      logger: silentLogger,
      pollIntervalMs: overrides.pollIntervalMs ?? 50,
      leaseMs: overrides.leaseMs ?? 5_000,
      concurrency: overrides.concurrency,
      backoff: { baseDelayMs: 10, maxDelayMs: 60_000 },
    });
  }

  /** The database as a worker sees it, counting the worker's looks for due jobs (its claims). */
  function countingClaims() {
    const counted = { claims: 0 };
    const prisma = new Proxy(database.prisma, {
      get(target, property, receiver) {
        if (property !== "$queryRawUnsafe") return Reflect.get(target, property, receiver);
        return (sql: string, ...values: unknown[]) => {
          if (sql.trimStart().startsWith('UPDATE "Job" SET "status" = \'RUNNING\'')) counted.claims += 1;
          return target.$queryRawUnsafe(sql, ...values);
        };
      },
    });
    return { prisma, counted };
  }

  /** A handler that counts its runs. */
  function countingHandler() {
    const handler = {
      runs: 0,
      maxAttempts: 1,
      async run(): Promise<TJobResult> {
        handler.runs += 1;
        return { ok: true };
      },
    };
    return handler;
  }

  async function enqueue(dedupeKey: string, payload: object = {}) {
    await database.prisma.$transaction((tx) =>
      enqueueJobs(tx, [{ accountId, kind: "test", payload, dedupeKey }]),
    );
  }

  const jobByKey = (dedupeKey: string) => database.prisma.job.findUniqueOrThrow({ where: { dedupeKey } });

  it("a job enqueued in a transaction that rolls back never exists; enqueueing a key twice adds one", async () => {
    await expect(
      database.prisma.$transaction(async (tx) => {
        await enqueueJobs(tx, [{ accountId, kind: "test", payload: {}, dedupeKey: "rolled-back" }]);
        throw new Error("the change failed");
      }),
    ).rejects.toThrow("the change failed");
    expect(await database.prisma.job.count({ where: { dedupeKey: "rolled-back" } })).toBe(0);

    await enqueue("twice");
    await enqueue("twice");
    expect(await database.prisma.job.count({ where: { dedupeKey: "twice" } })).toBe(1);
    await database.prisma.job.delete({ where: { dedupeKey: "twice" } });
  });

  it("writes each job of one call as it was asked for: payload, time to run, pending, the key once", async () => {
    const later = new Date(Date.now() + 60_000);
    const before = Date.now();
    await database.prisma.$transaction((tx) =>
      enqueueJobs(tx, [
        {
          accountId,
          kind: "test",
          payload: { handoffId: "h-1", step: 2, tags: ["a"] },
          dedupeKey: "batch/now",
        },
        {
          accountId,
          kind: "other",
          payload: { nested: { ok: true } },
          dedupeKey: "batch/later",
          runAt: later,
        },
        { accountId, kind: "test", payload: { second: true }, dedupeKey: "batch/now" },
      ]),
    );
    const jobs = await database.prisma.job.findMany({
      where: { dedupeKey: { startsWith: "batch/" } },
      orderBy: { dedupeKey: "asc" },
    });
    expect(jobs.map(({ dedupeKey, kind, payload }) => ({ dedupeKey, kind, payload }))).toEqual([
      { dedupeKey: "batch/later", kind: "other", payload: { nested: { ok: true } } },
      { dedupeKey: "batch/now", kind: "test", payload: { handoffId: "h-1", step: 2, tags: ["a"] } },
    ]);
    const [delayed, due] = jobs as [Job, Job];
    expect(delayed.runAt).toEqual(later);
    expect(due.runAt.getTime()).toBeGreaterThanOrEqual(before);
    expect(due.runAt.getTime()).toBeLessThanOrEqual(Date.now());
    for (const job of jobs) {
      expect(job).toMatchObject({
        accountId,
        status: "PENDING",
        attempts: 0,
        lockedBy: null,
        finishedAt: null,
      });
      expect(job.createdAt).toEqual(due.runAt);
    }
    await database.prisma.job.deleteMany({ where: { dedupeKey: { startsWith: "batch/" } } });
  });

  it("runs each job once across two workers polling the same table", async () => {
    const runs: string[] = [];
    const handler: TJobHandler = {
      maxAttempts: 3,
      async run(payload) {
        runs.push((payload as { n: string }).n);
        await new Promise((resolve) => setTimeout(resolve, 5));
        return { ok: true };
      },
    };
    const workers = [workerWith(handler), workerWith(handler)];
    const keys = Array.from({ length: 30 }, (_, n) => `once-${n}`);
    await database.prisma.$transaction((tx) =>
      enqueueJobs(
        tx,
        keys.map((dedupeKey, n) => ({ accountId, kind: "test", payload: { n: String(n) }, dedupeKey })),
      ),
    );
    for (const worker of workers) worker.start();
    await Promise.all(workers.map((worker) => worker.drain()));
    await Promise.all(workers.map((worker) => worker.stop()));

    expect(runs.sort()).toEqual(keys.map((_, n) => String(n)).sort());
    const jobs = await database.prisma.job.findMany({ where: { dedupeKey: { in: keys } } });
    expect(jobs.every((job) => job.status === "DONE" && job.attempts === 1)).toBe(true);
  });

  it("waits as long as Retry-After says before the next try", async () => {
    const tries: number[] = [];
    const worker = workerWith({
      maxAttempts: 3,
      async run(): Promise<TJobResult> {
        tries.push(Date.now());
        if (tries.length === 1) return { ok: false, error: "429", isRetryable: true, retryAfterMs: 1_500 };
        return { ok: true };
      },
    });
    await enqueue("retry-after");
    worker.start();
    await vi.waitFor(async () => expect((await jobByKey("retry-after")).status).toBe("DONE"), {
      timeout: 10_000,
      interval: 50,
    });
    await worker.stop();

    expect(tries).toHaveLength(2);
    expect((tries[1] ?? 0) - (tries[0] ?? 0)).toBeGreaterThanOrEqual(1_400);
    expect(await jobByKey("retry-after")).toMatchObject({ attempts: 2, lastError: null });
  });

  it("gives up after its attempts (or at once when not retryable) and records why", async () => {
    const worker = workerWith({
      maxAttempts: 3,
      run: async (payload) => ({
        ok: false,
        error: "provider said no",
        isRetryable: (payload as { isRetryable: boolean }).isRetryable,
      }),
    });
    await enqueue("dead-retryable", { isRetryable: true });
    await enqueue("dead-permanent", { isRetryable: false });
    worker.start();
    await vi.waitFor(
      async () => {
        expect((await jobByKey("dead-retryable")).status).toBe("DEAD");
        expect((await jobByKey("dead-permanent")).status).toBe("DEAD");
      },
      { timeout: 10_000, interval: 50 },
    );
    await worker.stop();
    expect(await jobByKey("dead-retryable")).toMatchObject({ attempts: 3, lastError: "provider said no" });
    expect(await jobByKey("dead-permanent")).toMatchObject({ attempts: 1 });
  });

  it("takes over a job whose worker died holding it, once the lease ran out", async () => {
    await enqueue("orphaned");
    // A worker that claimed it and then died: RUNNING, lease already over.
    await database.prisma.job.update({
      where: { dedupeKey: "orphaned" },
      data: {
        status: "RUNNING",
        attempts: 1,
        lockedBy: "dead-worker",
        lockedUntil: new Date(Date.now() - 1),
      },
    });
    let runs = 0;
    const worker = workerWith({
      maxAttempts: 3,
      async run() {
        runs += 1;
        return { ok: true };
      },
    });
    worker.start();
    await worker.drain();
    await worker.stop();
    expect(runs).toBe(1);
    expect(await jobByKey("orphaned")).toMatchObject({ status: "DONE", attempts: 2, lockedBy: null });
  });

  it("a handler that outlives its lease is cut off and retried", async () => {
    let runs = 0;
    const worker = workerWith(
      {
        maxAttempts: 2,
        async run() {
          runs += 1;
          if (runs === 1) await new Promise(() => undefined);
          return { ok: true };
        },
      },
      { leaseMs: 300 },
    );
    await enqueue("hung");
    worker.start();
    await vi.waitFor(async () => expect((await jobByKey("hung")).status).toBe("DONE"), {
      timeout: 10_000,
      interval: 50,
    });
    await worker.stop();
    expect(runs).toBe(2);
  });

  it("looks once per kick, and not again when a job ends with nothing else due", async () => {
    const { prisma, counted } = countingClaims();
    const handler = countingHandler();
    // No poll falls within the test: every look is the start's or the kick's.
    const worker = workerWith(handler, { prisma, pollIntervalMs: 60_000 });
    worker.start();
    await vi.waitFor(() => expect(counted.claims).toBe(1));
    await enqueue("kicked");
    worker.kick();
    await vi.waitFor(async () => expect((await jobByKey("kicked")).status).toBe("DONE"), {
      timeout: 10_000,
      interval: 20,
    });
    // Time for a look the job's end would have started.
    await new Promise((resolve) => setTimeout(resolve, 200));
    await worker.stop();
    expect(handler.runs).toBe(1);
    expect(counted.claims).toBe(2);
  });

  it("with more jobs due than it runs at once, each that ends makes room for the next at once", async () => {
    const handler = countingHandler();
    const worker = workerWith(handler, { pollIntervalMs: 60_000, concurrency: 1 });
    const keys = ["queued-1", "queued-2", "queued-3"];
    for (const key of keys) await enqueue(key);
    worker.start();
    const done = () => database.prisma.job.count({ where: { dedupeKey: { in: keys }, status: "DONE" } });
    await vi.waitFor(async () => expect(await done()).toBe(3), { timeout: 10_000, interval: 20 });
    await worker.stop();
    expect(handler.runs).toBe(3);
  });
});
