// The live stream at scale, side by side with a raw `ws` broadcast of the same bytes to the same
// number of sockets, in one run: connect time, idle CPU, heap per subscriber, escalation → all
// receipts, deliveries/s (one event and a burst), escalate/claim latency with 0 and N subscribers,
// and a reconnect storm after a restart — on the embedded database and on PostgreSQL (escalate.bench.ts
// has PostgreSQL's idle latency alone, with the statements an escalation and a claim run).
// Loopback only and bounded. `pnpm --filter @handoff/server bench:stream [subscribers]` (default 10000);
// BENCH_DATABASES=pglite (or postgres) measures one database only; BENCH_PROFILE_DIR=dir writes a
// V8 CPU profile of each product process there.
import { randomUUID } from "node:crypto";
import { mkdtemp, rm } from "node:fs/promises";
import { availableParallelism, loadavg, tmpdir } from "node:os";
import { join } from "node:path";
import { setTimeout as sleep } from "node:timers/promises";
import { AUTH_COOKIE_NAME } from "@handoff/api";
import { seedDemo } from "@handoff/db";
import { createTestDatabase } from "@handoff/db/testing";
import { freePort } from "../test/support/free-port.ts";
import { type MeasuredProcess, startProduct } from "./support/product-server.ts";
import { startRawServer } from "./support/raw-server.ts";
import { signIn } from "./support/sign-in.ts";
import { kb, largest, ms, percentile, ratio, smallest, until, wallNow } from "./support/stats.ts";
import { SubscriberFleet } from "./support/subscriber-fleet.ts";
import { startUserClient } from "./support/user-client.ts";

const SUBSCRIBERS = Number(process.argv[2] ?? 10_000);
const SINGLE_EVENTS = 20;
const BURST = 20;
const BURST_CONCURRENCY = 4;
const LATENCY_SAMPLES = 30;
const WARM_UP_SAMPLES = 10;
const STORM_ESCALATIONS = 5;
const IDLE_SECONDS = 5;
const DELIVERY_TIMEOUT_MS = 120_000;
const QUIET_BETWEEN_SAMPLES_MS = 200;

/** Progress on stderr, so a long run shows where it is; figures go to stdout. */
const progress = (step: string) => process.stderr.write(`  … ${step}\n`);

/**
 * `p50`/`p99`: from the request to each receipt (the product's include its commit). `spreadP50`/
 * `spreadP99`: from the event's first receipt to each receipt, the fan-out alone. Rates count
 * deliveries over the spread.
 */
type TFanout = {
  p50: number;
  p99: number;
  spreadP50: number;
  spreadP99: number;
  perSecond: number;
  burstPerSecond: number;
  /** Messages each subscriber received per event sent (an escalation causes more than its card). */
  messagesPerEvent: number;
};
type TResult = {
  label: string;
  connectMs: number;
  idleCpu: number;
  heapPerSubscriber: number;
  fanout: TFanout;
};

/** Resolves once no receipt has arrived for `quietMs`. */
async function untilQuiet(receipts: Receipts, quietMs: number, timeoutMs: number): Promise<void> {
  const deadline = performance.now() + timeoutMs;
  let seen = receipts.total;
  let quietSince = performance.now();
  while (performance.now() - quietSince < quietMs) {
    if (performance.now() > deadline) throw new Error(`the stream was still busy after ${timeoutMs} ms`);
    await sleep(100);
    if (receipts.total !== seen) {
      seen = receipts.total;
      quietSince = performance.now();
    }
  }
}

/** Receipt times per event key, from every subscriber. */
class Receipts {
  readonly #times = new Map<string, number[]>();
  /** Every receipt of every event, counted or not by the figures. */
  total = 0;
  record = ({ key, at }: { key: string; at: number }) => {
    this.total += 1;
    const times = this.#times.get(key);
    if (times) times.push(at);
    else this.#times.set(key, [at]);
  };
  count(key: string): number {
    return this.#times.get(key)?.length ?? 0;
  }
  times(key: string): number[] {
    return this.#times.get(key) ?? [];
  }
  async allOf(keys: string[], subscribers: number): Promise<void> {
    await until(
      () => keys.every((key) => this.count(key) >= subscribers),
      "every receipt",
      DELIVERY_TIMEOUT_MS,
    );
  }
}

