// Several processes, proven: the compose topology (docs/deploy.md) without containers. Two
// production-build replicas (dist/main.js, as separate processes) on a fresh PostgreSQL database and
// Redis, behind Debian's Caddy running deploy/Caddyfile. Live subscribers (the web app's wsLink, resuming
// from their last event id) and HTTP clients talk only to Caddy. Replica A is killed with SIGKILL in the
// middle of a burst of escalations, and then:
//   - every subscriber has every event of the account's log once, in order (A's resumed on B);
//   - every escalation was answered (at most one retry, on a connection error) and happened once;
//   - the email jobs A held when it died ran once on B, after their lease ran out.
// Each replica mails through its own Resend stand-in, and A's never answers: so A is sure to hold
// leases when it dies, and B's stand-in shows what B sent, and how often.
import { randomUUID } from "node:crypto";
import type { TEscalationEvent, THandoffCard } from "@handoff/api";
import { isTestRedisReachable, testRedisUrl } from "@handoff/bus/testing";
import {
  createEmptyTestDatabase,
  createTestAccount,
  type TestAccount,
  testDatabaseTargets,
} from "@handoff/db/testing";
import { TRPCClientError } from "@trpc/client";
import { afterAll, beforeAll, describe, expect, it, onTestFailed, vi } from "vitest";
import { createTestClient, login, type TestClient } from "../src/testing/index.ts";
import { type ResendStandIn, startResendStandIn } from "../src/testing/resend-stand-in.ts";
import { isCaddyInstalled, type RunningCaddy, startCaddy } from "../test/support/caddy.ts";
import { collectEvents, type EventCollector } from "../test/support/event-collector.ts";
import { freePort } from "../test/support/free-port.ts";
import { type ServerProcess, startServerProcess } from "../test/support/server-process.ts";
import { clusterTimeline, type TTimedLine } from "./support/cluster-timeline.ts";
import { ensureProductionBuild } from "./support/production-build.ts";

const JOB_LEASE_SECONDS = 3;
const SESSIONS_PER_CLIENT = 15;
/** Escalations answered before A is killed; the rest of the burst runs through the failover. */
const KILL_AFTER_ANSWERS = 10;

const isRunnable =
  (await testDatabaseTargets()).includes("postgres") &&
  (await isTestRedisReachable()) &&
  (await isCaddyInstalled());

/** WebSockets a replica accepted so far (from its log: the writers' clients open theirs later). */
const websocketsOn = (replica: ServerProcess) =>
  replica
    .output()
    .split("\n")
    .filter((line) => line.includes('"msg":"websocket connected"')).length;

/** No tRPC answer came back (the connection dropped, or the proxy said the replica is gone). */
const isConnectionError = (error: unknown) => error instanceof TRPCClientError && error.data === undefined;

/** A live subscriber as the web app runs one: from its snapshot's position, resumed by the wsClient. */
type TSubscriber = {
  /** The seq its snapshot reflects: it must get every event after it. */
  fromSeq: number;
  events: EventCollector<TEscalationEvent>;
  startedTimes(): number;
};

