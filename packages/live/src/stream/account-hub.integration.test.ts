// The account hub on its own, against a real database and a bus whose subscription the test
// controls: readers share one bus subscription, resume from memory or the log, survive bus failures,
// and an idle hub holds its memory flat.
import { setFlagsFromString } from "node:v8";
import { runInNewContext } from "node:vm";
import { appendEscalationEvents, type TEscalationBusMessage, type THandoffCard } from "@handoff/api";
import { type Bus, BusDisconnectedError, type BusSubscription, createMemoryBus } from "@handoff/bus";
import type { Database } from "@handoff/db";
import { createTestAccount, createTestDatabase, type TestAccount } from "@handoff/db/testing";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { FanOutScheduler } from "../scheduler/fan-out-scheduler.ts";
import { readStream } from "./read-stream.testing.ts";
import { createStreamHub, type TStreamItem } from "./stream-hub.ts";

let database: Database;

beforeAll(async () => {
  database = await createTestDatabase("pglite");
});
afterAll(async () => {
  await database?.close();
});

type TControlledRead = { resolve(message: TEscalationBusMessage): void; reject(error: Error): void };

/** A bus whose every read waits until the test resolves or rejects it. */
function createControlledBus() {
  const reads: TControlledRead[] = [];
  let subscriptions = 0;
  const bus: Bus<TEscalationBusMessage> = {
    async publish() {},
    async subscribe() {
      subscriptions += 1;
      let isClosed = false;
      const iterator: AsyncIterator<TEscalationBusMessage> = {
        next: () =>
          isClosed
            ? Promise.resolve({ done: true, value: undefined })
            : new Promise((resolve, reject) =>
                reads.push({ resolve: (value) => resolve({ done: false, value }), reject }),
              ),
        return: async () => {
          isClosed = true;
          return { done: true, value: undefined };
        },
      };
      const subscription: BusSubscription<TEscalationBusMessage> = {
        [Symbol.asyncIterator]: () => iterator,
        close() {
          isClosed = true;
        },
      };
      return subscription;
    },
    subscriberCount: () => subscriptions,
    close: async () => {},
  };
  return { bus, reads, subscriptions: () => subscriptions };
}

const silentLogger = { info() {}, warn() {}, error() {} };

function hubDeps(
  bus: Bus<TEscalationBusMessage>,
  overrides: { historySize?: number; logCheckMs?: number; prisma?: Database["prisma"] } = {},
) {
  return {
    prisma: overrides.prisma ?? database.prisma,
    bus,
    logger: silentLogger,
    scheduler: new FanOutScheduler(),
    streamLogCheckMs: overrides.logCheckMs ?? 60_000,
    streamHistorySize: overrides.historySize ?? 100,
  };
}

/** The client, counting the account head queries and event log reads made through it. */
function countingQueries(prisma: Database["prisma"]) {
  const counts = { heads: 0, logReads: 0 };
  const counting = (model: object, method: string, key: keyof typeof counts) =>
    new Proxy(model, {
      get(target, property) {
        const value = Reflect.get(target, property);
        if (typeof value !== "function") return value;
        if (property !== method) return value.bind(target);
        return (...args: unknown[]) => {
          counts[key] += 1;
          return value.apply(target, args);
        };
      },
    });
  const account = counting(prisma.account, "findMany", "heads");
  const escalationEvent = counting(prisma.escalationEvent, "findMany", "logReads");
  const counted = new Proxy(prisma, {
    get(target, property) {
      if (property === "account") return account;
      if (property === "escalationEvent") return escalationEvent;
      const value = Reflect.get(target, property);
      return typeof value === "function" ? value.bind(target) : value;
    },
  });
  return { prisma: counted, counts: () => ({ ...counts }) };
}

