// The job worker on a real database: transactional enqueue, one run across workers, backoff
// that honours Retry-After, dead letters, and a crashed worker's job taken over after its lease.
import type { Database } from "@handoff/db";
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

  function workerWith(handler: TJobHandler, overrides: { leaseMs?: number } = {}) {
    return createJobWorker({
      prisma: database.prisma,
      handlers: { test: handler },
      logger: silentLogger,
      pollIntervalMs: 50,
      leaseMs: overrides.leaseMs ?? 5_000,
      backoff: { baseDelayMs: 10, maxDelayMs: 60_000 },
    });
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
});
