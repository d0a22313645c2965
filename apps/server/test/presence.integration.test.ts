// Presence through the real server: a presence.view subscription is the viewing; everyone on the
// same handoff or session sees who else is there, and the account's watchers (the queue) see every
// change. It ends with the subscription or the socket, crosses replicas by the bus, expires with a
// replica that stops its heartbeat, and never touches the event log.
import type { TBusMessage } from "@handoff/api";
import { createMemoryBus } from "@handoff/bus";
import type { Database } from "@handoff/db";
import { createTestAccount, createTestDatabase, type TestAccount } from "@handoff/db/testing";
import { afterAll, beforeAll, describe, expect, it, vi } from "vitest";
import { createTestClient, login, startTestServer, type TestServer } from "../src/testing/index.ts";

const HEARTBEAT_MS = 200;

type TViewers = Array<{ id: string; name: string }>;

/** The latest viewer list a subscription has delivered, and its error if it ended with one. */
function latestOf<T>() {
  const seen: T[] = [];
  let error: unknown = null;
  return {
    seen,
    error: () => error,
    observer: {
      onData: (value: T) => void seen.push(value),
      onError: (thrown: unknown) => {
        error = thrown;
      },
    },
  };
}

describe("presence", () => {
  let database: Database;
  const bus = createMemoryBus<TBusMessage>();
  let replicaA: TestServer;
  let replicaB: TestServer;
  let account: TestAccount;
  let handoffId: string;

  beforeAll(async () => {
    database = await createTestDatabase("pglite");
    // Two replicas on one bus: each has its own presence rooms and replica id.
    replicaA = await startTestServer({ database, bus, presenceHeartbeatMs: HEARTBEAT_MS });
    replicaB = await startTestServer({ database, bus, presenceHeartbeatMs: HEARTBEAT_MS });
    account = await createTestAccount(database.prisma);
    const engineer = createTestClient(replicaA, { token: await login(replicaA, account.engineer.email) });
    handoffId = (await engineer.handoff.escalate({ sessionId: account.session.id, priority: "high" })).id;
  });
  afterAll(async () => {
    await replicaA?.close();
    await replicaB?.close();
    await bus.close();
    await database?.close();
  });

  async function clientOn(server: TestServer, user: { email: string }) {
    return createTestClient(server, { token: await login(server, user.email) });
  }

  const namesOf = (viewers: TViewers | undefined) => (viewers ?? []).map((viewer) => viewer.name).sort();

  it("shows two seniors on one handoff each other, across replicas, and the end of a viewing within moments", async () => {
    const seqBefore = (await database.prisma.account.findUniqueOrThrow({ where: { id: account.account.id } }))
      .eventSeq;
    const queue = latestOf<{ target: { kind: string; id: string }; viewers: TViewers }>();
    const watcher = await clientOn(replicaA, account.admin);
    const watching = watcher.presence.onChange.subscribe(undefined, queue.observer);

    const sid = await clientOn(replicaA, account.senior);
    const sidView = latestOf<{ viewers: TViewers }>();
    const sidSubscription = sid.presence.view.subscribe({ handoffId }, sidView.observer);
    await vi.waitFor(() => expect(namesOf(sidView.seen.at(-1)?.viewers)).toEqual(["Sid Senior"]));

    // The owner (a second senior, on the other replica) opens the same handoff.
    const olivia = await clientOn(replicaB, account.owner);
    const oliviaView = latestOf<{ viewers: TViewers }>();
    const oliviaSubscription = olivia.presence.view.subscribe({ handoffId }, oliviaView.observer);
    const both = ["Olivia Owner", "Sid Senior"];
    await vi.waitFor(() => expect(namesOf(oliviaView.seen.at(-1)?.viewers)).toEqual(both), {
      timeout: 10_000,
    });
    await vi.waitFor(() => expect(namesOf(sidView.seen.at(-1)?.viewers)).toEqual(both), { timeout: 15_000 });
    await vi.waitFor(() => {
      const last = queue.seen.findLast((change) => change.target.id === handoffId);
      expect(last?.target.kind).toBe("handoff");
      expect(namesOf(last?.viewers)).toEqual(both);
    });

    // Sid leaves the page: Olivia and the queue see it at once, whatever the heartbeat.
    const leftAt = performance.now();
    sidSubscription.unsubscribe();
    await vi.waitFor(() => expect(namesOf(oliviaView.seen.at(-1)?.viewers)).toEqual(["Olivia Owner"]), {
      timeout: 10_000,
      interval: 10,
    });
    expect(performance.now() - leftAt).toBeLessThan(2_000);

    // Olivia's socket drops: the queue sees nobody left.
    await olivia.close();
    await vi.waitFor(
      () => expect(queue.seen.findLast((change) => change.target.id === handoffId)?.viewers).toEqual([]),
      { timeout: 15_000 },
    );
    watching.unsubscribe();
    oliviaSubscription.unsubscribe();

    // Nothing of this went into the event log.
    const seqAfter = (await database.prisma.account.findUniqueOrThrow({ where: { id: account.account.id } }))
      .eventSeq;
    expect(seqAfter).toBe(seqBefore);
    await vi.waitFor(() => expect(replicaA.deps.live.presence.stats()).toEqual({ accounts: 0, viewers: 0 }));
    await vi.waitFor(() => expect(replicaB.deps.live.presence.stats()).toEqual({ accounts: 0, viewers: 0 }));
  });

  it("a newly opened page sees who is already there, on the session page too; several tabs count once", async () => {
    const sid = await clientOn(replicaA, account.senior);
    const tabs = [latestOf<{ viewers: TViewers }>(), latestOf<{ viewers: TViewers }>()];
    const sidTabs = tabs.map((tab) =>
      sid.presence.view.subscribe({ sessionId: account.session.id }, tab.observer),
    );
    await vi.waitFor(() => expect(namesOf(tabs[1]?.seen.at(-1)?.viewers)).toEqual(["Sid Senior"]));

    const erin = await clientOn(replicaB, account.engineer);
    const erinView = latestOf<{ target: { kind: string }; viewers: TViewers }>();
    const erinSubscription = erin.presence.view.subscribe(
      { sessionId: account.session.id },
      erinView.observer,
    );
    await vi.waitFor(() =>
      expect(namesOf(erinView.seen.at(-1)?.viewers)).toEqual(["Erin Engineer", "Sid Senior"]),
    );
    expect(erinView.seen.at(-1)?.target.kind).toBe("session");

    // One of Sid's two tabs closes: he is still there.
    sidTabs[0]?.unsubscribe();
    await new Promise((resolve) => setTimeout(resolve, HEARTBEAT_MS * 2));
    expect(namesOf(erinView.seen.at(-1)?.viewers)).toEqual(["Erin Engineer", "Sid Senior"]);
    sidTabs[1]?.unsubscribe();
    await vi.waitFor(() => expect(namesOf(erinView.seen.at(-1)?.viewers)).toEqual(["Erin Engineer"]));
    erinSubscription.unsubscribe();
  });

  it("forgets the viewers of a replica that stops its heartbeat", async () => {
    const sid = await clientOn(replicaA, account.senior);
    const sidView = latestOf<{ viewers: TViewers }>();
    const subscription = sid.presence.view.subscribe({ handoffId }, sidView.observer);
    await vi.waitFor(() => expect(namesOf(sidView.seen.at(-1)?.viewers)).toEqual(["Sid Senior"]));

    // A replica announces a viewer, then dies without a word.
    await bus.publish(`presence:${account.account.id}`, {
      v: 1,
      kind: "presence",
      accountId: account.account.id,
      replica: "a-replica-that-dies",
      op: "state",
      ttlMs: HEARTBEAT_MS * 3,
      viewers: [{ target: `handoff:${handoffId}`, viewer: { id: "ghost", name: "Gus Ghost" } }],
    });
    await vi.waitFor(() =>
      expect(namesOf(sidView.seen.at(-1)?.viewers)).toEqual(["Gus Ghost", "Sid Senior"]),
    );
    const announcedAt = performance.now();
    await vi.waitFor(() => expect(namesOf(sidView.seen.at(-1)?.viewers)).toEqual(["Sid Senior"]), {
      timeout: 15_000,
    });
    expect(performance.now() - announcedAt).toBeLessThan(HEARTBEAT_MS * 6);
    subscription.unsubscribe();
  });

  it("refuses another account's handoff (NOT_FOUND) and read-only viewers (FORBIDDEN)", async () => {
    const other = await createTestAccount(database.prisma);
    const outsider = await clientOn(replicaA, other.senior);
    const refused = latestOf<unknown>();
    outsider.presence.view.subscribe({ handoffId }, refused.observer);
    await vi.waitFor(() => expect(refused.error()).toMatchObject({ data: { code: "NOT_FOUND" } }));

    const viewer = await clientOn(replicaA, account.viewer);
    const forbidden = latestOf<unknown>();
    viewer.presence.view.subscribe({ handoffId }, forbidden.observer);
    await vi.waitFor(() => expect(forbidden.error()).toMatchObject({ data: { code: "FORBIDDEN" } }));
    expect(refused.seen).toEqual([]);
    expect(forbidden.seen).toEqual([]);
  });
});
