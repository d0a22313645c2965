// The behaviour every Bus must have, run against each implementation by its own test file.
// Each case publishes on `publisher` and listens on `subscriber`: the same bus for memory, two replicas
// for Redis, so every case also proves cross-replica delivery there.

import { randomUUID } from "node:crypto";
import { getEventListeners } from "node:events";
import { afterEach, describe, expect, it } from "vitest";
import { BusClosedError, BusOverflowError } from "../errors.ts";
import type { BusSubscription, InspectableBus } from "../types.ts";

export type TestMessage = { n: number; at?: unknown };

export type BusPair = {
  publisher: InspectableBus<TestMessage>;
  subscriber: InspectableBus<TestMessage>;
  /** For a backend with its own state (Redis subscriptions): true once it holds nothing for this pair. */
  isBackendIdle?(): Promise<boolean>;
};

export type BusHarness = {
  createPair(options?: { bufferSize?: number }): BusPair;
  /** subscribe/unsubscribe cycles for the leak test (Redis round-trips are slower). */
  leakCycles: number;
};

const WAIT = { timeout: 15_000, interval: 5 };

/** Polls until `isDone()`; plain code rather than vi.waitFor so the leak test's heap reflects the bus only. */
async function until(isDone: () => boolean | Promise<boolean>, what: string): Promise<void> {
  const deadline = Date.now() + WAIT.timeout;
  while (!(await isDone())) {
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await new Promise((resolve) => setTimeout(resolve, WAIT.interval));
  }
}

export function newChannel(): string {
  return `test-${randomUUID()}`;
}

/** Reads exactly `count` messages, failing if they take more than a few seconds. */
export async function take<T>(subscription: BusSubscription<T>, count: number): Promise<T[]> {
  const received: T[] = [];
  if (count === 0) return received;
  const reading = (async () => {
    for await (const message of subscription) {
      received.push(message);
      if (received.length === count) return;
    }
  })();
  let timer: NodeJS.Timeout | undefined;
  const timeout = new Promise<never>((_, reject) => {
    timer = setTimeout(() => reject(new Error(`received ${received.length} of ${count} messages`)), 5_000);
  });
  try {
    await Promise.race([reading, timeout]);
  } finally {
    clearTimeout(timer);
  }
  return received;
}

function heapUsedAfterGc(): number {
  const gc = (globalThis as { gc?: () => void }).gc;
  if (!gc) throw new Error("run the bus tests with --expose-gc (see vitest.config.ts)");
  gc();
  gc();
  return process.memoryUsage().heapUsed;
}

