// The stream generator on its own, against a real database and a bus whose subscription the
// test controls: a bus failure that lands while the consumer is busy must not crash the process.
import { BusDisconnectedError, type BusSubscription, type EscalationBus } from "@handoff/bus";
import type { Database } from "@handoff/db";
import { createTestAccount, createTestDatabase } from "@handoff/db/testing";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { TEscalationBusMessage } from "../domain/bus-message.ts";
import { streamEscalationEvents } from "./escalation-stream.ts";

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
  const bus: EscalationBus<TEscalationBusMessage> = {
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

describe("streamEscalationEvents", () => {
  it("survives a bus disconnect that arrives while the consumer holds a message, and resumes", async () => {
    const account = await createTestAccount(database.prisma);
    const { eventEpoch } = await database.prisma.account.findUniqueOrThrow({
      where: { id: account.account.id },
    });
    const controlled = createControlledBus();
    const controller = new AbortController();
    const stream = streamEscalationEvents(
      { prisma: database.prisma, bus: controlled.bus, logger: silentLogger, streamLogCheckMs: 60_000 },
      { accountId: account.account.id, lastEventId: `${eventEpoch}:0`, signal: controller.signal },
    );
    const message = (seq: number): TEscalationBusMessage => ({
      accountId: account.account.id,
      epoch: eventEpoch,
      seq,
      type: "handoff.created",
      at: new Date().toISOString(),
      handoff: { id: `h${seq}` } as TEscalationBusMessage["handoff"],
    });

    const first = stream.next();
    await expect.poll(() => controlled.reads.length).toBe(1);
    controlled.reads[0]?.resolve(message(1));
    expect((await first).value).toMatchObject({ event: { seq: 1 } });

    // The generator is suspended at its yield, with the next read already pending: fail it now.
    await expect.poll(() => controlled.reads.length).toBe(2);
    controlled.reads[1]?.reject(new BusDisconnectedError(account.account.id));
    await new Promise((resolve) => setTimeout(resolve, 50));

    const second = stream.next();
    await expect.poll(() => controlled.subscriptions()).toBe(2);
    await expect.poll(() => controlled.reads.length).toBe(3);
    controlled.reads[2]?.resolve(message(2));
    expect((await second).value).toMatchObject({ event: { seq: 2 } });
    controller.abort();
    await stream.return(undefined);
  });
});
