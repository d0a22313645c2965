// /metrics through the real server: who may read it (a bearer token on the main port, anyone on
// the separate METRICS_PORT listener, nobody when neither is set), and that its figures move when
// a senior follows the queue and escalations are made, claimed and released, and jobs queue and fail.
import type { TEscalationEvent } from "@handoff/api";
import type { Database } from "@handoff/db";
import { createTestAccount, createTestDatabase, testDatabaseTargets } from "@handoff/db/testing";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { createServerMetrics } from "../src/metrics/server-metrics.ts";
import { startTestServer, type TestServer, WITHOUT_ASSESSMENTS } from "../src/testing/index.ts";
import { collectEvents } from "./support/event-collector.ts";
import { useTestServer } from "./support/use-test-server.ts";

const targets = await testDatabaseTargets();
const METRICS_TOKEN = "metrics-token-for-the-test-scraper-0123456789";

/** The sample `name{labels} value` (labels exactly as rendered, in order), or null when absent. */
function sample(text: string, name: string, labels = ""): number | null {
  const prefix = `${name}${labels ? `{${labels}}` : ""} `;
  const line = text.split("\n").find((candidate) => candidate.startsWith(prefix));
  return line === undefined ? null : Number(line.slice(prefix.length));
}

async function scrape(url: string, token: string | null = METRICS_TOKEN) {
  const response = await fetch(url, { headers: token ? { authorization: `Bearer ${token}` } : {} });
  return { status: response.status, text: await response.text(), type: response.headers.get("content-type") };
}

describe("who may read /metrics", () => {
  let database: Database;
  const servers: TestServer[] = [];

  beforeAll(async () => {
    database = await createTestDatabase("pglite");
  });
  afterAll(async () => {
    for (const server of servers) await server.close();
    await database?.close();
  });

  async function serverWith(metrics: { token: string | null; port: number | null }) {
    const server = await startTestServer({ database, metrics: { ...metrics, host: "127.0.0.1" } });
    servers.push(server);
    return server;
  }

  it("answers 404 when neither METRICS_TOKEN nor METRICS_PORT is set", async () => {
    const server = await serverWith({ token: null, port: null });
    expect((await scrape(`${server.url}/metrics`)).status).toBe(404);
    expect(server.metricsUrl).toBeNull();
  });

  it("on the main port, wants the bearer token", async () => {
    const server = await serverWith({ token: METRICS_TOKEN, port: null });
    expect((await scrape(`${server.url}/metrics`, null)).status).toBe(401);
    expect((await scrape(`${server.url}/metrics`, `${METRICS_TOKEN}x`)).status).toBe(401);
    const ok = await scrape(`${server.url}/metrics`);
    expect(ok.status).toBe(200);
    expect(ok.type).toContain("text/plain");
    expect(sample(ok.text, "handoff_escalations_total")).toBe(0);
    // prom-client's default metrics, event-loop lag among them.
    expect(sample(ok.text, "nodejs_eventloop_lag_seconds")).not.toBeNull();
  });

  it("on METRICS_PORT, answers anyone who reaches it, and the main port has none without a token", async () => {
    const server = await serverWith({ token: null, port: 0 });
    const metricsUrl = server.metricsUrl as string;
    expect(new URL(metricsUrl).hostname).toBe("127.0.0.1");
    expect(new URL(metricsUrl).port).not.toBe(String(server.port));
    expect((await scrape(metricsUrl, null)).status).toBe(200);
    expect((await scrape(`${server.url}/metrics`, null)).status).toBe(404);
    expect((await scrape(metricsUrl.replace("/metrics", "/healthz"), null)).status).toBe(404);
  });
});

