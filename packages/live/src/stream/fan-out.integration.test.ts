// Fan-out under load, on each database: while one process hands every event to many slow
// subscribers, handoff transactions (which hold the account's seq lock until commit) still get their
// turns and commit, and every subscriber gets every event once, in order.

import { type ApiDeps, createHandoff, systemClock, type TEscalationBusMessage } from "@handoff/api";
import { createMemoryBus } from "@handoff/bus";
import type { Database } from "@handoff/db";
import { createTestAccount, createTestDatabase, testDatabaseTargets } from "@handoff/db/testing";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { FAN_OUT_MS_PER_TURN, FanOutScheduler } from "../scheduler/fan-out-scheduler.ts";
import { createStreamHub } from "./stream-hub.ts";

const READERS = 1_024;
const ESCALATIONS = 8;
/** What each reader spends per event on the main thread, as encoding and sending to a socket do. */
const DELIVERY_COST_MS = 0.05;
/** Far more than one turn may spend on the fan-out. */
const FAN_OUT_COST_MS = READERS * DELIVERY_COST_MS;

const silentLogger = { info() {}, warn() {}, error() {} };

function spin(ms: number) {
  const until = performance.now() + ms;
  while (performance.now() < until) {
    // busy: the thread is taken, as by real per-subscriber work
  }
}

describe.each(await testDatabaseTargets())("fan-out on %s", (target) => {
  let database: Database;

  beforeAll(async () => {
    database = await createTestDatabase(target);
  });
  afterAll(async () => {
    await database?.close();
  });

  it("commits a burst of escalations while slow subscribers are served a few milliseconds per turn, each getting every event once, in order", async () => {
    const account = await createTestAccount(database.prisma);
    const accountId = account.account.id;
    const sessions = await Promise.all(
      Array.from({ length: ESCALATIONS }, (_, index) =>
        database.prisma.session.create({
          data: {
            accountId,
            ownerId: account.engineer.id,
            problemSummary: `Fan-out ${index}`,
            problemDomain: "network",
          },
        }),
      ),
    );
    const bus = createMemoryBus<TEscalationBusMessage>();
    const deps = {
      prisma: database.prisma,
      bus,
      logger: silentLogger,
      jobs: { kick() {} } as unknown as ApiDeps["jobs"],
      // No assessments: every event the readers count is an escalation's handoff.created.
      assistant: { model: null, isAssessing: false },
      clock: systemClock,
    };
    const streams = createStreamHub({
      ...deps,
      scheduler: new FanOutScheduler(),
      streamLogCheckMs: 60_000,
      streamHistorySize: 1_000,
    });
    const controller = new AbortController();
    // Each escalation is two events: handoff.created, then session.updated.
    const expected = ESCALATIONS * 2;
    const received = Array.from({ length: READERS }, () => [] as number[]);
    // When the first reader has the first event, the next turn of the event loop is booked: how
    // many readers have it by then says whether the fan-out let anything else run meanwhile.
    let readersWithFirstEventAtNextTurn: number | null = null;
    let readersDone = 0;
    const allDone = new Promise<void>((resolve) => {
      const follow = (seqs: number[]) =>
        streams.follow({
          accountId,
          lastEventId: null,
          sink: {
            end: () => undefined,
            wants: () => true,
            deliver(item) {
              spin(DELIVERY_COST_MS);
              seqs.push(item.seq);
              if (seqs === received[0] && seqs.length === 1) {
                setImmediate(() => {
                  readersWithFirstEventAtNextTurn = received.filter((other) => other.length > 0).length;
                });
              }
              if (seqs.length === expected && ++readersDone === READERS) resolve();
            },
          },
        });
      for (const seqs of received) {
        const following = follow(seqs);
        controller.signal.addEventListener("abort", () => following.stop());
      }
    });
    await expect.poll(() => streams.stats().readers).toBe(READERS);
    await expect.poll(() => bus.subscriberCount(accountId)).toBe(1);

    const viewer = {
      id: account.engineer.id,
      name: account.engineer.name,
      accountId,
      role: "engineer" as const,
    };
    const outcomes = await Promise.allSettled(
      sessions.map((session) =>
        createHandoff(deps, viewer, { sessionId: session.id, intent: "escalate", priority: "high" }),
      ),
    );
    const failures = outcomes.flatMap((outcome) =>
      outcome.status === "rejected" ? [String(outcome.reason)] : [],
    );
    expect(failures).toEqual([]);

    await allDone;
    // A few milliseconds per turn, with a turn for I/O in between.
    expect(FAN_OUT_COST_MS).toBeGreaterThan(10 * FAN_OUT_MS_PER_TURN);
    expect(readersWithFirstEventAtNextTurn).toBeLessThan(READERS);
    const { eventSeq } = await database.prisma.account.findUniqueOrThrow({ where: { id: accountId } });
    const inOrder = Array.from({ length: expected }, (_, index) => eventSeq - expected + 1 + index);
    for (const seqs of received) expect(seqs).toEqual(inOrder);
    controller.abort();
    await bus.close();
  }, 120_000);
});
