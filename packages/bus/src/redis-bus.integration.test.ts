// Redis bus against a real Redis: the shared contract across two bus instances (two replicas), plus
// channel multiplexing, connection loss, outages and shutdown.

import { randomUUID } from "node:crypto";
import { createServer, type Socket } from "node:net";
import { Redis } from "ioredis";
import { afterAll, afterEach, describe, expect, it } from "vitest";
import { BusDisconnectedError, BusUnavailableError } from "./errors.ts";
import { createRedisBus, type RedisBusOptions } from "./redis-bus.ts";
import { describeBusContract, newChannel, type TestMessage, take } from "./testing/bus-contract.ts";
import { isTestRedisReachable, testRedisUrl } from "./testing/redis-env.ts";
import type { InspectableBus } from "./types.ts";

const isRedisReachable = await isTestRedisReachable();

function uniqueName(): string {
  return `test-bus-${randomUUID()}`;
}

async function eventually(check: () => Promise<boolean> | boolean, what: string): Promise<void> {
  const deadline = Date.now() + 5_000;
  while (!(await check())) {
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await new Promise((resolve) => setTimeout(resolve, 20));
  }
}

describe.skipIf(!isRedisReachable)("redis bus", () => {
  const admin = new Redis(testRedisUrl, { lazyConnect: true });
  afterAll(() => admin.quit());

  describeBusContract("redis (two replicas)", {
    createPair(options) {
      const channelPrefix = `${uniqueName()}:`;
      const shared: RedisBusOptions = { url: testRedisUrl, channelPrefix, ...options };
      return {
        publisher: createRedisBus<TestMessage>(shared),
        subscriber: createRedisBus<TestMessage>(shared),
        isBackendIdle: async () => (await admin.pubsub("CHANNELS", `${channelPrefix}*`)).length === 0,
      };
    },
    leakCycles: 1_000,
  });

  describe("redis specifics", () => {
    const buses: InspectableBus<TestMessage>[] = [];
    const bus = (options: Partial<Parameters<typeof createRedisBus<TestMessage>>[0]> = {}) => {
      const created = createRedisBus<TestMessage>({
        url: testRedisUrl,
        channelPrefix: `${uniqueName()}:`,
        ...options,
      });
      buses.push(created);
      return created;
    };
    const numsub = async (redisChannel: string) => {
      const reply = (await admin.pubsub("NUMSUB", redisChannel)) as [string, number];
      return Number(reply[1]);
    };
    const clientIds = async (name: string) =>
      ((await admin.client("LIST")) as string)
        .split("\n")
        .filter((line) => line.includes(` name=${name}`))
        .map((line) => /\bid=(\d+)/.exec(line)?.[1] ?? "");

    afterEach(async () => {
      await Promise.all(buses.splice(0).map((created) => created.close()));
    });
    it("sends one SUBSCRIBE per channel however many subscribers, and UNSUBSCRIBEs after the last leaves", async () => {
      const prefix = `${uniqueName()}:`;
      const subscriber = bus({ channelPrefix: prefix });
      const channel = newChannel();
      const subscriptions = await Promise.all([1, 2, 3].map(() => subscriber.subscribe(channel)));

      expect(await numsub(prefix + channel)).toBe(1);
      subscriptions[0]?.close();
      subscriptions[1]?.close();
      expect(await numsub(prefix + channel)).toBe(1);
      subscriptions[2]?.close();
      await eventually(async () => (await numsub(prefix + channel)) === 0, "UNSUBSCRIBE");
    });

    it("listens again when a channel is re-subscribed while its UNSUBSCRIBE is in flight", async () => {
      const prefix = `${uniqueName()}:`;
      const publisher = bus({ channelPrefix: prefix });
      const subscriber = bus({ channelPrefix: prefix });
      const channel = newChannel();

      for (let round = 0; round < 20; round++) {
        const first = await subscriber.subscribe(channel);
        first.close(); // UNSUBSCRIBE goes out...
        const second = await subscriber.subscribe(channel); // ...and SUBSCRIBE right behind it
        await publisher.publish(channel, { n: round });
        expect(await take(second, 1)).toEqual([{ n: round }]);
      }
      await eventually(async () => (await numsub(prefix + channel)) === 0, "UNSUBSCRIBE");
    });

    it("ends subscriptions with BusDisconnectedError when the connection drops, then works again after ioredis reconnects", async () => {
      const name = uniqueName();
      const prefix = `${name}:`;
      const publisher = bus({ channelPrefix: prefix });
      const subscriber = bus({ channelPrefix: prefix, connectionName: name });
      const channel = newChannel();
      const before = await subscriber.subscribe(channel);

      const [subscriberId] = await clientIds(`${name}:sub`);
      await admin.client("KILL", "ID", String(subscriberId));

      await expect(take(before, 1)).rejects.toBeInstanceOf(BusDisconnectedError);
      expect(subscriber.subscriberCount()).toBe(0);

      await eventually(async () => (await clientIds(`${name}:sub`)).length === 1, "ioredis to reconnect");
      const after = await subscriber.subscribe(channel);
      await publisher.publish(channel, { n: 1 });
      expect(await take(after, 1)).toEqual([{ n: 1 }]);
    });

    it("an abort while SUBSCRIBE is unacknowledged resolves an ended stream and leaves no Redis subscription", async () => {
      const prefix = `${uniqueName()}:`;
      const subscriber = bus({ channelPrefix: prefix });
      const channel = newChannel();
      const controller = new AbortController();

      const subscribing = subscriber.subscribe(channel, { signal: controller.signal });
      controller.abort();
      const subscription = await subscribing;

      expect(await subscription[Symbol.asyncIterator]().next()).toEqual({ done: true, value: undefined });
      expect(subscriber.stats()).toEqual({ channels: 0, subscribers: 0, bufferedMessages: 0 });
      await eventually(async () => (await numsub(prefix + channel)) === 0, "UNSUBSCRIBE");
    });

    it("ignores (and reports) a message on its channels that is not JSON", async () => {
      const prefix = `${uniqueName()}:`;
      const errors: unknown[] = [];
      const subscriber = bus({ channelPrefix: prefix, onError: (error) => errors.push(error) });
      const publisher = bus({ channelPrefix: prefix });
      const channel = newChannel();
      const subscription = await subscriber.subscribe(channel);

      await admin.publish(prefix + channel, "{not json");
      await publisher.publish(channel, { n: 1 });

      expect(await take(subscription, 1)).toEqual([{ n: 1 }]);
      expect(errors).toHaveLength(1);
      expect(String(errors[0])).toMatch(/not JSON/);
    });

    it("skips (and reports) a message its parser refuses, such as one from a newer version", async () => {
      const prefix = `${uniqueName()}:`;
      const errors: unknown[] = [];
      const subscriber = bus({
        channelPrefix: prefix,
        onError: (error) => errors.push(error),
        parse: (value) => {
          if ((value as { v?: unknown }).v !== 1) throw new Error("unknown message version");
          return value as TestMessage;
        },
      });
      const publisher = bus({ channelPrefix: prefix });
      const channel = newChannel();
      const subscription = await subscriber.subscribe(channel);

      await admin.publish(prefix + channel, JSON.stringify({ v: 2, n: 1 }));
      await publisher.publish(channel, { v: 1, n: 2 } as TestMessage);

      expect(await take(subscription, 1)).toEqual([{ v: 1, n: 2 }]);
      expect(errors).toHaveLength(1);
      expect(String((errors[0] as Error).cause)).toMatch(/unknown message version/);
    });

    it("close() quits both connections", async () => {
      const name = uniqueName();
      const closing = createRedisBus<TestMessage>({ url: testRedisUrl, connectionName: name });
      await closing.subscribe(newChannel());
      await eventually(async () => (await clientIds(name)).length === 2, "both connections");

      await closing.close();

      await eventually(async () => (await clientIds(name)).length === 0, "both connections to close");
    });
  });
});