/** Commits `count` events about one parked handoff to the account's log, as handoff changes would. */
async function commitEvents(account: TestAccount, count: number): Promise<TEscalationBusMessage[]> {
  const handoff =
    (await database.prisma.handoff.findFirst({ where: { sessionId: account.session.id } })) ??
    (await database.prisma.handoff.create({
      data: {
        accountId: account.account.id,
        sessionId: account.session.id,
        intent: "PARK",
        snapshot: {},
        handedOffById: account.engineer.id,
      },
    }));
  // A whole card: the log reads payloads back with their schema and skips what does not parse.
  const card: THandoffCard = {
    id: handoff.id,
    sessionId: account.session.id,
    intent: "park",
    priority: "normal",
    problemSummary: "Printer offline",
    psaTicketId: null,
    psaTicketUrl: null,
    problemDomain: "Printing",
    notes: null,
    stepCount: 0,
    confidenceTier: "low",
    team: null,
    handedOffBy: { id: account.engineer.id, name: account.engineer.name },
    createdAt: handoff.createdAt.toISOString(),
    claimedBy: null,
    claimedAt: null,
    assessment: null,
    dueAt: new Date(0).toISOString(),
    overdue: false,
  };
  const messages: TEscalationBusMessage[] = [];
  for (let index = 0; index < count; index += 1) {
    messages.push(
      ...(await database.prisma.$transaction((tx) =>
        appendEscalationEvents(tx, account.account.id, [{ type: "handoff.created", handoff: card }]),
      )),
    );
  }
  return messages;
}

async function take(stream: AsyncGenerator<TStreamItem>, count: number): Promise<number[]> {
  const seqs: number[] = [];
  while (seqs.length < count) {
    const next = await stream.next();
    if (next.done) break;
    seqs.push(next.value.seq);
  }
  return seqs;
}

