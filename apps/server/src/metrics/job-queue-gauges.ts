// The job queue's depth and its oldest due job's age per kind, read at scrape time in one query
// that both gauges share. The queue is the database's, so every replica reports the same figures:
// aggregate them with max(), not sum().
import type { PrismaClient } from "@handoff/db";
import { Gauge, type Registry } from "prom-client";

type TQueueRow = { kind: string; due: number; running: number; scheduled: number; oldestDueSeconds: number };

const NOW_UTC = `(now() AT TIME ZONE 'UTC')`;
const QUEUE_BY_KIND = `SELECT "kind",
    count(*) FILTER (WHERE "status" = 'PENDING' AND "runAt" <= ${NOW_UTC})::int AS "due",
    count(*) FILTER (WHERE "status" = 'RUNNING')::int AS "running",
    count(*) FILTER (WHERE "status" = 'PENDING' AND "runAt" > ${NOW_UTC})::int AS "scheduled",
    COALESCE(EXTRACT(EPOCH FROM ${NOW_UTC} - min("runAt")
      FILTER (WHERE "status" = 'PENDING' AND "runAt" <= ${NOW_UTC})), 0)::float8 AS "oldestDueSeconds"
  FROM "Job" WHERE "status" IN ('PENDING', 'RUNNING') GROUP BY "kind"`;

export function registerJobQueueGauges(registry: Registry, prisma: PrismaClient): void {
  // The registry collects every metric at once: the two gauges' collects share this scrape's read.
  let reading: Promise<TQueueRow[]> | null = null;
  const readQueue = () => {
    reading ??= prisma.$queryRawUnsafe<TQueueRow[]>(QUEUE_BY_KIND).finally(() => {
      reading = null;
    });
    return reading;
  };
  new Gauge({
    name: "handoff_job_queue_depth",
    help: "Jobs per kind: due (waiting for a worker), running, scheduled (a later run-after time: timers, backoff)",
    labelNames: ["kind", "state"],
    registers: [registry],
    async collect() {
      const rows = await readQueue();
      // Kinds with nothing left disappear rather than linger at their last figure.
      this.reset();
      for (const row of rows) {
        this.set({ kind: row.kind, state: "due" }, row.due);
        this.set({ kind: row.kind, state: "running" }, row.running);
        this.set({ kind: row.kind, state: "scheduled" }, row.scheduled);
      }
    },
  });
  new Gauge({
    name: "handoff_job_queue_oldest_due_seconds",
    help: "Age of the oldest job that is due and not yet running, per kind (0: none waiting)",
    labelNames: ["kind"],
    registers: [registry],
    async collect() {
      const rows = await readQueue();
      this.reset();
      for (const row of rows) this.set({ kind: row.kind }, row.oldestDueSeconds);
    },
  });
}
