// The live stream as a hosted service sees it: many accounts with a handful of seniors each, spread
// over two replicas of the production build (separate processes, PostgreSQL + Redis) behind Debian's
// Caddy on deploy/Caddyfile, and escalations arriving all the time across random accounts, some of
// them claimed (measured after 5 s of them unmeasured, for warm code). Beside it, in the same run,
// the floor: two bare `ws` servers behind their own Caddy, fanning out the same bytes per escalation
// through Redis pub/sub. Loopback only, bounded, and everything it starts is stopped and its
// database dropped.
// A process may hold only `ulimit -n` descriptors (BENCH_FD_LIMIT to assume fewer), and the proxy
// holds two per subscriber: the subscribers go through as many Caddy processes, and are held by as
// many client processes, as that takes (each account's through one proxy, in one client process).
// `pnpm --filter @handoff/server bench:saas [accounts] [subscribersPerAccount] [seconds] [escalationsPerSecond]`
// (defaults 1000 20 60 50).
import { randomInt, randomUUID } from "node:crypto";
import { readFileSync } from "node:fs";
import { availableParallelism, loadavg } from "node:os";
import { setTimeout as sleep } from "node:timers/promises";
import { fileURLToPath } from "node:url";
import { AUTH_COOKIE_NAME } from "@handoff/api";
import { isTestRedisReachable, testRedisUrl } from "@handoff/bus/testing";
import { createTestAccount, createTestDatabase, type TestAccount } from "@handoff/db/testing";
import { Redis } from "ioredis";
import { ensureProductionBuild } from "../cluster/support/production-build.ts";
import { login } from "../src/testing/index.ts";
import { startCaddy } from "../test/support/caddy.ts";
import { freePort } from "../test/support/free-port.ts";
import { FleetProcesses } from "./support/fleet-processes.ts";
import { type MeasuredProcess, startProduct, type TProbeStats } from "./support/product-server.ts";
import { startRawServer } from "./support/raw-server.ts";
import {
  cpuSpentBetween,
  establishedConnectionsTo,
  processCpuSeconds,
  redisCpuSeconds,
} from "./support/service-usage.ts";
import { kb, ms, percentile, ratio, until, wallNow } from "./support/stats.ts";
import type { SubscriberFleet } from "./support/subscriber-fleet.ts";
import { startUserClient, type TUserTokens, type UserClient } from "./support/user-client.ts";

const [ACCOUNTS, PER_ACCOUNT, SECONDS, RATE] = [1_000, 20, 60, 50].map((fallback, index) => {
  const value = Number(process.argv[2 + index] ?? fallback);
  if (!Number.isInteger(value) || value < 1) {
    throw new Error(`usage: bench:saas [accounts] [subscribersPerAccount] [seconds] [escalationsPerSecond]`);
  }
  return value;
}) as [number, number, number, number];
const SUBSCRIBERS = ACCOUNTS * PER_ACCOUNT;
const ESCALATIONS = SECONDS * RATE;
/**
 * Escalations sent first, at the same rate, and not measured: a fresh process's first requests run
 * cold code (V8 compiles it, Prisma plans each statement its first time), as the other benches'
 * discarded samples do. The audit counts them all the same.
 */
const WARM_UP = 5 * RATE;
/** One escalation in this many is claimed, by its account's senior, once it is answered. */
const CLAIM_EVERY = 4;
/** Requests (or publishes) outstanding at once, at most: past it a tick is skipped, and counted. */
const MAX_IN_FLIGHT = 4 * RATE;
const SETUP_CONCURRENCY = 8;
const DELIVERY_TIMEOUT_MS = 120_000;
const REPLICAS = 2;

/** Descriptors a process needs besides its sockets (listeners, logs, pools, its runtime's own). */
const FD_HEADROOM = 500;

const { proxies: PROXIES, clients: CLIENTS } = processesWithin(openFileLimit());

const RAW_PUBSUB_ENTRY = fileURLToPath(new URL("./support/raw-pubsub-server.ts", import.meta.url));

const progress = (step: string) => process.stderr.write(`  … ${step}\n`);
const loadAverage = () =>
  loadavg()
    .map((load) => load.toFixed(2))
    .join(" / ");