async function idleCpuShare(process: MeasuredProcess): Promise<number> {
  const before = await process.stats("cpu");
  await sleep(IDLE_SECONDS * 1_000);
  const after = await process.stats("cpu");
  return (after.cpuMicros - before.cpuMicros) / (IDLE_SECONDS * 1_000_000);
}

/** Sends events one at a time, then a burst, through `send`, and measures their receipts. */
async function measureFanout(
  receipts: Receipts,
  send: (count: number) => Promise<{ keys: string[]; startedAt: number }>,
): Promise<TFanout> {
  const latencies: number[] = [];
  const spreads: number[] = [];
  const rates: number[] = [];
  const receiptsBefore = receipts.total;
  for (let index = 0; index < SINGLE_EVENTS; index += 1) {
    const { keys, startedAt } = await send(1);
    await receipts.allOf(keys, SUBSCRIBERS);
    const times = receipts.times(keys[0] as string);
    const first = smallest(times);
    for (const at of times) {
      latencies.push(at - startedAt);
      spreads.push(at - first);
    }
    rates.push(times.length / (Math.max(1, largest(times) - first) / 1_000));
    // The next sample starts on a quiet stream: the frames that follow a card (the session's
    // update, the assessment) are still being handed out, or read, when the card has arrived.
    await untilQuiet(receipts, QUIET_BETWEEN_SAMPLES_MS, DELIVERY_TIMEOUT_MS);
  }
  const messagesPerEvent = (receipts.total - receiptsBefore) / (SINGLE_EVENTS * SUBSCRIBERS);
  const burst = await send(BURST);
  await receipts.allOf(burst.keys, SUBSCRIBERS);
  const burstTimes = burst.keys.flatMap((key) => receipts.times(key));
  const burstSpread = largest(burstTimes) - smallest(burstTimes);
  return {
    p50: percentile(latencies, 50),
    p99: percentile(latencies, 99),
    spreadP50: percentile(spreads, 50),
    spreadP99: percentile(spreads, 99),
    perSecond: percentile(rates, 50),
    burstPerSecond: burstTimes.length / (Math.max(1, burstSpread) / 1_000),
    messagesPerEvent,
  };
}

/** `frames`: what the product sent each subscriber for one escalation, the handoff id a placeholder. */
async function measureRaw(frames: string[]): Promise<TResult> {
  const port = await freePort();
  const raw = await startRawServer(port);
  const receipts = new Receipts();
  progress(`raw ws: connecting ${SUBSCRIBERS} sockets`);
  const fleet = new SubscriberFleet({
    url: `ws://127.0.0.1:${port}`,
    headers: {},
    isTrpc: false,
    onReceipt: receipts.record,
  });
  try {
    const heapBefore = (await raw.stats("heap")).heapUsed;
    const connectStartedAt = performance.now();
    await fleet.connect(SUBSCRIBERS);
    const connectMs = performance.now() - connectStartedAt;
    const heapPerSubscriber = ((await raw.stats("heap")).heapUsed - heapBefore) / SUBSCRIBERS;
    const idleCpu = await idleCpuShare(raw);
    const fanout = await measureFanout(receipts, async (count) => {
      const ids = Array.from({ length: count }, () => randomUUID());
      const startedAt = wallNow();
      raw.broadcast(ids.flatMap((id) => frames.map((text) => text.split(FRAME_ID_PLACEHOLDER).join(id))));
      return { keys: ids.map((id) => `handoff.created:${id}`), startedAt };
    });
    return { label: "raw ws", connectMs, idleCpu, heapPerSubscriber, fanout };
  } finally {
    fleet.close();
    await raw.stop();
  }
}

const FRAME_ID_PLACEHOLDER = "00000000-0000-0000-0000-000000000000";

type TDatabaseSetup = { env: Record<string, string>; cleanup(): Promise<void> };

async function embeddedDatabase(): Promise<TDatabaseSetup> {
  const dataDir = await mkdtemp(join(tmpdir(), "handoff-bench-"));
  return { env: { DATA_DIR: dataDir }, cleanup: () => rm(dataDir, { recursive: true, force: true }) };
}