describe("account hub", () => {
  it("survives a bus disconnect that arrives while readers hold a message, and resumes", async () => {
    const account = await createTestAccount(database.prisma);
    const { eventEpoch } = await database.prisma.account.findUniqueOrThrow({
      where: { id: account.account.id },
    });
    const controlled = createControlledBus();
    const hub = createStreamHub(hubDeps(controlled.bus));
    const controller = new AbortController();
    const options = {
      accountId: account.account.id,
      lastEventId: `${eventEpoch}:0`,
      signal: controller.signal,
    };
    const readers = [readStream(hub, options), readStream(hub, options)];
    const message = (seq: number): TEscalationBusMessage => ({
      accountId: account.account.id,
      epoch: eventEpoch,
      seq,
      type: "handoff.created",
      at: new Date().toISOString(),
      handoff: { id: `h${seq}` } as THandoffCard,
    });

    const firsts = readers.map((reader) => reader.next());
    await expect.poll(() => controlled.reads.length).toBe(1);
    controlled.reads[0]?.resolve(message(1));
    for (const first of firsts) expect((await first).value).toMatchObject({ event: { seq: 1 } });
    // Two readers, one bus subscription.
    expect(controlled.subscriptions()).toBe(1);

    // The readers hold their first event, with the hub's next read pending: fail it now.
    await expect.poll(() => controlled.reads.length).toBe(2);
    controlled.reads[1]?.reject(new BusDisconnectedError(account.account.id));
    await expect.poll(() => controlled.subscriptions()).toBe(2);
    await expect.poll(() => controlled.reads.length).toBe(3);
    const seconds = readers.map((reader) => reader.next());
    controlled.reads[2]?.resolve(message(2));
    for (const second of seconds) expect((await second).value).toMatchObject({ event: { seq: 2 } });

    controller.abort();
    await Promise.all(readers.map((reader) => reader.return(undefined)));
    expect(hub.stats()).toEqual({ accounts: 0, readers: 0 });
  });

  it("resumes a position older than its history from the log, then from memory, every event once in order", async () => {
    const account = await createTestAccount(database.prisma);
    const committed = await commitEvents(account, 12);
    const epoch = committed[0]?.epoch;
    const bus = createMemoryBus<TEscalationBusMessage>();
    const hub = createStreamHub(hubDeps(bus, { historySize: 3 }));
    const controller = new AbortController();
    const from = (seq: number) =>
      readStream(hub, {
        accountId: account.account.id,
        lastEventId: `${epoch}:${seq}`,
        signal: controller.signal,
      });

    const old = from(2);
    const recent = from(10);
    expect(await take(recent, 2)).toEqual([11, 12]);
    const live = await commitEvents(account, 2);
    for (const message of live) await bus.publish(account.account.id, message);
    expect(await take(old, 12)).toEqual([3, 4, 5, 6, 7, 8, 9, 10, 11, 12, 13, 14]);
    expect(await take(recent, 2)).toEqual([13, 14]);

    controller.abort();
    await Promise.all([old.return(undefined), recent.return(undefined)]);
    await bus.close();
  });

  it("fills a lost publish from the log while idle", async () => {
    const account = await createTestAccount(database.prisma);
    const bus = createMemoryBus<TEscalationBusMessage>();
    const hub = createStreamHub(hubDeps(bus, { logCheckMs: 50 }));
    const controller = new AbortController();
    const reader = readStream(hub, {
      accountId: account.account.id,
      lastEventId: null,
      signal: controller.signal,
    });
    const first = reader.next();
    await expect.poll(() => bus.subscriberCount(account.account.id)).toBe(1);
    await commitEvents(account, 1); // committed, never published
    expect((await first).value).toMatchObject({ seq: 1 });
    controller.abort();
    await reader.return(undefined);
    await bus.close();
  });

  it("checks every idle hub of the process with one query per interval, and reads the log only for a gap", async () => {
    const accounts = await Promise.all(Array.from({ length: 12 }, () => createTestAccount(database.prisma)));
    const counted = countingQueries(database.prisma);
    const bus = createMemoryBus<TEscalationBusMessage>();
    const hub = createStreamHub(hubDeps(bus, { logCheckMs: 200, prisma: counted.prisma }));
    const controller = new AbortController();
    const readers = accounts.map((account) =>
      readStream(hub, { accountId: account.account.id, lastEventId: null, signal: controller.signal }),
    );
    const firsts = readers.map((reader) => reader.next());
    for (const account of accounts) {
      await expect.poll(() => bus.subscriberCount(account.account.id)).toBe(1);
    }
    // Committed, never published: only the idle check can find them.
    await commitEvents(accounts[0] as TestAccount, 1);
    await commitEvents(accounts[1] as TestAccount, 1);
    expect((await firsts[0])?.value).toMatchObject({ seq: 1 });
    expect((await firsts[1])?.value).toMatchObject({ seq: 1 });

    const before = counted.counts();
    const startedAt = performance.now();
    await new Promise((resolve) => setTimeout(resolve, 2_000));
    const intervals = (performance.now() - startedAt) / 200;
    const during = counted.counts();
    // One head query per interval for all twelve hubs (a check per hub would be twelve), and no log
    // read while no hub lacks an event.
    expect(during.heads - before.heads).toBeLessThanOrEqual(Math.ceil(intervals) + 1);
    expect(during.heads - before.heads).toBeGreaterThan(0);
    expect(during.logReads - before.logReads).toBe(0);

    controller.abort();
    await Promise.all(firsts.slice(2));
    await Promise.all(readers.map((reader) => reader.return(undefined)));
    await bus.close();
  });

  it("keeps its heap flat over many idle checks, whatever the number of readers", async () => {
    setFlagsFromString("--expose-gc");
    const gc = runInNewContext("gc") as () => void;
    const account = await createTestAccount(database.prisma);
    const controlled = createControlledBus();
    const hub = createStreamHub(hubDeps(controlled.bus, { logCheckMs: 2 }));
    const controller = new AbortController();
    const readers = Array.from({ length: 200 }, () =>
      readStream(hub, { accountId: account.account.id, lastEventId: null, signal: controller.signal }),
    );
    const pending = readers.map((reader) => reader.next());
    await expect.poll(() => controlled.reads.length).toBe(1);
    const heapAfter = async (ms: number) => {
      await new Promise((resolve) => setTimeout(resolve, ms));
      gc();
      return process.memoryUsage().heapUsed;
    };
    const settled = await heapAfter(500);
    const later = await heapAfter(2_500);
    // Per-reader idle checks that each left a handler behind grew by ~180 B × readers × checks (tens of MB).
    expect(later - settled).toBeLessThan(2 * 1_048_576);
    controller.abort();
    await Promise.all(pending);
    await Promise.all(readers.map((reader) => reader.return(undefined)));
  });
});