describe.runIf(isRunnable)("two replicas behind Caddy, one killed mid-burst", () => {
  let database: Awaited<ReturnType<typeof createEmptyTestDatabase>>;
  let caddy: RunningCaddy;
  let account: TestAccount;
  const replicas: ServerProcess[] = [];
  const standIns: ResendStandIn[] = [];
  const clients: TestClient[] = [];
  const marks: TTimedLine[] = [];
  const mark = (text: string) => marks.push({ at: Date.now(), text });

  beforeAll(async () => {
    ensureProductionBuild();
    database = await createEmptyTestDatabase("postgres");
    standIns.push(await startResendStandIn(), await startResendStandIn());
    standIns[0]?.respondWith("never");
    const siteUrl = `http://127.0.0.1:${await freePort()}`;
    const shared = {
      HOST: "127.0.0.1",
      PORT: "0",
      // As compose.yaml runs them: Caddy sends the WebSockets to a second port.
      STREAM_PORT: "0",
      DATABASE_URL: database.databaseUrl ?? "",
      REDIS_URL: testRedisUrl,
      APP_ORIGIN: siteUrl,
      TRUST_PROXY: "true",
      LOGIN_DEVICE_SECRET: randomUUID() + randomUUID(),
      RESEND_API_KEY: "re_cluster_test",
      JOB_LEASE: `${JOB_LEASE_SECONDS}s`,
      JOB_POLL_INTERVAL: "200ms",
      JOB_RETRY_BASE: "200ms",
      // "info" logs each accepted WebSocket: the test reads which replica serves which subscriber.
      LOG_LEVEL: "info",
    };
    // Both start at once on the empty database: the migrator's advisory lock lets one migrate.
    replicas.push(
      ...(await Promise.all(
        standIns.map((standIn) => startServerProcess({ ...shared, RESEND_BASE_URL: standIn.baseUrl })),
      )),
    );
    const hostsOf = (urls: (string | null)[]) => urls.map((url) => new URL(url ?? "").host);
    caddy = await startCaddy({
      siteUrl,
      upstreams: hostsOf(replicas.map((replica) => replica.url)),
      streamUpstreams: hostsOf(replicas.map((replica) => replica.streamUrl)),
    });
    account = await createTestAccount(database.prisma);
  });

  afterAll(async () => {
    await Promise.all(clients.map((client) => client.close()));
    await caddy?.stop();
    for (const replica of replicas) replica.child.kill("SIGKILL");
    await Promise.all(replicas.map((replica) => replica.exitCode));
    for (const standIn of standIns) await standIn.close();
    await database?.close();
  });

  const proxied = () => ({ url: caddy.url, wsUrl: `${caddy.url.replace(/^http/, "ws")}/trpc` });

  /** A client of its own login, through Caddy, as a browser tab is. */
  async function signedInClient(email: string): Promise<TestClient> {
    const client = createTestClient(proxied(), { token: await login(proxied(), email) });
    clients.push(client);
    return client;
  }

  async function connectSubscriber(email: string): Promise<TSubscriber> {
    const client = await signedInClient(email);
    const { lastEventId } = await client.handoff.queue({});
    const events = collectEvents<TEscalationEvent>();
    let starts = 0;
    client.escalation.onEvent.subscribe(
      { lastEventId },
      {
        ...events,
        onStarted() {
          starts += 1;
        },
      },
    );
    await vi.waitFor(() => expect(starts).toBe(1), { timeout: 10_000 });
    return { fromSeq: Number(lastEventId.split(":").at(-1)), events, startedTimes: () => starts };
  }

  /** Calls a mutation as a client does: once more, and only once, when no answer came back. */
  async function answered<T>(call: () => Promise<T>, retries: { count: number }): Promise<T> {
    try {
      return await call();
    } catch (error) {
      if (!isConnectionError(error)) throw error;
      mark(`no answer (${String(error)}), retrying`);
      retries.count += 1;
      return call();
    }
  }

  /** The email jobs replica A holds under a lease right now. */
  async function emailJobsHeldBy(replica: ServerProcess) {
    return database.prisma.job.findMany({
      where: {
        accountId: account.account.id,
        kind: "email.send",
        status: "RUNNING",
        lockedBy: { contains: `:${replica.child.pid}:` },
        lockedUntil: { gt: new Date() },
      },
    });
  }

  it("loses, repeats and reorders nothing, answers every mutation, and reruns A's jobs once on B", async () => {
    const [replicaA, replicaB] = replicas as [ServerProcess, ServerProcess];
    onTestFailed(() => {
      console.error(
        `What Caddy and the replicas said:\n${clusterTimeline({ caddy, replicas: { A: replicaA, B: replicaB }, marks })}`,
      );
    });
    mark("started");
    const standInB = standIns[1] as ResendStandIn;
    const subscribers: TSubscriber[] = [];
    const users = [
      account.senior,
      account.senior,
      account.senior,
      account.owner,
      account.admin,
      account.engineer,
    ];
    for (const user of users) subscribers.push(await connectSubscriber(user.email));
    // Caddy sends each to the replica with the fewest open requests (its WebSockets count): a few
    // more, should that leave one with none, so some surely have to resume elsewhere.
    const websocketsOnEach = async () => {
      await vi.waitFor(() =>
        expect(websocketsOn(replicaA) + websocketsOn(replicaB)).toBe(subscribers.length),
      );
      return [websocketsOn(replicaA), websocketsOn(replicaB)];
    };
    while ((await websocketsOnEach()).includes(0) && subscribers.length < 12) {
      subscribers.push(await connectSubscriber(account.senior.email));
    }
    const [subscribersOnA = 0] = await websocketsOnEach();
    expect(subscribersOnA).toBeGreaterThan(0);
    expect(subscribersOnA).toBeLessThan(subscribers.length);

    // Three HTTP clients (their own logins), each escalating sessions of its own, one after another.
    const writers = await Promise.all(
      [account.engineer, account.engineer, account.senior].map(async (user) => {
        const client = await signedInClient(user.email);
        const sessions = [];
        for (let n = 0; n < SESSIONS_PER_CLIENT; n += 1) {
          sessions.push(
            await client.session.create({
              problemSummary: `Cluster burst ${n}`,
              problemDomain: "Networking",
              teamId: account.team.id,
            }),
          );
        }
        return { client, sessions };
      }),
    );

    mark(`${subscribers.length} subscribers and ${writers.length} writers ready`);
    const retries = { count: 0 };
    const cards: THandoffCard[] = [];
    let answeredAtKill: number | null = null;
    const burst = Promise.all(
      writers.map(async ({ client, sessions }) => {
        for (const session of sessions) {
          const input = { sessionId: session.id, priority: "high" as const, idempotencyKey: randomUUID() };
          cards.push(await answered(() => client.handoff.escalate(input), retries));
        }
      }),
    );
    const killing = (async () => {
      await vi.waitFor(() => expect(cards.length).toBeGreaterThanOrEqual(KILL_AFTER_ANSWERS), {
        timeout: 60_000,
        interval: 10,
      });
      let held: Awaited<ReturnType<typeof emailJobsHeldBy>> = [];
      await vi.waitFor(
        async () => {
          held = await emailJobsHeldBy(replicaA);
          expect(held.length).toBeGreaterThan(0);
        },
        { timeout: 20_000, interval: 20 },
      );
      replicaA.child.kill("SIGKILL");
      mark("A killed");
      answeredAtKill = cards.length;
      await replicaA.exitCode;
      return held;
    })();
    const [heldByA] = await Promise.all([killing, burst]);

    // Every escalation was answered, some of them after the kill, and each happened once.
    const sessionIds = writers.flatMap(({ sessions }) => sessions.map((session) => session.id));
    expect(cards).toHaveLength(sessionIds.length);
    expect(answeredAtKill).toBeLessThan(sessionIds.length);
    expect(new Set(cards.map((card) => card.sessionId))).toEqual(new Set(sessionIds));
    const handoffsPerSession = await database.prisma.handoff.groupBy({
      by: ["sessionId"],
      where: { sessionId: { in: sessionIds } },
      _count: true,
    });
    expect(handoffsPerSession.every((group) => group._count === 1)).toBe(true);
    expect(handoffsPerSession).toHaveLength(sessionIds.length);

    // The jobs settle on B alone: A's leased ones once their lease has run out.
    await vi.waitFor(
      async () => {
        const unfinished = await database.prisma.job.count({
          where: {
            accountId: account.account.id,
            OR: [{ status: "RUNNING" }, { status: "PENDING", runAt: { lte: new Date() } }],
          },
        });
        expect(unfinished).toBe(0);
      },
      { timeout: 60_000, interval: 200 },
    );
    const emails = await database.prisma.notification.findMany({
      where: { accountId: account.account.id, channel: "EMAIL" },
    });
    expect(emails.length).toBeGreaterThanOrEqual(sessionIds.length);
    expect(emails.every((email) => email.status === "SENT")).toBe(true);
    const keysAtB = standInB.received.map((email) => email.idempotencyKey);
    expect(new Set(keysAtB).size).toBe(keysAtB.length);
    expect(keysAtB).toHaveLength(emails.length);
    const keyOf = (notificationId: string) => {
      const email = emails.find((row) => row.id === notificationId);
      return `escalation/${email?.handoffId}/${email?.recipientId}`;
    };
    for (const job of heldByA) {
      const key = keyOf((job.payload as { notificationId: string }).notificationId);
      const sentByB = standInB.received.filter((email) => email.idempotencyKey === key);
      expect(sentByB).toHaveLength(1);
      expect(sentByB[0]?.at).toBeGreaterThanOrEqual(job.lockedUntil?.getTime() ?? Number.POSITIVE_INFINITY);
      expect(await database.prisma.job.findUniqueOrThrow({ where: { id: job.id } })).toMatchObject({
        status: "DONE",
        lockedBy: null,
      });
    }

    // Every subscriber, those A served included, has the whole log since its snapshot, once, in order.
    const log = await database.prisma.escalationEvent.findMany({
      where: { accountId: account.account.id },
      orderBy: { seq: "asc" },
      select: { seq: true },
    });
    const { eventEpoch } = await database.prisma.account.findUniqueOrThrow({
      where: { id: account.account.id },
    });
    const lastSeq = log.at(-1)?.seq ?? 0;
    for (const { events } of subscribers) {
      await vi.waitFor(() => expect(events.lastId()).toBe(`${eventEpoch}:${lastSeq}`), { timeout: 30_000 });
    }
    for (const { events, fromSeq } of subscribers) {
      const expected = log
        .filter((event) => event.seq > fromSeq)
        .map((event) => `${eventEpoch}:${event.seq}`);
      expect(events.items.map((item) => item.id)).toEqual(expected);
      expect(events.items.filter((item) => item.data.kind === "resync")).toEqual([]);
      expect(events.errors).toEqual([]);
    }
    // Exactly those A served started again (on B); the others' streams never broke.
    const resumed = subscribers.filter((subscriber) => subscriber.startedTimes() > 1);
    expect(resumed).toHaveLength(subscribersOnA);
    expect(subscribers.every((subscriber) => subscriber.startedTimes() <= 2)).toBe(true);

    // The survivor still serves the web app and new sign-ins through Caddy.
    const page = await fetch(`${caddy.url}/escalations`);
    expect(page.status).toBe(200);
    expect(await page.text()).toContain('<div id="root">');
    expect(await login(proxied(), account.viewer.email)).toBeTruthy();
    expect(replicaB.child.exitCode).toBeNull();
    console.log(
      `cluster: ${sessionIds.length} escalations (${answeredAtKill} answered before the kill, ${retries.count} retried), ` +
        `${log.length} events to ${subscribers.length} subscribers (${resumed.length} resumed on the survivor), ` +
        `${heldByA.length} email jobs A held rerun on B`,
    );
  });
});