/** A throwaway PostgreSQL database, migrated and seeded with the demo data; dropped afterwards. */
async function postgresDatabase(): Promise<TDatabaseSetup> {
  const database = await createTestDatabase("postgres");
  await seedDemo(database.prisma);
  await database.prisma.$disconnect();
  return { env: { DATABASE_URL: database.databaseUrl as string }, cleanup: () => database.close() };
}

async function mapWithConcurrency<T>(
  count: number,
  concurrency: number,
  work: () => Promise<T>,
): Promise<T[]> {
  const results: T[] = [];
  let started = 0;
  const worker = async () => {
    while (started < count) {
      started += 1;
      results.push(await work());
    }
  };
  await Promise.all(Array.from({ length: Math.min(concurrency, count) }, worker));
  return results;
}

async function measureProduct(label: string, database: TDatabaseSetup) {
  const port = await freePort();
  // The subscribers on the second port, as the Caddyfile sends WebSockets: requests, the engineer's
  // escalation during the storm among them, then wait to be accepted apart from the storm's sockets.
  const streamPort = await freePort();
  const baseUrl = `http://127.0.0.1:${port}`;
  const env = {
    ...database.env,
    STREAM_PORT: String(streamPort),
    APP_ORIGIN: baseUrl,
    LOG_LEVEL: "warn",
    STREAM_MAX_PER_LOGIN: String(SUBSCRIBERS * 2),
    WS_MAX_PER_ADDRESS: String(SUBSCRIBERS * 2),
  };
  let product = await startProduct(port, env);
  const receipts = new Receipts();
  const engineerToken = await signIn(baseUrl, "alice@acme.test");
  const seniorToken = await signIn(baseUrl, "sam@acme.test");
  const users = await startUserClient(baseUrl, { engineer: engineerToken, senior: seniorToken });
  const fleet = new SubscriberFleet({
    url: `ws://127.0.0.1:${streamPort}/trpc`,
    headers: { cookie: `${AUTH_COOKIE_NAME}=${seniorToken}`, origin: baseUrl },
    isTrpc: true,
    onReceipt: receipts.record,
  });
  try {
    const sessionsNeeded = WARM_UP_SAMPLES + SINGLE_EVENTS + BURST + 2 * LATENCY_SAMPLES + STORM_ESCALATIONS;
    const sessions: string[] = [];
    for (let index = 0; index < sessionsNeeded; index += 1) {
      sessions.push((await users.call({ op: "createSession", index })).value);
    }
    const escalate = () => users.call({ op: "escalate", sessionId: sessions.pop() as string });

    const escalateAndClaim = async (samples: number) => {
      const escalateMs: number[] = [];
      const claimMs: number[] = [];
      for (let index = 0; index < samples; index += 1) {
        const escalated = await escalate();
        const claimed = await users.call({ op: "claim", handoffId: escalated.value });
        escalateMs.push(escalated.ms);
        claimMs.push(claimed.ms);
      }
      return {
        escalate: percentile(escalateMs, 50),
        escalateP99: percentile(escalateMs, 99),
        claim: percentile(claimMs, 50),
      };
    };
    progress(`${label}: escalate/claim with no subscribers`);
    // Discarded: the first requests of a fresh process are slow (cold code and caches), which
    // would flatter the comparison with subscribers.
    await escalateAndClaim(WARM_UP_SAMPLES);
    const idleLatency = await escalateAndClaim(LATENCY_SAMPLES);

    const heapBefore = (await product.stats("heap")).heapUsed;
    progress(`${label}: connecting ${SUBSCRIBERS} subscribers`);
    const connectStartedAt = performance.now();
    await fleet.connect(SUBSCRIBERS);
    const connectMs = performance.now() - connectStartedAt;
    // A subscriber the server drops (e.g. a keep-alive missed while this process was busy) resumes, as wsLink would.
    fleet.reconnectOnDrop();
    progress(`${label}: idle`);
    await sleep(1_000);
    const heapPerSubscriber = ((await product.stats("heap")).heapUsed - heapBefore) / SUBSCRIBERS;
    const idleCpu = await idleCpuShare(product);

    progress(`${label}: fan-out`);
    // What the last single escalation sent each subscriber: the burst's frames interleave.
    let escalation = null as typeof fleet.lastEscalation;
    const fanout = await measureFanout(receipts, async (count) => {
      if (count === BURST) escalation = fleet.lastEscalation;
      const startedAt = wallNow();
      // A few at a time: twenty at once in one account queue on its event-seq row lock, which is
      // the database's cost, not the stream's.
      const cards = await mapWithConcurrency(count, BURST_CONCURRENCY, escalate);
      return { keys: cards.map((card) => `handoff.created:${card.value}`), startedAt };
    });
    if (!escalation) throw new Error("no escalation reached the first subscriber");
    const { handoffId } = escalation;
    const frames = escalation.frames.map((text) => text.split(handoffId).join(FRAME_ID_PLACEHOLDER));
    const busyLatency = await escalateAndClaim(LATENCY_SAMPLES);

    // The storm starts from a quiet stream: the escalate/claim samples leave a backlog of deliveries
    // (tens of seconds on the fast embedded database) that would otherwise be measured with it, in a
    // client process too busy reading them to send its requests on time.
    progress(`${label}: waiting for the stream to be quiet`);
    await untilQuiet(receipts, 1_000, DELIVERY_TIMEOUT_MS);
    progress(`${label}: reconnect storm`);
    const droppedBeforeRestart = fleet.dropped;
    // Reconnect storm: a graceful restart tells every client to reconnect; they resume from their last id.
    await product.stop();
    product = await startProduct(port, env);
    const readyAt = wallNow();
    const allResumed = until(
      () => fleet.startedCount === SUBSCRIBERS,
      "every subscriber to resume",
      120_000,
    ).then(() => wallNow() - readyAt);
    const stormMutationMs: number[] = [];
    const stormKeys: string[] = [];
    for (let index = 0; index < STORM_ESCALATIONS; index += 1) {
      const card = await escalate();
      stormMutationMs.push(card.ms);
      stormKeys.push(`handoff.created:${card.value}`);
      await sleep(300);
    }
    const resumedMs = await allResumed;
    await receipts.allOf(stormKeys, SUBSCRIBERS);
    const audit = fleet.audit();

    return {
      result: { label, connectMs, idleCpu, heapPerSubscriber, fanout } satisfies TResult,
      idleLatency,
      busyLatency,
      storm: { resumedMs, mutationMs: stormMutationMs, ...audit },
      droppedBeforeRestart,
      frames,
    };
  } finally {
    fleet.close();
    users.stop();
    await product.stop();
    await database.cleanup();
  }
}

