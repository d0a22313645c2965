// Scale-out: two server replicas sharing one database and one Redis. A senior connected to
// replica B sees, live, an escalation made on replica A.
import { randomUUID } from "node:crypto";
import type { TBusMessage, TEscalationEvent } from "@handoff/api";
import { createRedisBus } from "@handoff/bus";
import { isTestRedisReachable, testRedisUrl } from "@handoff/bus/testing";
import type { Database } from "@handoff/db";
import { createTestAccount, createTestDatabase } from "@handoff/db/testing";
import { afterAll, beforeAll, describe, expect, it, vi } from "vitest";
import { createTestClient, login, startTestServer, type TestServer } from "../src/testing/index.ts";
import { collectEvents, handoffEvents } from "./support/event-collector.ts";

const hasRedis = await isTestRedisReachable();

describe.runIf(hasRedis)("replicas on a Redis bus", () => {
  let database: Database;
  const replicas: TestServer[] = [];
  // A channel prefix of our own keeps parallel runs on one Redis apart.
  const channelPrefix = `handoff-test:${randomUUID()}:`;
  const buses = [0, 1].map(() => createRedisBus<TBusMessage>({ url: testRedisUrl, channelPrefix }));

  beforeAll(async () => {
    database = await createTestDatabase("pglite");
    for (const bus of buses) replicas.push(await startTestServer({ database, bus }));
  });
  afterAll(async () => {
    for (const replica of replicas) await replica.close();
    for (const bus of buses) await bus.close();
    await database?.close();
  });

  it("delivers an escalation made on replica A to a senior on replica B", async () => {
    const [replicaA, replicaB] = replicas as [TestServer, TestServer];
    const account = await createTestAccount(database.prisma);
    const senior = createTestClient(replicaB, { token: await login(replicaB, account.senior.email) });
    const events = collectEvents<TEscalationEvent>();
    const subscription = senior.escalation.onEvent.subscribe({}, events);
    await vi.waitFor(() => expect(replicaB.bus.subscriberCount(account.account.id)).toBe(1), {
      timeout: 15_000,
    });

    const engineer = createTestClient(replicaA, { token: await login(replicaA, account.engineer.email) });
    const card = await engineer.handoff.escalate({ sessionId: account.session.id, priority: "urgent" });

    const [event] = await events.waitForCount(1, 10_000);
    expect(event?.data).toMatchObject({ kind: "handoff", type: "handoff.created", handoff: { id: card.id } });

    await senior.handoff.claim({ handoffId: card.id });
    const engineerView = collectEvents<TEscalationEvent>();
    const engineerSubscription = engineer.escalation.onEvent.subscribe(
      { lastEventId: event?.id },
      engineerView,
    );
    // The escalation's assessment is written by one of the two replicas' workers, once, before or
    // after the claim: both streams carry it exactly once.
    await Promise.all(replicas.map((replica) => replica.deps.jobs.drain()));
    const typesOf = (view: typeof events) => handoffEvents(view.items).map((item) => item.type);
    await vi.waitFor(() =>
      expect(typesOf(engineerView).sort()).toEqual(["handoff.assessed", "handoff.claimed"]),
    );
    expect(handoffEvents(engineerView.items).find((item) => item.type === "handoff.claimed")).toMatchObject({
      handoff: { claimedBy: { id: account.senior.id } },
    });
    await vi.waitFor(() =>
      expect(typesOf(events).sort()).toEqual(["handoff.assessed", "handoff.claimed", "handoff.created"]),
    );
    subscription.unsubscribe();
    engineerSubscription.unsubscribe();
  });

  it("shows a senior on replica A who else views the handoff from replica B, and when they leave", async () => {
    const [replicaA, replicaB] = replicas as [TestServer, TestServer];
    const account = await createTestAccount(database.prisma);
    const engineer = createTestClient(replicaA, { token: await login(replicaA, account.engineer.email) });
    const card = await engineer.handoff.escalate({ sessionId: account.session.id, priority: "high" });
    const viewsOf = async (replica: TestServer, email: string) => {
      const client = createTestClient(replica, { token: await login(replica, email) });
      const seen: Array<{ viewers: Array<{ name: string }> }> = [];
      const subscription = client.presence.view.subscribe(
        { handoffId: card.id },
        { onData: (value) => seen.push(value) },
      );
      return { names: () => (seen.at(-1)?.viewers ?? []).map((viewer) => viewer.name).sort(), subscription };
    };
    const sid = await viewsOf(replicaA, account.senior.email);
    await vi.waitFor(() => expect(sid.names()).toEqual(["Sid Senior"]));
    const olivia = await viewsOf(replicaB, account.owner.email);
    await vi.waitFor(() => expect(olivia.names()).toEqual(["Olivia Owner", "Sid Senior"]), {
      timeout: 10_000,
    });
    await vi.waitFor(() => expect(sid.names()).toEqual(["Olivia Owner", "Sid Senior"]), { timeout: 10_000 });
    olivia.subscription.unsubscribe();
    await vi.waitFor(() => expect(sid.names()).toEqual(["Sid Senior"]), { timeout: 10_000 });
    sid.subscription.unsubscribe();
  });
});