function openFileLimit(): number {
  const assumed = Number(process.env.BENCH_FD_LIMIT);
  if (Number.isInteger(assumed) && assumed > FD_HEADROOM) return assumed;
  const limits = readFileSync("/proc/self/limits", "utf8");
  return Number(/^Max open files\s+(\d+)/m.exec(limits)?.[1] ?? Number.POSITIVE_INFINITY);
}

/**
 * How many proxies (two descriptors per subscriber) and client processes (one) the subscribers
 * need within the limit; each replica holds its share with one descriptor each.
 */
function processesWithin(limit: number): { proxies: number; clients: number } {
  const usable = limit - FD_HEADROOM;
  if (Math.ceil(SUBSCRIBERS / REPLICAS) > usable) {
    throw new Error(
      `${SUBSCRIBERS} subscribers over ${REPLICAS} replicas need ${Math.ceil(SUBSCRIBERS / REPLICAS) + FD_HEADROOM} open files in each, over this shell's limit of ${limit}: raise it (ulimit -n) or pass fewer accounts or subscribers`,
    );
  }
  return {
    proxies: Math.min(ACCOUNTS, Math.ceil(SUBSCRIBERS / Math.floor(usable / 2))),
    clients: Math.min(ACCOUNTS, Math.ceil(SUBSCRIBERS / usable)),
  };
}

async function inParallel<T, R>(
  items: T[],
  concurrency: number,
  work: (item: T) => Promise<R>,
): Promise<R[]> {
  const results: R[] = new Array(items.length);
  let next = 0;
  const worker = async () => {
    while (next < items.length) {
      const index = next++;
      results[index] = await work(items[index] as T);
    }
  };
  await Promise.all(Array.from({ length: Math.min(concurrency, items.length) }, worker));
  return results;
}

/** Receipt times per event key (`type:id`), from every subscriber. */
class Receipts {
  readonly times = new Map<string, number[]>();
  record = ({ key, at }: { key: string; at: number }) => {
    const times = this.times.get(key);
    if (times) times.push(at);
    else this.times.set(key, [at]);
  };
  count = (key: string) => this.times.get(key)?.length ?? 0;
}

type TSent = { account: number; key: string; startedAt: number };
type TRunResult = {
  label: string;
  delivery: { p50: number; p99: number; max: number };
  spread: { p50: number; p99: number };
  undelivered: number;
  skipped: number;
  failed: string[];
  escalateMs: number[];
  claimMs: number[];
  servers: {
    cpuShare: number;
    heapPerSubscriber: number;
    subscribers: number;
    loopDelayMs: TProbeStats["loopDelayMs"];
  }[];
  redisCpuShare: number;
  /** The proxy's CPU, and this process's (the subscribers' side). */
  proxyCpuShare: number;
  subscribersCpuShare: number;
  postgres: { cpuShare: number; transactionsPerSecond: number } | null;
  audit: { lost: number; duplicated: number; outOfOrder: number };
};

/**
 * Fires `send` at a steady RATE for SECONDS (open loop: a slow answer does not slow the schedule),
 * each tick for `schedule[tick]`'s account; resolves once every send has settled.
 */
async function runSchedule(schedule: number[], send: (account: number) => Promise<void>) {
  let inFlight = 0;
  let skipped = 0;
  const failed: string[] = [];
  const settled: Promise<void>[] = [];
  const startedAt = performance.now();
  for (let tick = 0; tick < schedule.length; tick += 1) {
    const due = startedAt + (tick * 1_000) / RATE;
    if (due > performance.now()) await sleep(due - performance.now());
    if (inFlight >= MAX_IN_FLIGHT) {
      skipped += 1;
      continue;
    }
    inFlight += 1;
    settled.push(
      send(schedule[tick] as number)
        .catch((error: unknown) => {
          failed.push(String(error));
        })
        .finally(() => {
          inFlight -= 1;
        }),
    );
  }
  await Promise.all(settled);
  return { skipped, failed, seconds: (performance.now() - startedAt) / 1_000 };
}

type TPostgresProbe = { backendPids(): Promise<number[]>; transactions(): Promise<number> };

/** CPU seconds of each of the database's backends, and its transactions, so far. */
async function readPostgres(probe: TPostgresProbe) {
  const pids = await probe.backendPids();
  return {
    cpu: new Map(pids.map((pid) => [pid, processCpuSeconds(pid)])),
    transactions: await probe.transactions(),
  };
}

/** A server process and the ports it listens on. */
type TMeasuredServer = { server: MeasuredProcess; ports: number[] };