function printComparison(product: TResult, raw: TResult) {
  const row = (name: string, value: string, reference: string, versus: string) =>
    console.log(`  ${name.padEnd(34)} ${value.padStart(14)}   raw ${reference.padStart(12)}   ${versus}`);
  console.log(`\n${product.label}: ${SUBSCRIBERS} subscribers`);
  row(
    "connect (all subscribed)",
    ms(product.connectMs),
    ms(raw.connectMs),
    ratio(product.connectMs, raw.connectMs),
  );
  row(
    "idle CPU",
    `${(product.idleCpu * 100).toFixed(1)} %`,
    `${(raw.idleCpu * 100).toFixed(1)} %`,
    "(target ≤ 10 %)",
  );
  row(
    "heap per idle subscriber",
    kb(product.heapPerSubscriber),
    kb(raw.heapPerSubscriber),
    `${ratio(product.heapPerSubscriber, raw.heapPerSubscriber)} (target ≤ 2×)`,
  );
  row(
    "escalation → all, p50",
    ms(product.fanout.p50),
    ms(raw.fanout.p50),
    `${ratio(product.fanout.p50, raw.fanout.p50)} (≤ 1.5×)`,
  );
  row(
    "escalation → all, p99",
    ms(product.fanout.p99),
    ms(raw.fanout.p99),
    `${ratio(product.fanout.p99, raw.fanout.p99)} (≤ 1.5×)`,
  );
  for (const [name, value, reference] of [
    ["fan-out from first receipt, p50", product.fanout.spreadP50, raw.fanout.spreadP50],
    ["fan-out from first receipt, p99", product.fanout.spreadP99, raw.fanout.spreadP99],
  ] as const) {
    row(name, ms(value), ms(reference), ratio(value, reference));
  }
  const rate = (value: number) => `${Math.round(value)}/s`;
  row(
    "deliveries/s, one event",
    rate(product.fanout.perSecond),
    rate(raw.fanout.perSecond),
    `${((product.fanout.perSecond / raw.fanout.perSecond) * 100).toFixed(0)} % of raw (≥ 70 %)`,
  );
  row(
    `deliveries/s, burst of ${BURST}`,
    rate(product.fanout.burstPerSecond),
    rate(raw.fanout.burstPerSecond),
    `${((product.fanout.burstPerSecond / raw.fanout.burstPerSecond) * 100).toFixed(0)} % of raw (≥ 70 %)`,
  );
  // The rates count escalation cards only; both also send each subscriber the frames that follow
  // a card (the session's new state and, moments later, the assessment), the same bytes.
  row(
    "messages per subscriber per event",
    product.fanout.messagesPerEvent.toFixed(2),
    raw.fanout.messagesPerEvent.toFixed(2),
    "(cards, session updates, assessments)",
  );
}