describe.each(targets)("the figures on %s", (target) => {
  // Wired as main.ts wires them: the database reports each statement's time to the metrics.
  const metrics = createServerMetrics();
  const app = useTestServer({
    target,
    database: { onQuery: metrics.queryTimed },
    server: {
      serverMetrics: metrics,
      metrics: { token: METRICS_TOKEN, port: null, host: "127.0.0.1" },
      ...WITHOUT_ASSESSMENTS,
    },
  });

  const read = async () => (await scrape(`${app.server.url}/metrics`)).text;

  it("count sockets, live streams, escalations, claims, releases and the fan-out lag as they happen", async () => {
    const account = await createTestAccount(app.prisma);
    const before = await read();
    const count = (text: string, name: string) => sample(text, name) ?? Number.NaN;

    const senior = await app.clientFor(account.senior);
    const engineer = await app.clientFor(account.engineer);
    const events = collectEvents<TEscalationEvent>();
    // From the queue's position, as the web app subscribes: "from now" (no id) is fixed when the
    // stream joins its account's hub, which the live-stream gauge does not wait for.
    const { lastEventId } = await senior.handoff.queue({});
    const subscription = senior.escalation.onEvent.subscribe({ lastEventId }, events);
    await expect.poll(async () => sample(await read(), "handoff_live_streams")).toBe(1);
    expect(sample(await read(), "handoff_websocket_connections")).toBeGreaterThanOrEqual(1);

    const handoff = await engineer.handoff.escalate({
      sessionId: account.session.id,
      priority: "high",
    });
    await events.waitForCount(2); // handoff.created, session.updated
    await senior.handoff.claim({ handoffId: handoff.id });
    await senior.handoff.release({ handoffId: handoff.id });
    await events.waitForCount(6);

    const after = await read();
    expect(count(after, "handoff_escalations_total") - count(before, "handoff_escalations_total")).toBe(1);
    expect(count(after, "handoff_claims_total") - count(before, "handoff_claims_total")).toBe(1);
    expect(count(after, "handoff_releases_total") - count(before, "handoff_releases_total")).toBe(1);
    // One frame per event handed to the one subscriber, each within the histogram's buckets.
    const frames =
      count(after, "handoff_fanout_lag_seconds_count") - count(before, "handoff_fanout_lag_seconds_count");
    expect(frames).toBe(6);
    const withinTenSeconds =
      (sample(after, "handoff_fanout_lag_seconds_bucket", 'le="10"') ?? 0) -
      (sample(before, "handoff_fanout_lag_seconds_bucket", 'le="10"') ?? 0);
    expect(withinTenSeconds).toBe(6);

    subscription.unsubscribe();
    await expect.poll(async () => sample(await read(), "handoff_live_streams")).toBe(0);
  });

  it("time the SQL statements the requests ran", async () => {
    const before = sample(await read(), "handoff_db_query_duration_seconds_count") ?? 0;
    const account = await createTestAccount(app.prisma);
    const engineer = await app.clientFor(account.engineer);
    await engineer.session.list({ scope: "mine" });
    const after = await read();
    expect(sample(after, "handoff_db_query_duration_seconds_count")).toBeGreaterThan(before);
    expect(sample(after, "handoff_db_query_duration_seconds_sum")).toBeGreaterThan(0);
  });

  it("show the connection pool on PostgreSQL: open and idle connections against its size, and what waits", async () => {
    const account = await createTestAccount(app.prisma);
    const engineer = await app.clientFor(account.engineer);
    await engineer.session.list({ scope: "mine" });
    const text = await read();
    if (target === "pglite") {
      expect(text).not.toContain("handoff_db_pool_");
      return;
    }
    expect(sample(text, "handoff_db_pool_connections", 'state="max"')).toBe(10);
    expect(sample(text, "handoff_db_pool_connections", 'state="open"')).toBeGreaterThan(0);
    expect(sample(text, "handoff_db_pool_connections", 'state="idle"')).toBeGreaterThan(0);
    expect(sample(text, "handoff_db_pool_waiting")).toBe(0);
  });

  it("read the job queue per kind at scrape time, and count failed runs", async () => {
    const account = await createTestAccount(app.prisma);
    await app.server.deps.jobs.stop();
    const hourAgo = new Date(Date.now() - 3_600_000);
    const tomorrow = new Date(Date.now() + 86_400_000);
    const job = (kind: string, runAt: Date) => ({
      accountId: account.account.id,
      kind,
      payload: {},
      dedupeKey: `${kind}:${account.account.id}:${runAt.getTime()}`,
      runAt,
    });
    await app.prisma.job.createMany({
      data: [job("test.unknown", hourAgo), job("test.unknown", new Date()), job("test.later", tomorrow)],
    });
    const waiting = await read();
    expect(sample(waiting, "handoff_job_queue_depth", 'kind="test.unknown",state="due"')).toBe(2);
    expect(sample(waiting, "handoff_job_queue_depth", 'kind="test.later",state="scheduled"')).toBe(1);
    expect(sample(waiting, "handoff_job_queue_depth", 'kind="test.later",state="due"')).toBe(0);
    expect(
      sample(waiting, "handoff_job_queue_oldest_due_seconds", 'kind="test.unknown"'),
    ).toBeGreaterThanOrEqual(3_600);

    // No handler knows the kind: each run fails and gives up at once.
    app.server.deps.jobs.start();
    await expect
      .poll(async () =>
        sample(await read(), "handoff_job_failures_total", 'kind="test.unknown",outcome="dead"'),
      )
      .toBe(2);
    // A failure is counted as its run ends, just before the job's DEAD status is written.
    await expect
      .poll(async () =>
        sample(await read(), "handoff_job_queue_depth", 'kind="test.unknown",state="running"'),
      )
      .toBeNull();
    const settled = await read();
    expect(sample(settled, "handoff_job_queue_depth", 'kind="test.unknown",state="due"')).toBeNull();
    expect(sample(settled, "handoff_job_queue_depth", 'kind="test.later",state="scheduled"')).toBe(1);
  });
});
