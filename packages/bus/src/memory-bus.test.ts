// Memory bus: the shared bus contract, plus what only an in-process bus can promise.

import { describe, expect, it } from "vitest";
import { createMemoryBus } from "./memory-bus.ts";
import { describeBusContract, newChannel, type TestMessage, take } from "./testing/bus-contract.ts";

describeBusContract("memory", {
  createPair(options) {
    const bus = createMemoryBus<TestMessage>(options);
    return { publisher: bus, subscriber: bus };
  },
  leakCycles: 10_000,
});

describe("memory bus", () => {
  it("delivers synchronously within publish, so the buffer holds the message before publish resolves", async () => {
    const bus = createMemoryBus<TestMessage>();
    const channel = newChannel();
    const subscription = await bus.subscribe(channel);
    const publishing = bus.publish(channel, { n: 1 });
    expect(bus.stats()).toEqual({ channels: 1, subscribers: 1, bufferedMessages: 1 });
    await publishing;
    expect(await take(subscription, 1)).toEqual([{ n: 1 }]);
    await bus.close();
  });

  it("skips (and reports) a message its parser refuses, as the Redis bus does", async () => {
    const errors: unknown[] = [];
    const bus = createMemoryBus<TestMessage>({
      onError: (error) => errors.push(error),
      parse: (value) => {
        if ((value as TestMessage).n < 0) throw new Error("not a message this version knows");
        return value as TestMessage;
      },
    });
    const channel = newChannel();
    const subscription = await bus.subscribe(channel);
    await bus.publish(channel, { n: -1 });
    await bus.publish(channel, { n: 2 });
    expect(await take(subscription, 1)).toEqual([{ n: 2 }]);
    expect(errors).toHaveLength(1);
    await bus.close();
  });

  it("gives subscribers a copy, never the publisher's object", async () => {
    const bus = createMemoryBus<TestMessage>();
    const channel = newChannel();
    const subscription = await bus.subscribe(channel);
    const sent = { n: 1 };
    await bus.publish(channel, sent);
    sent.n = 2;
    expect(await take(subscription, 1)).toEqual([{ n: 1 }]);
    await bus.close();
  });
});
