// Payloads written by another version of the app (a rolling deploy): an event this version cannot
// read is logged and skipped, and the stream carries on with the events after it, in order.
import type { TEscalationEvent } from "@handoff/api";
import type { Database } from "@handoff/db";
import { createTestAccount, createTestDatabase } from "@handoff/db/testing";
import { afterAll, beforeAll, describe, expect, it, vi } from "vitest";
import {
  createLogCapture,
  createTestClient,
  login,
  startTestServer,
  type TestServer,
} from "../src/testing/index.ts";
import { collectEvents } from "./support/event-collector.ts";

let database: Database;
let server: TestServer;
const logs = createLogCapture();

beforeAll(async () => {
  database = await createTestDatabase("pglite");
  server = await startTestServer({ database, logger: logs.logger });
});
afterAll(async () => {
  await server?.close();
  await database?.close();
});

describe("versioned payloads", () => {
  it("skips an event of an unknown version in the log and streams the ones after it", async () => {
    const account = await createTestAccount(database.prisma);
    const senior = createTestClient(server, { token: await login(server, account.senior.email) });
    const engineer = createTestClient(server, { token: await login(server, account.engineer.email) });
    const { lastEventId } = await senior.handoff.queue({});

    const card = await engineer.handoff.escalate({ sessionId: account.session.id, priority: "high" });
    // A newer version of the app wrote this one.
    await database.prisma.$transaction(async (tx) => {
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
    const received = await events.waitForCount(2, 10_000);
    expect(received.map(({ data }) => (data.kind === "handoff" ? [data.type, data.seq] : data.kind))).toEqual(
      [
        ["handoff.created", 1],
        ["handoff.claimed", 3],
      ],
    );
    await vi.waitFor(() =>
      expect(logs.problems()).toEqual([
        expect.objectContaining({ msg: "skipped an event this version cannot read", seq: 2 }),
      ]),
    );

    // Live events keep coming after it.
    await senior.handoff.release({ handoffId: card.id });
    expect((await events.waitForCount(3, 10_000)).at(-1)?.data).toMatchObject({
      type: "handoff.released",
      seq: 4,
    });
    subscription.unsubscribe();
  });
});
