// The live escalation stream through the real server, @trpc/client's wsLink and a real database:
// delivery within a second, tenant isolation, roles, resume after restarts, overflow and bus faults.

import { AUTH_COOKIE_NAME, type TEscalationEvent } from "@handoff/api";
import type { Bus } from "@handoff/bus";
import { createTestAccount, type TestAccount, testDatabaseTargets } from "@handoff/db/testing";
import { beforeAll, describe, expect, it, vi } from "vitest";
import { createTestClient, login, TEST_APP_ORIGIN, type TestClient } from "../src/testing/index.ts";
import { collectEvents, handoffEvents, seqsOf } from "./support/event-collector.ts";
import { useTestServer } from "./support/use-test-server.ts";

/** Waits until the server-side subscription is listening on the bus. */
async function untilListening(bus: Pick<Bus, "subscriberCount">, accountId: string, count = 1) {
  await vi.waitFor(() => expect(bus.subscriberCount(accountId)).toBeGreaterThanOrEqual(count), {
    timeout: 15_000,
  });
}

describe.each(await testDatabaseTargets())("on %s", (target) => {
  const app = useTestServer({ target });

  function subscribe(client: TestClient, lastEventId?: string) {
    const events = collectEvents<TEscalationEvent>();
    const subscription = client.escalation.onEvent.subscribe(lastEventId ? { lastEventId } : {}, events);
    return { events, subscription };
  }

  describe("escalation.onEvent", () => {
    let acme: TestAccount;
    let globex: TestAccount;

    beforeAll(async () => {
      acme = await createTestAccount(app.prisma);
      globex = await createTestAccount(app.prisma);
    });

    it("delivers an escalation to a senior of the same account within a second, and to no other tenant", async () => {
      const senior = await app.clientFor(acme.senior);
      const outsider = await app.clientFor(globex.senior);
      const engineer = await app.clientFor(acme.engineer);
      // A first escalation on a fresh server pays for compiling its queries; that is not delivery.
      const warmUp = await engineer.session.create({ problemSummary: "Warm-up", problemDomain: "test" });
      await engineer.handoff.escalate({ sessionId: warmUp.id, priority: "low" });
      // …and its assessment (handoff.assessed), which would otherwise arrive on the stream below.
      await app.server.deps.jobs.drain();
      const mine = subscribe(senior);
      const theirs = subscribe(outsider);
      await untilListening(app.server.bus, acme.account.id);
      await untilListening(app.server.bus, globex.account.id);

      const startedAt = Date.now();
      const card = await engineer.handoff.escalate({
        sessionId: acme.session.id,
        priority: "high",
        notes: "Rebuilt the VPN profile; still drops.",
      });
      const [received] = await mine.events.waitForCount(1, 15_000);
      const elapsedMs = Date.now() - startedAt;

      // The one-second target is measured by `pnpm bench`; on a busy shared machine allow more.
      expect(elapsedMs).toBeLessThan(5_000);
      expect(received?.data).toMatchObject({
        kind: "handoff",
        type: "handoff.created",
        handoff: {
          id: card.id,
          sessionId: acme.session.id,
          intent: "escalate",
          priority: "high",
          problemSummary: acme.session.problemSummary,
          notes: "Rebuilt the VPN profile; still drops.",
          handedOffBy: { id: acme.engineer.id, name: acme.engineer.name },
          claimedBy: null,
        },
      });
      expect(received?.id).toMatch(/^.+:\d+$/);

      await new Promise((resolve) => setTimeout(resolve, 300));
      expect(theirs.events.items).toHaveLength(0);
      mine.subscription.unsubscribe();
      theirs.subscription.unsubscribe();
    });

    it("streams a VIEWER the session.updated events only, no queue cards; refuses a caller with no login", async () => {
      const account = await createTestAccount(app.prisma);
      const viewer = subscribe(await app.clientFor(account.viewer));
      const anonymous = subscribe(createTestClient(app.server, {}));
      expect(await anonymous.events.waitForError()).toMatchObject({ data: { code: "UNAUTHORIZED" } });
      await untilListening(app.server.bus, account.account.id);

      const engineer = await app.clientFor(account.engineer);
      const sessionId = account.session.id;
      const card = await engineer.handoff.escalate({ sessionId, priority: "high" });
      const escalated = await engineer.session.byId({ sessionId });
      await (await app.clientFor(account.senior)).handoff.claim({ handoffId: card.id });
      const claimed = await engineer.session.byId({ sessionId });

      const items = await viewer.events.waitForCount(2);
      expect(items.map(({ data }) => data)).toMatchObject([
        {
          kind: "session",
          type: "session.updated",
          session: { status: "escalated", openHandoff: { id: card.id } },
        },
        {
          kind: "session",
          type: "session.updated",
          session: { status: "active", assignee: { id: account.senior.id } },
        },
      ]);
      // Each event's session is the session as a read right after the change shows it, field for field.
      for (const [index, detail] of [escalated, claimed].entries()) {
        const announced = items[index]?.data as { session: Record<string, unknown> };
        const read = detail as unknown as Record<string, unknown>;
        const fields = Object.keys(announced.session);
        expect(fields).toContain("openHandoff");
        expect(announced.session).toEqual(Object.fromEntries(fields.map((field) => [field, read[field]])));
      }
      await new Promise((resolve) => setTimeout(resolve, 300));
      expect(viewer.events.items).toHaveLength(2);
      expect(viewer.events.errors).toEqual([]);
      viewer.subscription.unsubscribe();
      await vi.waitFor(() => expect(app.server.bus.subscriberCount(account.account.id)).toBe(0), {
        timeout: 15_000,
      });
    });

    it("is served over WebSocket only: a subscription over HTTP gets a clear error", async () => {
      const token = await login(app.server, acme.senior.email);
      const response = await fetch(
        `${app.server.url}/trpc/escalation.onEvent?input=${encodeURIComponent("{}")}`,
        {
          headers: { cookie: `${AUTH_COOKIE_NAME}=${token}`, origin: TEST_APP_ORIGIN },
          signal: AbortSignal.timeout(10_000),
        },
      );
      expect(await response.text()).toContain("The live stream is served over WebSocket only, at /trpc.");
    });

    it("streams parks too, and sends no email for them", async () => {
      const account = await createTestAccount(app.prisma);
      const senior = subscribe(await app.clientFor(account.senior));
      await untilListening(app.server.bus, account.account.id);
      const engineer = await app.clientFor(account.engineer);

      const card = await engineer.handoff.park({ sessionId: account.session.id, notes: "Back after lunch" });

      const [event] = await senior.events.waitForCount(1);
      expect(event?.data).toMatchObject({
        kind: "handoff",
        type: "handoff.created",
        handoff: { id: card.id, intent: "park" },
      });
      const { handoffs: seniorQueue } = await (await app.clientFor(account.senior)).handoff.queue({});
      expect(seniorQueue.map((handoff) => handoff.id)).toEqual([card.id]);
      await app.server.deps.jobs.drain();
      expect(await app.prisma.notification.count({ where: { handoffId: card.id } })).toBe(0);
      senior.subscription.unsubscribe();
    });
  });

  describe("resuming with lastEventId", () => {
    it("gets exactly the events missed while the server was down, once and in order", async () => {
      const account = await createTestAccount(app.prisma);
      const senior = subscribe(await app.clientFor(account.senior));
      await untilListening(app.server.bus, account.account.id);
      const engineer = await app.clientFor(account.engineer);
      await engineer.handoff.escalate({ sessionId: account.session.id, priority: "normal" });
      await senior.events.waitForCount(1);

      await app.server.stop();
      // While this replica is down, engineers on another replica (same database) escalate concurrently.
      const other = await app.startServer();
      try {
        const engineers = await Promise.all(
          [account.engineer, account.admin, account.owner].map((user) => app.clientFor(user, other)),
        );
        const engineerAt = (index: number) =>
          engineers[index % engineers.length] as (typeof engineers)[number];
        const sessions = await Promise.all(
          Array.from({ length: 6 }, (_, index) =>
            engineerAt(index).session.create({
              problemSummary: `Outage ${index}`,
              problemDomain: "network",
            }),
          ),
        );
        await Promise.all(
          sessions.map((session, index) =>
            engineerAt(index).handoff.escalate({
              sessionId: session.id,
              priority: "urgent",
            }),
          ),
        );
      } finally {
        await other.close();
      }
      await app.server.start();
      // Each escalation's assessment follows it as handoff.assessed, written by a job (some by the
      // other replica before it closed, the rest here): wait until all are.
      await app.server.deps.jobs.drain();

      // Each session opened and each escalation also announces its session (session.updated).
      const logged = await app.prisma.escalationEvent.findMany({
        where: { accountId: account.account.id },
        orderBy: { seq: "asc" },
      });
      expect(logged.filter((event) => event.type === "handoff.created")).toHaveLength(7);
      expect(logged.filter((event) => event.type === "handoff.assessed")).toHaveLength(7);
      const items = await senior.events.waitForCount(logged.length, 15_000);
      await new Promise((resolve) => setTimeout(resolve, 300));
      expect(handoffEvents(items)).toHaveLength(14);
      const seqs = seqsOf(items);
      expect(seqs).toEqual(logged.map((event) => event.seq));
      senior.subscription.unsubscribe();
    });

    it("picks up from a queue snapshot's position: nothing committed between the two is missed", async () => {
      const account = await createTestAccount(app.prisma);
      const seniorClient = await app.clientFor(account.senior);
      const { handoffs, lastEventId } = await seniorClient.handoff.queue({});
      expect(handoffs).toEqual([]);
      const card = await (await app.clientFor(account.engineer)).handoff.escalate({
        sessionId: account.session.id,
        priority: "high",
      });

      const senior = subscribe(seniorClient, lastEventId);
      const [event] = await senior.events.waitForCount(1);
      expect(event?.data).toMatchObject({ kind: "handoff", seq: 1, handoff: { id: card.id } });
      senior.subscription.unsubscribe();
    });

    it("tells a client holding an id from another event log to resync, then streams live", async () => {
      const account = await createTestAccount(app.prisma);
      const senior = subscribe(await app.clientFor(account.senior), "an-epoch-from-a-reset-database:41");
      const [first] = await senior.events.waitForCount(1);
      expect(first?.data).toMatchObject({ kind: "resync" });

      const engineer = await app.clientFor(account.engineer);
      const card = await engineer.handoff.escalate({ sessionId: account.session.id, priority: "low" });
      const [, second] = await senior.events.waitForCount(2);
      expect(second?.data).toMatchObject({ kind: "handoff", seq: 1, handoff: { id: card.id } });
      senior.subscription.unsubscribe();
    });
  });
});
