// The stream under faults: a subscriber that falls behind, a bus that cannot publish, a login
// that ends mid-stream, and thousands of subscriptions coming and going.
import { LOGINS_CHANNEL, type TEscalationBusMessage, type TEscalationEvent } from "@handoff/api";
import { type Bus, BusUnavailableError, createMemoryBus } from "@handoff/bus";
import type { Database } from "@handoff/db";
import { createTestAccount, createTestDatabase, testDatabaseTargets } from "@handoff/db/testing";
import { afterAll, beforeAll, describe, expect, it, vi } from "vitest";
import {
  accountSubscriptions,
  createTestClient,
  login,
  startTestServer,
  type TestServer,
  WITHOUT_ASSESSMENTS,
} from "../src/testing/index.ts";
import { collectEvents, seqsOf } from "./support/event-collector.ts";

type TBusMessage = TEscalationBusMessage;

/** A real memory bus whose publish and subscribe can be made to fail, and which counts subscriptions. */
function createFaultyBus() {
  const inner = createMemoryBus<TBusMessage>();
  const state = { isPublishFailing: false, isSubscribeFailing: false, subscribeCalls: 0 };
  const bus: Bus<TBusMessage> = {
    async publish(channel, message) {
      if (state.isPublishFailing) throw new Error("bus unreachable");
      await inner.publish(channel, message);
    },
    async subscribe(channel, options) {
      // Counts the streams' subscriptions, not the process's listener for ended logins.
      if (channel !== LOGINS_CHANNEL) state.subscribeCalls += 1;
      if (state.isSubscribeFailing) throw new BusUnavailableError("Redis did not answer in time");
      return inner.subscribe(channel, options);
    },
    subscriberCount: (channel) => inner.subscriberCount(channel),
    close: () => inner.close(),
  };
  return { bus, inner, state };
}

