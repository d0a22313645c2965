// Payloads written by another version of the app (a rolling deploy): an event this version cannot
// read is logged and skipped, and the stream carries on with the events after it, in order.
import type { TEscalationEvent } from "@handoff/api";
import { createTestAccount } from "@handoff/db/testing";
import { describe, expect, it, vi } from "vitest";
import { createLogCapture, WITHOUT_ASSESSMENTS } from "../src/testing/index.ts";
import { collectEvents } from "./support/event-collector.ts";
import { useTestServer } from "./support/use-test-server.ts";

const logs = createLogCapture();

// The seqs below are exact: see WITHOUT_ASSESSMENTS.
const app = useTestServer({ server: { logger: logs.logger, ...WITHOUT_ASSESSMENTS } });

describe("versioned payloads", () => {
  it("skips an event of an unknown version in the log and streams the ones after it", async () => {
    const account = await createTestAccount(app.prisma);
    const senior = await app.clientFor(account.senior);
    const engineer = await app.clientFor(account.engineer);
    const { lastEventId } = await senior.handoff.queue({});

    const card = await engineer.handoff.escalate({ sessionId: account.session.id, priority: "high" });
    // A newer version of the app wrote this one.
    await app.prisma.$transaction(async (tx) => {
      const { eventSeq } = await tx.account.update({
        where: { id: account.account.id },
        data: { eventSeq: { increment: 1 } },
      });
      await tx.escalationEvent.create({
        data: {
          accountId: account.account.id,
          seq: eventSeq,
          type: "handoff.created",
          handoffId: card.id,
          payload: { v: 99, card: { id: card.id, colour: "teal" } },
        },
      });
    });
    await senior.handoff.claim({ handoffId: card.id });

    const events = collectEvents<TEscalationEvent>();
    const subscription = senior.escalation.onEvent.subscribe({ lastEventId }, events);
    // Each handoff change is followed by its session's session.updated: seqs 1–2, then the unreadable
    // 3, then 4–5.
    const handoffEvents = (items: Array<{ data: TEscalationEvent }>) =>
      items.flatMap(({ data }) => (data.kind === "handoff" ? [[data.type, data.seq]] : []));
    const received = await events.waitForCount(4, 10_000);
    expect(received.map(({ data }) => ("seq" in data ? data.seq : null))).toEqual([1, 2, 4, 5]);
    expect(handoffEvents(received)).toEqual([
      ["handoff.created", 1],
      ["handoff.claimed", 4],
    ]);
    await vi.waitFor(() =>
      expect(logs.problems()).toEqual([
        expect.objectContaining({ msg: "skipped an event this version cannot read", seq: 3 }),
      ]),
    );

    // Live events keep coming after it.
    await senior.handoff.release({ handoffId: card.id });
    expect(handoffEvents(await events.waitForCount(6, 10_000)).at(-1)).toEqual(["handoff.released", 6]);
    subscription.unsubscribe();
  });
});