/**
 * Connects every account's subscribers through its proxy, held by CLIENTS child processes;
 * `url(account)` is where, `headers` as whom.
 */
async function connectFleets(
  receipts: Receipts,
  url: (account: number) => string,
  headers: (account: number) => Record<string, string>,
  isTrpc: boolean,
): Promise<FleetProcesses> {
  const fleets = await FleetProcesses.start(CLIENTS, receipts.record);
  try {
    await fleets.connect(
      Array.from({ length: ACCOUNTS }, (_, account) => ({ url: url(account), headers: headers(account) })),
      { perFleet: PER_ACCOUNT, isTrpc, concurrency: Math.max(1, Math.floor(200 / PER_ACCOUNT)) },
    );
  } catch (error) {
    await fleets.stop();
    throw error;
  }
  return fleets;
}

type TProxies = { siteUrls: string[]; pids: number[]; stop(): Promise<void> };

/**
 * A Caddy at each site URL, all in front of the same upstreams (WebSocket upgrades to
 * `streamPorts`, as compose.yaml's replicas take them; by default the same ports).
 */
async function startProxies(
  siteUrls: string[],
  upstreamPorts: number[],
  streamPorts = upstreamPorts,
): Promise<TProxies> {
  const onLoopback = (ports: number[]) => ports.map((port) => `127.0.0.1:${port}`);
  const upstreams = onLoopback(upstreamPorts);
  const streamUpstreams = onLoopback(streamPorts);
  const started: Awaited<ReturnType<typeof startCaddy>>[] = [];
  const stop = async () => {
    await Promise.all(started.map((caddy) => caddy.stop()));
  };
  try {
    for (const siteUrl of siteUrls) started.push(await startCaddy({ siteUrl, upstreams, streamUpstreams }));
  } catch (error) {
    await stop();
    throw error;
  }
  return { siteUrls, pids: started.map((caddy) => caddy.child.pid ?? 0), stop };
}

const siteUrlsOfProxies = () =>
  Promise.all(Array.from({ length: PROXIES }, async () => `http://127.0.0.1:${await freePort()}`));
/** Account `account`'s subscribers go through this proxy. */
const proxyOf = (proxies: TProxies, account: number) =>
  proxies.siteUrls[account % proxies.siteUrls.length] as string;
const cpuOf = (pids: number[]) => pids.reduce((total, pid) => total + processCpuSeconds(pid), 0);

/**
 * Runs the schedule against servers that `connectFleets` filled, and measures: each server's CPU
 * over the run and heap per subscriber it holds, Redis's (and PostgreSQL's) CPU, every delivery.
 */