describe.each(await testDatabaseTargets())("on %s", (target) => {
  let database: Database;

  beforeAll(async () => {
    database = await createTestDatabase(target);
  });
  afterAll(async () => {
    await database?.close();
  });

  async function clientFor(server: TestServer, user: { email: string }) {
    return createTestClient(server, { token: await login(server, user.email) });
  }

  function subscribe(client: Awaited<ReturnType<typeof clientFor>>) {
    const events = collectEvents<TEscalationEvent>();
    const subscription = client.escalation.onEvent.subscribe({}, events);
    return { events, subscription };
  }

  async function untilSubscribers(bus: Pick<Bus, "subscriberCount">, accountId: string, count: number) {
    await vi.waitFor(() => expect(bus.subscriberCount(accountId)).toBe(count), {
      timeout: 10_000,
      interval: 5,
    });
  }

  describe("a subscriber that falls behind", () => {
    it("is resumed from the event log and still gets every event once", async () => {
      const faulty = createFaultyBus();
      const server = await startTestServer({
        database,
        ...WITHOUT_ASSESSMENTS,
        bus: faulty.bus,
        streamBufferSize: 2,
      });
      try {
        const account = await createTestAccount(database.prisma);
        const senior = subscribe(await clientFor(server, account.senior));
        await untilSubscribers(faulty.bus, account.account.id, 1);
        const engineer = await clientFor(server, account.engineer);
        const sessions = await Promise.all(
          Array.from({ length: 5 }, (_, index) =>
            engineer.session.create({ problemSummary: `Mailbox full ${index}`, problemDomain: "m365" }),
          ),
        );
        for (const session of sessions)
          await engineer.handoff.escalate({ sessionId: session.id, priority: "normal" });
        // Five sessions opened, five escalations, each escalation also announcing its session.
        const committed = await senior.events.waitForCount(15);
        const subscribeCallsBefore = faulty.state.subscribeCalls;

        // A burst of re-deliveries in one tick overflows the 2-message buffer.
        const logged = await database.prisma.escalationEvent.findMany({
          where: { accountId: account.account.id },
        });
        for (let round = 0; round < 5; round += 1) {
          for (const item of committed) {
            const event = item.data;
            if (event.kind !== "handoff") continue;
            void faulty.inner.publish(account.account.id, {
              accountId: account.account.id,
              epoch: item.id?.split(":")[0] ?? "",
              seq: event.seq,
              type: event.type,
              at: event.at,
              handoff: event.handoff,
            });
          }
        }
        await vi.waitFor(() => expect(faulty.state.subscribeCalls).toBeGreaterThan(subscribeCallsBefore), {
          timeout: 15_000,
        });

        const more = await engineer.session.create({
          problemSummary: "After the burst",
          problemDomain: "m365",
        });
        await engineer.handoff.escalate({ sessionId: more.id, priority: "high" });
        const items = await senior.events.waitForCount(18);
        await new Promise((resolve) => setTimeout(resolve, 300));
        expect(seqsOf(items)).toEqual(Array.from({ length: 18 }, (_, index) => index + 1));
        expect(logged).toHaveLength(15);
        senior.subscription.unsubscribe();
      } finally {
        await server.close();
      }
    });
  });

  describe("a bus that cannot publish", () => {
    async function escalateWhilePublishFails(streamLogCheckMs: number) {
      const faulty = createFaultyBus();
      const server = await startTestServer({
        database,
        ...WITHOUT_ASSESSMENTS,
        bus: faulty.bus,
        streamLogCheckMs,
      });
      const account = await createTestAccount(database.prisma);
      const seniorClient = await clientFor(server, account.senior);
      const senior = subscribe(seniorClient);
      await untilSubscribers(faulty.bus, account.account.id, 1);
      const engineer = await clientFor(server, account.engineer);

      faulty.state.isPublishFailing = true;
      const lost = await engineer.handoff.escalate({ sessionId: account.session.id, priority: "urgent" });
      expect(await database.prisma.handoff.count({ where: { id: lost.id } })).toBe(1);
      faulty.state.isPublishFailing = false;
      return { server, account, seniorClient, senior, engineer, lost };
    }

    /** The lost escalation's two events, then a new session's one and its escalation's two. */
    const ALL_FIVE = [1, 2, 3, 4, 5];

    it("does not fail the handoff; an idle live subscriber gets the event from the log by itself", async () => {
      const { server, senior, engineer, lost } = await escalateWhilePublishFails(500);
      try {
        const [received] = await senior.events.waitForCount(1, 15_000);
        expect(received?.data).toMatchObject({ kind: "handoff", seq: 1, handoff: { id: lost.id } });

        const next = await engineer.session.create({
          problemSummary: "Second outage",
          problemDomain: "network",
        });
        await engineer.handoff.escalate({ sessionId: next.id, priority: "low" });
        await senior.events.waitForCount(5);
        await new Promise((resolve) => setTimeout(resolve, 1_200));
        expect(seqsOf(senior.events.items)).toEqual(ALL_FIVE);
      } finally {
        await server.close();
      }
    });

    it("fills the gap when a later event reveals it, and replays it to a client that resumes", async () => {
      const { server, senior, seniorClient, engineer, account, lost } =
        await escalateWhilePublishFails(60_000);
      try {
        await new Promise((resolve) => setTimeout(resolve, 300));
        expect(senior.events.items).toHaveLength(0);

        const resumed = collectEvents<TEscalationEvent>();
        const { eventEpoch } = await database.prisma.account.findUniqueOrThrow({
          where: { id: account.account.id },
        });
        const resumedSubscription = seniorClient.escalation.onEvent.subscribe(
          { lastEventId: `${eventEpoch}:0` },
          resumed,
        );
        const [replayed] = await resumed.waitForCount(1);
        expect(replayed?.data).toMatchObject({ kind: "handoff", seq: 1, handoff: { id: lost.id } });

        const next = await engineer.session.create({
          problemSummary: "Second outage",
          problemDomain: "network",
        });
        await engineer.handoff.escalate({ sessionId: next.id, priority: "low" });
        const items = await senior.events.waitForCount(5);
        expect(seqsOf(items)).toEqual(ALL_FIVE);
        resumedSubscription.unsubscribe();
      } finally {
        await server.close();
      }
    });
  });

  describe("a bus that is down when a client subscribes", () => {
    it("streams from the event log until the bus is back, then goes live, every event once", async () => {
      const faulty = createFaultyBus();
      faulty.state.isSubscribeFailing = true;
      faulty.state.isPublishFailing = true;
      const server = await startTestServer({
        database,
        ...WITHOUT_ASSESSMENTS,
        bus: faulty.bus,
        streamLogCheckMs: 300,
      });
      try {
        const account = await createTestAccount(database.prisma);
        const senior = subscribe(await clientFor(server, account.senior));
        await vi.waitFor(() => expect(faulty.state.subscribeCalls).toBeGreaterThan(0));
        const engineer = await clientFor(server, account.engineer);
        const first = await engineer.handoff.escalate({ sessionId: account.session.id, priority: "high" });
        const [polled] = await senior.events.waitForCount(1, 15_000);
        expect(polled?.data).toMatchObject({ kind: "handoff", seq: 1, handoff: { id: first.id } });

        faulty.state.isSubscribeFailing = false;
        faulty.state.isPublishFailing = false;
        await untilSubscribers(faulty.bus, account.account.id, 1);
        const next = await engineer.session.create({
          problemSummary: "After the outage",
          problemDomain: "network",
        });
        await engineer.handoff.escalate({ sessionId: next.id, priority: "low" });
        const items = await senior.events.waitForCount(5);
        await new Promise((resolve) => setTimeout(resolve, 700));
        expect(seqsOf(items)).toEqual([1, 2, 3, 4, 5]);
        senior.subscription.unsubscribe();
      } finally {
        await server.close();
      }
    });
  });

  describe("a login that ends while streaming", () => {
    it.each(["revoked", "expired"] as const)(
      "gets UNAUTHORIZED when its session is %s and leaves no subscriber behind",
      async (how) => {
        const server = await startTestServer({ database, ...WITHOUT_ASSESSMENTS, authRecheckMs: 200 });
        try {
          const account = await createTestAccount(database.prisma);
          const token = await login(server, account.senior.email);
          const client = createTestClient(server, { token });
          const senior = subscribe(client);
          await untilSubscribers(server.bus, account.account.id, 1);

          if (how === "revoked") await client.auth.logout();
          else
            await database.prisma.authSession.updateMany({
              where: { userId: account.senior.id },
              data: { expiresAt: new Date(0) },
            });

          expect(await senior.events.waitForError()).toMatchObject({ data: { code: "UNAUTHORIZED" } });
          await untilSubscribers(server.bus, account.account.id, 0);
        } finally {
          await server.close();
        }
      },
    );
  });

  describe("access that changes while streaming", () => {
    it("ends the stream with FORBIDDEN when the user is demoted to VIEWER", async () => {
      const server = await startTestServer({ database, ...WITHOUT_ASSESSMENTS, authRecheckMs: 200 });
      try {
        const account = await createTestAccount(database.prisma);
        const senior = subscribe(await clientFor(server, account.senior));
        await untilSubscribers(server.bus, account.account.id, 1);

        await database.prisma.user.update({ where: { id: account.senior.id }, data: { role: "VIEWER" } });

        expect(await senior.events.waitForError()).toMatchObject({ data: { code: "FORBIDDEN" } });
        await untilSubscribers(server.bus, account.account.id, 0);
      } finally {
        await server.close();
      }
    });
  });

  describe("subscription lifecycle", () => {
    it("leaves no subscriber and no growing heap after many subscribe/unsubscribe cycles", async () => {
      const server = await startTestServer({ database, ...WITHOUT_ASSESSMENTS });
      try {
        const account = await createTestAccount(database.prisma);
        const token = await login(server, account.senior.email);
        const client = createTestClient(server, { token });
        const cycle = async (end: "unsubscribe" | "abort" | "socket") => {
          const own = end === "socket" ? createTestClient(server, { token }) : client;
          const events = collectEvents<TEscalationEvent>();
          const controller = new AbortController();
          const subscription = own.escalation.onEvent.subscribe({}, { ...events, signal: controller.signal });
          await untilSubscribers(server.bus, account.account.id, 1);
          if (end === "unsubscribe") subscription.unsubscribe();
          if (end === "abort") controller.abort();
          if (end === "socket") own.close();
          await untilSubscribers(server.bus, account.account.id, 0);
        };

        const { gc } = globalThis as { gc?: () => void };
        if (!gc) throw new Error("run with --expose-gc (see vitest.config.ts)");
        for (let index = 0; index < 30; index += 1) await cycle("unsubscribe");
        gc();
        const heapBefore = process.memoryUsage().heapUsed;
        for (let index = 0; index < 100; index += 1) await cycle("unsubscribe");
        for (let index = 0; index < 100; index += 1) await cycle("abort");
        for (let index = 0; index < 30; index += 1) await cycle("socket");
        gc();
        const heapGrowthMb = (process.memoryUsage().heapUsed - heapBefore) / 1_048_576;

        expect(accountSubscriptions(server.bus)).toBe(0);
        expect(heapGrowthMb).toBeLessThan(10);
      } finally {
        await server.close();
      }
    }, 120_000);
  });
});