function printRun(run: Awaited<ReturnType<typeof measureProduct>>, raw: TResult) {
  printComparison(run.result, raw);
  const { idleLatency, busyLatency, storm, droppedBeforeRestart } = run;
  console.log(
    `  subscribers dropped by the server before the restart (and resumed): ${droppedBeforeRestart}`,
  );
  console.log(
    `  escalate p50: ${ms(idleLatency.escalate)} with 0 subscribers, ${ms(busyLatency.escalate)} with ${SUBSCRIBERS} (${ratio(busyLatency.escalate, idleLatency.escalate)}, target ≤ 2×)`,
  );
  console.log(
    `  escalate p99: ${ms(idleLatency.escalateP99)} with 0 subscribers, ${ms(busyLatency.escalateP99)} with ${SUBSCRIBERS} (${ratio(busyLatency.escalateP99, idleLatency.escalateP99)}, target ≤ 2×; of ${LATENCY_SAMPLES} samples, so their largest)`,
  );
  console.log(
    `  claim p50:    ${ms(idleLatency.claim)} with 0 subscribers, ${ms(busyLatency.claim)} with ${SUBSCRIBERS} (${ratio(busyLatency.claim, idleLatency.claim)})`,
  );
  console.log(
    `  reconnect storm after a restart: all ${SUBSCRIBERS} resumed ${ms(storm.resumedMs)} after the server was ready (target ≤ 15 s); lost ${storm.lost}, duplicated ${storm.duplicated}, out of order ${storm.outOfOrder}; escalations meanwhile answered in ${storm.mutationMs.map(ms).join(", ")} (target ≤ 1 s; the first is the restarted server's first write)`,
  );
}

const databases = (process.env.BENCH_DATABASES ?? "pglite,postgres").split(",");
const loadAverage = () =>
  loadavg()
    .map((load) => load.toFixed(2))
    .join(" / ");
console.log(`load average before: ${loadAverage()} (1 / 5 / 15 min, ${availableParallelism()} cores)`);
const runs: Awaited<ReturnType<typeof measureProduct>>[] = [];
/** A run that fails (e.g. a mutation refused under load) is reported, and the others still print. */
async function attempt(label: string, setUp: () => Promise<TDatabaseSetup>) {
  try {
    runs.push(await measureProduct(label, await setUp()));
  } catch (error) {
    const cause = (error as { cause?: { cause?: unknown } }).cause;
    console.log(
      `\n${label}: FAILED (load average ${loadAverage()}): ${String(error)} (${String(cause)}; ${String(cause?.cause)})`,
    );
  }
}
if (databases.includes("pglite")) await attempt("embedded PGlite", embeddedDatabase);
if (databases.includes("postgres")) await attempt("PostgreSQL", postgresDatabase);
if (runs[0]) {
  const raw = await measureRaw(runs[0].frames);
  for (const run of runs) printRun(run, raw);
}
console.log(`load average after: ${loadAverage()}`);