async function measureRun(options: {
  label: string;
  servers: TMeasuredServer[];
  schedule: number[];
  redis: Redis;
  /** The bench database's backends and its transactions so far; null for the floor, which has none. */
  postgres: TPostgresProbe | null;
  proxyPids: number[];
  connect(receipts: Receipts): Promise<FleetProcesses>;
  send(account: number, sent: TSent[]): Promise<{ escalateMs?: number; claimMs?: number }>;
}): Promise<TRunResult & { lastEscalation: SubscriberFleet["lastEscalation"] }> {
  const { label, servers } = options;
  const receipts = new Receipts();
  const heapBefore = await Promise.all(servers.map(({ server }) => server.stats("heap")));
  progress(`${label}: connecting ${SUBSCRIBERS} subscribers (${ACCOUNTS} accounts × ${PER_ACCOUNT})`);
  const fleets = await options.connect(receipts);
  await sleep(1_000);
  const heapAfter = await Promise.all(servers.map(({ server }) => server.stats("heap")));
  // The proxy's connections to each server: its subscribers (and a few idle keep-alive ones).
  const held = servers.map(({ ports }) =>
    ports.reduce((sum, port) => sum + establishedConnectionsTo(port), 0),
  );

  progress(`${label}: warming up, ${WARM_UP} escalations not measured`);
  const warmUpSent: TSent[] = [];
  const warmUp = await runSchedule(options.schedule.slice(0, WARM_UP), async (account) => {
    await options.send(account, warmUpSent);
  });
  await until(
    () => warmUpSent.every(({ key }) => receipts.count(key) >= PER_ACCOUNT),
    "the warm-up's deliveries",
    DELIVERY_TIMEOUT_MS,
  ).catch(() => undefined);

  const cpuBefore = await Promise.all(servers.map(({ server }) => server.stats("cpu")));
  const redisBefore = await redisCpuSeconds(options.redis);
  const proxyBefore = cpuOf(options.proxyPids);
  const subscribersBefore = cpuOf(fleets.pids);
  const postgresBefore = options.postgres && (await readPostgres(options.postgres));

  progress(`${label}: ${ESCALATIONS} escalations at ${RATE}/s across random accounts`);
  const sent: TSent[] = [];
  const escalateMs: number[] = [];
  const claimMs: number[] = [];
  const run = await runSchedule(options.schedule.slice(WARM_UP), async (account) => {
    const timings = await options.send(account, sent);
    if (timings.escalateMs !== undefined) escalateMs.push(timings.escalateMs);
    if (timings.claimMs !== undefined) claimMs.push(timings.claimMs);
  });

  const cpuAfter = await Promise.all(servers.map(({ server }) => server.stats("cpu")));
  const redisAfter = await redisCpuSeconds(options.redis);
  const proxyAfter = cpuOf(options.proxyPids);
  const subscribersAfter = cpuOf(fleets.pids);
  const postgresAfter = options.postgres && (await readPostgres(options.postgres));

  progress(`${label}: waiting for every delivery`);
  const missing = () => sent.filter(({ key }) => receipts.count(key) < PER_ACCOUNT).length;
  await until(() => missing() === 0, "every delivery", DELIVERY_TIMEOUT_MS).catch(() => undefined);
  const latencies = sent.flatMap(({ key, startedAt }) =>
    (receipts.times.get(key) ?? []).map((at) => at - startedAt),
  );
  // The fan-out alone: from an event's first receipt to each receipt (no commit in it, unlike the above).
  const spreads = sent.flatMap(({ key }) => {
    const times = receipts.times.get(key) ?? [];
    const first = Math.min(...times);
    return times.map((at) => at - first);
  });
  const { audit, lastEscalation } = await fleets.audit();
  return {
    label,
    lastEscalation,
    delivery: {
      p50: percentile(latencies, 50),
      p99: percentile(latencies, 99),
      max: latencies.reduce((high, value) => Math.max(high, value), 0),
    },
    spread: { p50: percentile(spreads, 50), p99: percentile(spreads, 99) },
    undelivered: sent.reduce((sum, { key }) => sum + Math.max(0, PER_ACCOUNT - receipts.count(key)), 0),
    // The warm-up's count too: a tick it skipped is load the product could not take, measured or not.
    skipped: warmUp.skipped + run.skipped,
    failed: [...warmUp.failed, ...run.failed],
    escalateMs,
    claimMs,
    servers: servers.map((_, index) => ({
      cpuShare: ((cpuAfter[index]?.cpuMicros ?? 0) - (cpuBefore[index]?.cpuMicros ?? 0)) / 1e6 / run.seconds,
      heapPerSubscriber:
        ((heapAfter[index]?.heapUsed ?? 0) - (heapBefore[index]?.heapUsed ?? 0)) /
        Math.max(1, held[index] ?? 0),
      subscribers: held[index] ?? 0,
      loopDelayMs: cpuAfter[index]?.loopDelayMs ?? { p99: 0, max: 0 },
    })),
    redisCpuShare: (redisAfter - redisBefore) / run.seconds,
    proxyCpuShare: (proxyAfter - proxyBefore) / run.seconds,
    subscribersCpuShare: (subscribersAfter - subscribersBefore) / run.seconds,
    postgres:
      postgresBefore && postgresAfter
        ? {
            cpuShare: cpuSpentBetween(postgresBefore.cpu, postgresAfter.cpu) / run.seconds,
            transactionsPerSecond: (postgresAfter.transactions - postgresBefore.transactions) / run.seconds,
          }
        : null,
    audit,
  };
}

type TProductSetup = {
  accounts: { account: TestAccount; tokens: TUserTokens; sessions: string[] }[];
  users: UserClient;
  siteUrl: string;
};