describe("redis bus without a reachable Redis", () => {
  const sockets = new Set<Socket>();
  // Accepts connections and never answers: a hung Redis.
  const silent = createServer((socket) => {
    sockets.add(socket);
    socket.on("close", () => sockets.delete(socket));
  });

  afterAll(async () => {
    for (const socket of sockets) socket.destroy();
    await new Promise((resolve) => silent.close(resolve));
  });

  it("rejects publish and subscribe quickly when Redis refuses connections, and still closes", async () => {
    const errors: unknown[] = [];
    const down = createRedisBus<TestMessage>({
      url: "redis://127.0.0.1:1",
      timeoutMs: 500,
      onError: (error) => errors.push(error),
    });
    const startedAt = Date.now();

    await expect(down.publish("acct", { n: 1 })).rejects.toBeInstanceOf(BusUnavailableError);
    await expect(down.subscribe("acct")).rejects.toBeInstanceOf(BusUnavailableError);

    expect(Date.now() - startedAt).toBeLessThan(3_000);
    expect(down.stats()).toEqual({ channels: 0, subscribers: 0, bufferedMessages: 0 });
    expect(errors.length).toBeGreaterThan(0);
    await down.close();
  });

  it("rejects publish and subscribe within timeoutMs when Redis accepts but never answers", async () => {
    await new Promise<void>((resolve) => silent.listen(0, "127.0.0.1", resolve));
    const address = silent.address();
    if (!address || typeof address === "string") throw new Error("no port");
    const hung = createRedisBus<TestMessage>({ url: `redis://127.0.0.1:${address.port}`, timeoutMs: 300 });
    const startedAt = Date.now();

    await expect(hung.publish("acct", { n: 1 })).rejects.toBeInstanceOf(BusUnavailableError);
    await expect(hung.subscribe("acct")).rejects.toBeInstanceOf(BusUnavailableError);

    expect(Date.now() - startedAt).toBeLessThan(3_000);
    expect(hung.subscriberCount()).toBe(0);
    await hung.close();
  });
});