export function describeBusContract(name: string, harness: BusHarness): void {
  describe(`${name} bus contract`, () => {
    const opened: BusPair[] = [];
    const pair = (options?: { bufferSize?: number }) => {
      const created = harness.createPair(options);
      opened.push(created);
      return created;
    };

    afterEach(async () => {
      for (const { publisher, subscriber } of opened.splice(0)) {
        await Promise.all([publisher.close(), subscriber.close()]);
      }
    });

    it("fans every message out, in order, to every subscriber of the channel", async () => {
      const { publisher, subscriber } = pair();
      const channel = newChannel();
      const subscriptions = await Promise.all([1, 2, 3].map(() => subscriber.subscribe(channel)));
      expect(subscriber.subscriberCount(channel)).toBe(3);

      for (let n = 0; n < 20; n++) await publisher.publish(channel, { n });

      const expected = Array.from({ length: 20 }, (_, n) => ({ n }));
      for (const subscription of subscriptions) expect(await take(subscription, 20)).toEqual(expected);
    });

    it("delivers a message published right after subscribe() resolves", async () => {
      const { publisher, subscriber } = pair();
      const channel = newChannel();
      const subscription = await subscriber.subscribe(channel);
      await publisher.publish(channel, { n: 1 });
      expect(await take(subscription, 1)).toEqual([{ n: 1 }]);
    });

    it("keeps channels apart", async () => {
      const { publisher, subscriber } = pair();
      const [mine, other] = [newChannel(), newChannel()];
      const subscription = await subscriber.subscribe(mine);
      const otherSubscription = await subscriber.subscribe(other);

      expect(subscriber.subscriberCount(mine)).toBe(1);
      expect(subscriber.subscriberCount()).toBe(2);

      await publisher.publish(other, { n: 1 });
      await publisher.publish(mine, { n: 2 });

      expect(await take(subscription, 1)).toEqual([{ n: 2 }]);
      expect(await take(otherSubscription, 1)).toEqual([{ n: 1 }]);
    });

    it("carries JSON: a Date arrives as its ISO string; what JSON cannot carry is rejected and not sent", async () => {
      const { publisher, subscriber } = pair();
      const channel = newChannel();
      const subscription = await subscriber.subscribe(channel);
      const at = new Date("2025-01-02T03:04:05.000Z");

      await expect(publisher.publish(channel, { n: 1, at: 10n })).rejects.toThrow(TypeError);
      await expect(publisher.publish(channel, undefined as unknown as TestMessage)).rejects.toThrow(
        /JSON-serialisable/,
      );
      await publisher.publish(channel, { n: 2, at });

      expect(await take(subscription, 1)).toEqual([{ n: 2, at: "2025-01-02T03:04:05.000Z" }]);
    });

    it("rejects bad channels and buffer sizes with a clear error", async () => {
      const { publisher, subscriber } = pair();
      await expect(publisher.publish("", { n: 1 })).rejects.toThrow(/non-empty string/);
      await expect(subscriber.subscribe("")).rejects.toThrow(/non-empty string/);
      await expect(subscriber.subscribe(newChannel(), { bufferSize: 0 })).rejects.toThrow(RangeError);
      expect(subscriber.stats()).toEqual({ channels: 0, subscribers: 0, bufferedMessages: 0 });
    });

    it("ends a subscriber that falls behind with BusOverflowError at once, without touching the others", async () => {
      const { publisher, subscriber } = pair({ bufferSize: 4 });
      const channel = newChannel();
      const stalled = await subscriber.subscribe(channel);
      const healthy = await subscriber.subscribe(channel, { bufferSize: 100 });

      for (let n = 0; n < 10; n++) await publisher.publish(channel, { n });

      await until(() => subscriber.subscriberCount(channel) === 1, "the stalled subscriber to overflow");
      expect(await take(healthy, 10)).toEqual(Array.from({ length: 10 }, (_, n) => ({ n })));
      const iterator = stalled[Symbol.asyncIterator]();
      // Buffered messages are discarded: the consumer resumes from the last message it received.
      const error = await iterator.next().then(
        () => undefined,
        (reason: unknown) => reason,
      );
      expect(error).toBeInstanceOf(BusOverflowError);
      expect(error).toMatchObject({ channel, bufferSize: 4 });
      expect(await iterator.next()).toEqual({ done: true, value: undefined });
    });

    it("never makes a publisher wait on a consumer that stopped reading", async () => {
      const { publisher, subscriber } = pair({ bufferSize: 16 });
      const channel = newChannel();
      const stalled = await subscriber.subscribe(channel);
      const startedAt = Date.now();

      await Promise.all(Array.from({ length: 2_000 }, (_, n) => publisher.publish(channel, { n })));

      expect(Date.now() - startedAt).toBeLessThan(5_000);
      await until(() => subscriber.subscriberCount(channel) === 0, "the stalled subscriber to overflow");
      await expect(take(stalled, 1)).rejects.toBeInstanceOf(BusOverflowError);
    });

    it("an abort ends the stream normally, wakes a pending read and frees the subscription", async () => {
      const { subscriber } = pair();
      const channel = newChannel();
      const controller = new AbortController();
      const subscription = await subscriber.subscribe(channel, { signal: controller.signal });
      const pending = subscription[Symbol.asyncIterator]().next();

      controller.abort();

      expect(await pending).toEqual({ done: true, value: undefined });
      expect(subscriber.subscriberCount(channel)).toBe(0);
      expect(getEventListeners(controller.signal, "abort")).toHaveLength(0);
    });

    it("an already-aborted signal gives an ended stream and registers nothing", async () => {
      const { subscriber } = pair();
      const subscription = await subscriber.subscribe(newChannel(), { signal: AbortSignal.abort() });
      expect(await take(subscription, 0)).toEqual([]);
      expect(await subscription[Symbol.asyncIterator]().next()).toEqual({ done: true, value: undefined });
      expect(subscriber.stats()).toEqual({ channels: 0, subscribers: 0, bufferedMessages: 0 });
    });

    it("breaking out of for-await and close() both unsubscribe and drop the signal listener", async () => {
      const { publisher, subscriber } = pair();
      const channel = newChannel();
      const { signal } = new AbortController();
      const broken = await subscriber.subscribe(channel, { signal });
      const closed = await subscriber.subscribe(channel, { signal });
      await publisher.publish(channel, { n: 1 });

      for await (const message of broken) {
        expect(message).toEqual({ n: 1 });
        break;
      }
      const pending = closed[Symbol.asyncIterator]().next();
      expect(await pending).toEqual({ done: false, value: { n: 1 } });
      closed.close();

      expect(subscriber.subscriberCount(channel)).toBe(0);
      expect(getEventListeners(signal, "abort")).toHaveLength(0);
    });

    it("a subscription can be iterated only once", async () => {
      const { subscriber } = pair();
      const subscription = await subscriber.subscribe(newChannel());
      subscription[Symbol.asyncIterator]();
      expect(() => subscription[Symbol.asyncIterator]()).toThrow(/only once/);
      subscription.close();
    });

    it("close() ends every subscription normally and refuses further use", async () => {
      const { publisher, subscriber } = pair();
      const channel = newChannel();
      const subscription = await subscriber.subscribe(channel);
      const pending = subscription[Symbol.asyncIterator]().next();

      await subscriber.close();

      expect(await pending).toEqual({ done: true, value: undefined });
      expect(subscriber.stats()).toEqual({ channels: 0, subscribers: 0, bufferedMessages: 0 });
      await expect(subscriber.subscribe(channel)).rejects.toBeInstanceOf(BusClosedError);
      if (publisher === subscriber) {
        await expect(publisher.publish(channel, { n: 1 })).rejects.toBeInstanceOf(BusClosedError);
      }
    });

    it("leaves nothing behind after thousands of subscribe/unsubscribe cycles", async () => {
      const { publisher, subscriber, isBackendIdle } = pair({ bufferSize: 1 });
      const { signal: longLived } = new AbortController();
      let wrongOutcomes = 0;

      const cycle = async (i: number) => {
        const channel = `${newChannel()}-${i % 7}`;
        const controller = new AbortController();
        const signal = i % 2 === 0 ? controller.signal : longLived;
        const subscription = await subscriber.subscribe(channel, { signal });
        const iterator = subscription[Symbol.asyncIterator]();
        switch (i % 4) {
          case 0: {
            const pending = iterator.next();
            controller.abort();
            await pending;
            return;
          }
          case 1: {
            const pending = iterator.next();
            await publisher.publish(channel, { n: i });
            await pending;
            await iterator.return?.();
            return;
          }
          case 2: {
            const pending = iterator.next();
            subscription.close();
            await pending;
            return;
          }
          default: {
            for (let n = 0; n < 3; n++) await publisher.publish(channel, { n });
            await until(() => subscriber.subscriberCount(channel) === 0, "the subscriber to overflow");
            const error = await iterator.next().then(
              () => undefined,
              (reason: unknown) => reason,
            );
            if (!(error instanceof BusOverflowError)) wrongOutcomes++;
          }
        }
      };

      for (let i = 0; i < 200; i++) await cycle(i);
      const baseline = heapUsedAfterGc();
      for (let i = 0; i < harness.leakCycles; i++) await cycle(i);

      expect(wrongOutcomes).toBe(0);
      expect(subscriber.stats()).toEqual({ channels: 0, subscribers: 0, bufferedMessages: 0 });
      expect(subscriber.subscriberCount()).toBe(0);
      expect(getEventListeners(longLived, "abort")).toHaveLength(0);
      if (isBackendIdle) await until(isBackendIdle, "the backend to release every channel");
      // Generous: only catches per-cycle retention (thousands of leaked queues/listeners add up fast).
      expect(heapUsedAfterGc() - baseline).toBeLessThan(8 * 1024 * 1024);
    });
  });
}