/** Each account's engineer and senior signed in through the proxy, and the sessions its escalations need. */
async function prepareAccounts(
  database: Awaited<ReturnType<typeof createTestDatabase>>,
  siteUrl: string,
  schedule: number[],
): Promise<TProductSetup> {
  progress(`setup: ${ACCOUNTS} accounts`);
  const created = await inParallel(Array.from({ length: ACCOUNTS }), SETUP_CONCURRENCY, () =>
    createTestAccount(database.prisma),
  );
  progress("setup: signing in each account's engineer and senior");
  const proxy = { url: siteUrl };
  const tokens = await inParallel(created, SETUP_CONCURRENCY, async (account) => ({
    engineer: await login(proxy, account.engineer.email),
    senior: await login(proxy, account.senior.email),
  }));
  const users = await startUserClient(siteUrl, tokens[0] as TUserTokens);
  const accounts = created.map((account, index) => ({
    account,
    tokens: tokens[index] as TUserTokens,
    sessions: [] as string[],
  }));
  progress(`setup: ${schedule.length} sessions to escalate`);
  await inParallel(schedule, SETUP_CONCURRENCY, async (accountIndex) => {
    const entry = accounts[accountIndex] as (typeof accounts)[number];
    const { value } = await users.call({ op: "createSession", index: accountIndex, tokens: entry.tokens });
    entry.sessions.push(value);
  });
  return { accounts, users, siteUrl };
}

/** What one escalation sent each subscriber of its account, its handoff id a placeholder. */
type TFrames = { handoffId: string; texts: string[] };

async function measureProduct(redis: Redis, schedule: number[]) {
  const database = await createTestDatabase("postgres");
  const ports = await Promise.all(Array.from({ length: REPLICAS }, () => freePort()));
  const streamPorts = await Promise.all(ports.map(() => freePort()));
  const siteUrls = await siteUrlsOfProxies();
  // Requests go through the first proxy; every proxy serves the same site, at this origin.
  const siteUrl = siteUrls[0] as string;
  const env = {
    DATABASE_URL: database.databaseUrl as string,
    REDIS_URL: testRedisUrl,
    APP_ORIGIN: siteUrl,
    TRUST_PROXY: "true",
    LOGIN_DEVICE_SECRET: randomUUID() + randomUUID(),
    // A request that fails is counted and printed (once per message) by this bench.
    LOG_LEVEL: "fatal",
    STREAM_MAX_PER_LOGIN: String(PER_ACCOUNT * 2),
    // Every subscriber comes from the proxy's address.
    WS_MAX_PER_ADDRESS: String(SUBSCRIBERS * 2),
  };
  const replicas: TMeasuredServer[] = [];
  let proxies: TProxies | null = null;
  let setup: TProductSetup | null = null;
  let fleets = null as FleetProcesses | null;
  try {
    progress(`setup: two replicas of the production build behind ${PROXIES} Caddy`);
    for (const [index, port] of ports.entries()) {
      const streamPort = streamPorts[index] as number;
      const server = await startProduct(port, { ...env, STREAM_PORT: String(streamPort) });
      replicas.push({ server, ports: [port, streamPort] });
    }
    proxies = await startProxies(siteUrls, ports, streamPorts);
    const { pids } = proxies;
    setup = await prepareAccounts(database, siteUrl, schedule);
    const { accounts, users } = setup;
    const databaseName = new URL(database.databaseUrl as string).pathname.slice(1);
    const result = await measureRun({
      label: "Handoff, two replicas",
      servers: replicas,
      schedule,
      proxyPids: pids,
      redis,
      postgres: {
        backendPids: async () =>
          (
            await database.prisma.$queryRaw<{ pid: number }[]>`
              SELECT pid FROM pg_stat_activity WHERE datname = ${databaseName} AND pid <> pg_backend_pid()`
          ).map(({ pid }) => pid),
        transactions: async () => {
          const [row] = await database.prisma.$queryRaw<{ total: bigint }[]>`
            SELECT xact_commit + xact_rollback AS total FROM pg_stat_database WHERE datname = ${databaseName}`;
          return Number(row?.total ?? 0);
        },
      },
      connect: async (receipts) => {
        fleets = await connectFleets(
          receipts,
          (account) => `${proxyOf(proxies as TProxies, account).replace(/^http/, "ws")}/trpc`,
          (account) => ({
            cookie: `${AUTH_COOKIE_NAME}=${accounts[account]?.tokens.senior}`,
            origin: siteUrl,
          }),
          true,
        );
        return fleets;
      },
      send: async (account, sent) => {
        const entry = accounts[account] as (typeof accounts)[number];
        const startedAt = wallNow();
        const escalated = await users.call({
          op: "escalate",
          sessionId: entry.sessions.pop() as string,
          tokens: entry.tokens,
        });
        sent.push({ account, key: `handoff.created:${escalated.value}`, startedAt });
        if (sent.length % CLAIM_EVERY !== 0) return { escalateMs: escalated.ms };
        const claimed = await users.call({ op: "claim", handoffId: escalated.value, tokens: entry.tokens });
        return { escalateMs: escalated.ms, claimMs: claimed.ms };
      },
    });
    const frames = result.lastEscalation;
    if (!frames) throw new Error("no escalation reached a first subscriber");
    return { result, frames: { handoffId: frames.handoffId, texts: frames.frames } satisfies TFrames };
  } finally {
    await fleets?.stop();
    setup?.users.stop();
    await proxies?.stop();
    for (const replica of replicas) await replica.server.stop();
    await database.close();
  }
}

