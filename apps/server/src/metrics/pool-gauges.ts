// This process's PostgreSQL connection pool, read at scrape time: connections open and idle
// against the pool's size, and what waits for one. Requests waiting on a full pool while the
// database has room is what DATABASE_POOL_SIZE is for. PGlite has no pool: no gauges then.
import type { Database } from "@handoff/db";
import { Gauge, type Registry } from "prom-client";

export function registerPoolGauges(registry: Registry, database: Pick<Database, "poolStats">): void {
  if (database.poolStats() === null) return;
  const gauge = (name: string, help: string, labelNames: string[], read: (gauge: Gauge) => void) =>
    new Gauge({
      name,
      help,
      labelNames,
      registers: [registry],
      collect() {
        read(this);
      },
    });
  gauge(
    "handoff_db_pool_connections",
    "This process's PostgreSQL connections: open (idle included), idle, and max (DATABASE_POOL_SIZE)",
    ["state"],
    (connections) => {
      const stats = database.poolStats();
      if (!stats) return;
      connections.set({ state: "open" }, stats.open);
      connections.set({ state: "idle" }, stats.idle);
      connections.set({ state: "max" }, stats.max);
    },
  );
  gauge(
    "handoff_db_pool_waiting",
    "Statements and transactions of this process waiting for a pool connection",
    [],
    (waiting) => {
      const stats = database.poolStats();
      if (stats) waiting.set(stats.waiting);
    },
  );
}
