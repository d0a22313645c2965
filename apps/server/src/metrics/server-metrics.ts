// This process's figures for Prometheus: prom-client's process and Node metrics (event-loop lag
// included), sockets and live streams, what the API counts (escalations, claims, releases, job
// failures), the job queue and the connection pool (read at scrape time), SQL statement time and
// the fan-out lag. Nothing here is read on a request's path except two allocation-free histograms.
import type { TApiMetrics, TEscalationBusMessage } from "@handoff/api";
import type { Database, PrismaClient } from "@handoff/db";
import { Counter, collectDefaultMetrics, Gauge, Registry } from "prom-client";
import type { TAppConfig } from "../config.ts";
import { CountingHistogram } from "./counting-histogram.ts";
import { registerJobQueueGauges } from "./job-queue-gauges.ts";
import { registerPoolGauges } from "./pool-gauges.ts";

/** What the app server reports at scrape time. */
export type TServerSources = { openSockets(): number; liveStreams(): number; accountHubs(): number };

export type ServerMetrics = {
  /** Handed to the API (ApiDeps.metrics) and the job worker. */
  readonly api: TApiMetrics;
  /** A live event's frame was handed to a socket; `atMs` is when the event was written. Per frame. */
  frameWritten(atMs: number): void;
  /** One SQL statement's time (createDatabase's onQuery). */
  queryTimed(durationMs: number): void;
  /** Reports the job queue of this database at every scrape. */
  watchJobQueue(prisma: PrismaClient): void;
  /** Reports this process's connection pool at every scrape (PostgreSQL only). */
  watchDatabasePool(database: Pick<Database, "poolStats">): void;
  /** The app server (the latest one, after a restart in tests) reports its sockets and streams. */
  watchServer(sources: TServerSources): void;
  /** The exposition, in Prometheus' text format. */
  render(): Promise<string>;
  readonly contentType: string;
};

/** From a same-process delivery (a few ms) to a client resuming after a hiccup (seconds). */
const FAN_OUT_LAG_BUCKETS = [0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10];
/** A primary-key read on PGlite is ~0.5 ms; a slow report or a lock wait, seconds. */
const QUERY_TIME_BUCKETS = [0.0005, 0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5];

/** Metrics when config lets someone read them (METRICS_TOKEN or METRICS_PORT); else none, at no cost. */
export function serverMetricsFor(config: Pick<TAppConfig, "metrics">): ServerMetrics | null {
  const isReadable = config.metrics.token !== null || config.metrics.port !== null;
  return isReadable ? createServerMetrics() : null;
}

export function createServerMetrics(): ServerMetrics {
  const registry = new Registry();
  collectDefaultMetrics({ register: registry });
  let sources: TServerSources | null = null;
  const gauge = (name: string, help: string, read: (from: TServerSources) => number) =>
    new Gauge({
      name,
      help,
      registers: [registry],
      collect() {
        this.set(sources ? read(sources) : 0);
      },
    });
  gauge("handoff_websocket_connections", "Open WebSocket connections on this process", (from) =>
    from.openSockets(),
  );
  gauge("handoff_live_streams", "Live escalation streams (escalation.onEvent) on this process", (from) =>
    from.liveStreams(),
  );
  gauge("handoff_stream_account_hubs", "Accounts with live streams on this process (one hub each)", (from) =>
    from.accountHubs(),
  );
  const counter = (name: string, help: string) => new Counter({ name, help, registers: [registry] });
  const escalations = counter("handoff_escalations_total", "Escalations committed by this process");
  const parks = counter("handoff_parks_total", "Parked sessions committed by this process");
  const claims = counter("handoff_claims_total", "Claims committed by this process");
  const releases = counter("handoff_releases_total", "Releases committed by this process");
  const jobFailures = new Counter({
    name: "handoff_job_failures_total",
    help: "Failed job runs on this process, per kind: retry (tried again later) or dead (given up)",
    labelNames: ["kind", "outcome"],
    registers: [registry],
  });
  const fanOutLag = new CountingHistogram({
    name: "handoff_fanout_lag_seconds",
    help: "From a live event's commit (its timestamp, taken in its transaction) to its frame handed to a subscriber's socket",
    buckets: FAN_OUT_LAG_BUCKETS,
  });
  const queryTime = new CountingHistogram({
    name: "handoff_db_query_duration_seconds",
    help: "Time of each SQL statement this process ran (Prisma's query event)",
    buckets: QUERY_TIME_BUCKETS,
  });

  function countCommitted(event: TEscalationBusMessage): void {
    if (event.type === "handoff.created") {
      (event.handoff.intent === "escalate" ? escalations : parks).inc();
    } else if (event.type === "handoff.claimed") claims.inc();
    else if (event.type === "handoff.released") releases.inc();
  }

  return {
    api: {
      eventsCommitted(events) {
        for (const event of events) countCommitted(event);
      },
      jobFailed(kind, isGivingUp) {
        jobFailures.inc({ kind, outcome: isGivingUp ? "dead" : "retry" });
      },
    },
    frameWritten(atMs) {
      fanOutLag.observe((Date.now() - atMs) / 1_000);
    },
    queryTimed(durationMs) {
      queryTime.observe(durationMs / 1_000);
    },
    watchJobQueue(prisma) {
      registerJobQueueGauges(registry, prisma);
    },
    watchDatabasePool(database) {
      registerPoolGauges(registry, database);
    },
    watchServer(serverSources) {
      sources = serverSources;
    },
    async render() {
      return `${await registry.metrics()}${fanOutLag.render()}${queryTime.render()}`;
    },
    contentType: registry.contentType,
  };
}