/**
 * The floor: the same accounts and schedule, each escalation's frames (new handoff id, the
 * account's next seq) published on its account's Redis channel and sent by the raw server holding
 * that account's sockets; a claimed one also gets a card-sized frame of its own.
 */
async function measureRaw(redis: Redis, schedule: number[], frames: TFrames) {
  const channelPrefix = `handoff-bench-raw:${randomUUID()}:`;
  const ports = await Promise.all(Array.from({ length: REPLICAS }, () => freePort()));
  const siteUrls = await siteUrlsOfProxies();
  const servers: TMeasuredServer[] = [];
  let proxies: TProxies | null = null;
  let fleets = null as FleetProcesses | null;
  const publisher = new Redis(testRedisUrl);
  const seqs = new Array<number>(ACCOUNTS).fill(0);
  const templates = frames.texts.map((text) => text.split(frames.handoffId).join("{{id}}"));
  const framesFor = (account: number, handoffId: string, texts: string[]) =>
    texts.map((template) => {
      const message = JSON.parse(template.split("{{id}}").join(handoffId));
      seqs[account] = (seqs[account] ?? 0) + 1;
      message.result.data.json.data.seq = seqs[account];
      return JSON.stringify(message);
    });
  const claimTemplate = (templates[0] as string).replace('"handoff.created"', '"handoff.claimed"');
  try {
    progress(`raw: two ws + Redis pub/sub servers behind ${PROXIES} Caddy`);
    for (const port of ports) {
      servers.push({
        server: await startRawServer(port, RAW_PUBSUB_ENTRY, {
          REDIS_URL: testRedisUrl,
          RAW_CHANNEL_PREFIX: channelPrefix,
        }),
        ports: [port],
      });
    }
    proxies = await startProxies(siteUrls, ports);
    const { pids } = proxies;
    let escalations = 0;
    return await measureRun({
      label: "raw ws + Redis pub/sub",
      servers,
      schedule,
      proxyPids: pids,
      redis,
      postgres: null,
      connect: async (receipts) => {
        fleets = await connectFleets(
          receipts,
          (account) =>
            `${proxyOf(proxies as TProxies, account).replace(/^http/, "ws")}/raw?account=${account}`,
          () => ({}),
          false,
        );
        return fleets;
      },
      send: async (account, sent) => {
        const handoffId = randomUUID();
        const texts = framesFor(account, handoffId, templates);
        escalations += 1;
        if (escalations % CLAIM_EVERY === 0) texts.push(...framesFor(account, handoffId, [claimTemplate]));
        const startedAt = wallNow();
        const pipeline = publisher.pipeline();
        for (const text of texts) pipeline.publish(`${channelPrefix}${account}`, text);
        await pipeline.exec();
        sent.push({ account, key: `handoff.created:${handoffId}`, startedAt });
        return {};
      },
    });
  } finally {
    await fleets?.stop();
    await proxies?.stop();
    for (const { server } of servers) await server.stop();
    publisher.disconnect();
  }
}

function printRuns(product: TRunResult, raw: TRunResult) {
  const row = (name: string, value: string, reference: string, versus = "") =>
    console.log(`  ${name.padEnd(40)} ${value.padStart(16)}   raw ${reference.padStart(16)}   ${versus}`);
  const percent = (share: number) => `${(share * 100).toFixed(1)} %`;
  console.log(
    `\n${ACCOUNTS} accounts × ${PER_ACCOUNT} subscribers = ${SUBSCRIBERS} over ${REPLICAS} replicas behind ${PROXIES} Caddy, held by ${CLIENTS} client processes; ${RATE} escalations/s for ${SECONDS} s, one in ${CLAIM_EVERY} claimed`,
  );
  for (const [name, key] of [
    ["delivery (escalate sent → each), p50", "p50"],
    ["delivery, p99", "p99"],
    ["delivery, max", "max"],
  ] as const) {
    const versus = key === "p99" ? `${ratio(product.delivery.p99, raw.delivery.p99)} (≤ 1.5×)` : "";
    row(name, ms(product.delivery[key]), ms(raw.delivery[key]), versus);
  }
  row(
    "fan-out from first receipt, p50 / p99",
    `${ms(product.spread.p50)} / ${ms(product.spread.p99)}`,
    `${ms(raw.spread.p50)} / ${ms(raw.spread.p99)}`,
    ratio(product.spread.p99, raw.spread.p99),
  );
  const p = (samples: number[], at: number) => (samples.length ? ms(percentile(samples, at)) : "–");
  row("escalate p50 / p99", `${p(product.escalateMs, 50)} / ${p(product.escalateMs, 99)}`, "–");
  row("claim p50 / p99", `${p(product.claimMs, 50)} / ${p(product.claimMs, 99)}`, "–");
  product.servers.forEach((server, index) => {
    const rawServer = raw.servers[index];
    row(
      `replica ${index + 1}: CPU (≤ 50 % of a core)`,
      percent(server.cpuShare),
      percent(rawServer?.cpuShare ?? 0),
    );
    const loopDelay = (delay: TProbeStats["loopDelayMs"] | undefined) =>
      delay ? `${ms(delay.p99)} / ${ms(delay.max)}` : "–";
    row(
      `replica ${index + 1}: event-loop delay p99 / max`,
      loopDelay(server.loopDelayMs),
      loopDelay(rawServer?.loopDelayMs),
    );
    row(
      `replica ${index + 1}: heap per subscriber`,
      `${kb(server.heapPerSubscriber)} (${server.subscribers})`,
      `${kb(rawServer?.heapPerSubscriber ?? 0)} (${rawServer?.subscribers ?? 0})`,
    );
  });
  row("Redis CPU (the whole server)", percent(product.redisCpuShare), percent(raw.redisCpuShare));
  row(`Caddy CPU (${PROXIES} processes)`, percent(product.proxyCpuShare), percent(raw.proxyCpuShare));
  row(
    `the subscribers' CPU (${CLIENTS} processes)`,
    percent(product.subscribersCpuShare),
    percent(raw.subscribersCpuShare),
  );
  row(
    "PostgreSQL CPU (the bench database's backends)",
    product.postgres ? percent(product.postgres.cpuShare) : "–",
    "–",
  );
  row(
    "PostgreSQL transactions/s (the bench database)",
    product.postgres ? product.postgres.transactionsPerSecond.toFixed(0) : "–",
    "–",
    `(${RATE} escalations/s)`,
  );
  const audit = (run: TRunResult) =>
    `${run.audit.lost} / ${run.audit.duplicated} / ${run.audit.outOfOrder} / ${run.undelivered}`;
  row("lost / duplicated / out of order / undelivered", audit(product), audit(raw), "(all 0)");
  row(
    "ticks skipped (in-flight cap) / failed",
    `${product.skipped} / ${product.failed.length}`,
    `${raw.skipped} / ${raw.failed.length}`,
  );
  for (const failure of new Set(product.failed)) console.log(`  failed: ${failure}`);
}

if (!(await isTestRedisReachable())) throw new Error(`Redis at ${testRedisUrl} is unreachable`);
ensureProductionBuild();
console.log(`load average before: ${loadAverage()} (1 / 5 / 15 min, ${availableParallelism()} cores)`);
// Which account each tick escalates in: the same for the product and the floor.
const schedule = Array.from({ length: WARM_UP + ESCALATIONS }, () => randomInt(ACCOUNTS));
const redis = new Redis(testRedisUrl);
try {
  const product = await measureProduct(redis, schedule);
  console.log(`load average between the runs: ${loadAverage()}`);
  const raw = await measureRaw(redis, schedule, product.frames);
  printRuns(product.result, raw);
} finally {
  redis.disconnect();
}
console.log(`load average after: ${loadAverage()}`);
