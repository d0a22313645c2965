// Bus figures, no assertions: publish→deliver latency percentiles and throughput for 1/100/1000 subscribers
// (memory bus, and Redis across two bus instances when reachable), then heap after subscribe/abort cycles.
// Run: pnpm --filter @handoff/bus bench   (Redis from TEST_REDIS_URL, default redis://127.0.0.1:6379)

import { performance } from "node:perf_hooks";
import { createMemoryBus } from "../src/memory-bus.ts";
import { createRedisBus } from "../src/redis-bus.ts";
import { isTestRedisReachable, testRedisUrl } from "../src/testing/redis-env.ts";
import type { InspectableBus } from "../src/types.ts";

type Stamp = { i: number; sentAt: number };
type Pair = { publisher: InspectableBus<Stamp>; subscriber: InspectableBus<Stamp> };
type Factory = { name: string; create(bufferSize: number): Pair };

const SUBSCRIBER_COUNTS = [1, 100, 1000];
const LATENCY_ROUNDS = 300;
const THROUGHPUT_DELIVERIES = 200_000;
const MAX_MESSAGES = 20_000;
/** Publishes in flight at once: a realistic server spreads its publishes; 20k at once would only time out. */
const PUBLISH_WINDOW = 500;
const LEAK_CYCLES = 20_000;

function percentile(sorted: Float64Array, p: number): number {
  return sorted[Math.min(sorted.length - 1, Math.floor((p / 100) * sorted.length))] ?? Number.NaN;
}

function ms(value: number): string {
  return `${value.toFixed(3)} ms`;
}

/** Subscribes `count` consumers and resolves a promise each time every one of them has seen `target` messages. */
async function attach(pair: Pair, channel: string, count: number, onMessage: (stamp: Stamp) => void) {
  let received = 0;
  let waiting: { target: number; resolve(): void } | undefined;
  const subscriptions = await Promise.all(
    Array.from({ length: count }, () => pair.subscriber.subscribe(channel)),
  );
  for (const subscription of subscriptions) {
    void (async () => {
      for await (const stamp of subscription) {
        onMessage(stamp);
        received++;
        if (waiting && received >= waiting.target) waiting.resolve();
      }
    })();
  }
  return {
    reached: (target: number) =>
      received >= target
        ? Promise.resolve()
        : new Promise<void>((resolve) => (waiting = { target, resolve })),
    close: () => {
      for (const subscription of subscriptions) subscription.close();
    },
  };
}

async function measure(factory: Factory, subscribers: number): Promise<void> {
  const messages = Math.min(MAX_MESSAGES, Math.max(50, Math.floor(THROUGHPUT_DELIVERIES / subscribers)));
  const pair = factory.create(messages + 1);
  const channel = `bench-${subscribers}-${Date.now()}`;
  const latencies = new Float64Array(LATENCY_ROUNDS * subscribers);
  let samples = 0;
  let isRecording = true;
  const consumers = await attach(pair, channel, subscribers, (stamp) => {
    if (isRecording) latencies[samples++] = performance.now() - stamp.sentAt;
  });

  // Latency: one message in flight at a time, so the figure is delivery time, not queueing.
  for (let i = 0; i < LATENCY_ROUNDS; i++) {
    await pair.publisher.publish(channel, { i, sentAt: performance.now() });
    await consumers.reached((i + 1) * subscribers);
  }
  isRecording = false;
  const sorted = latencies.subarray(0, samples).sort();

  // Throughput: publish as fast as possible, time until every subscriber has everything.
  const startedAt = performance.now();
  for (let first = 0; first < messages; first += PUBLISH_WINDOW) {
    const window = Math.min(PUBLISH_WINDOW, messages - first);
    await Promise.all(
      Array.from({ length: window }, (_, i) => pair.publisher.publish(channel, { i: first + i, sentAt: 0 })),
    );
  }
  const publishedAt = performance.now();
  await consumers.reached((LATENCY_ROUNDS + messages) * subscribers);
  const seconds = (performance.now() - startedAt) / 1000;

  console.log(
    [
      `${factory.name.padEnd(6)} ${String(subscribers).padStart(5)} subs`,
      `p50 ${ms(percentile(sorted, 50))}`,
      `p95 ${ms(percentile(sorted, 95))}`,
      `p99 ${ms(percentile(sorted, 99))}`,
      `| ${messages} msgs: ${Math.round(messages / seconds)} msg/s, ${Math.round((messages * subscribers) / seconds)} deliveries/s`,
      `(publish calls took ${ms(publishedAt - startedAt)})`,
    ].join("  "),
  );
  consumers.close();
  await Promise.all([pair.publisher.close(), pair.subscriber.close()]);
}

async function heapAfterCycles(factory: Factory, cycles: number): Promise<void> {
  const gc = (globalThis as { gc?: () => void }).gc;
  const heapMiB = () => {
    gc?.();
    return (process.memoryUsage().heapUsed / 1024 / 1024).toFixed(1);
  };
  const { publisher, subscriber } = factory.create(16);
  const before = heapMiB();
  for (let i = 0; i < cycles; i++) {
    const controller = new AbortController();
    const subscription = await subscriber.subscribe(`cycle-${i}`, { signal: controller.signal });
    const pending = subscription[Symbol.asyncIterator]().next();
    controller.abort();
    await pending;
  }
  console.log(
    `${factory.name.padEnd(6)} heap ${before} MiB -> ${heapMiB()} MiB after ${cycles} subscribe/abort cycles` +
      `${gc ? "" : " (no --expose-gc: figures include garbage)"}; stats ${JSON.stringify(subscriber.stats())}`,
  );
  await subscriber.close();
  await publisher.close();
}

const memory: Factory = {
  name: "memory",
  create(bufferSize) {
    const bus = createMemoryBus<Stamp>({ bufferSize });
    return { publisher: bus, subscriber: bus };
  },
};
const redis: Factory = {
  name: "redis",
  create(bufferSize) {
    const options = { url: testRedisUrl, bufferSize, channelPrefix: `bench:${process.pid}:` };
    return { publisher: createRedisBus<Stamp>(options), subscriber: createRedisBus<Stamp>(options) };
  },
};

const factories = [memory];
if (await isTestRedisReachable()) factories.push(redis);
else console.log(`redis: skipped, ${testRedisUrl} unreachable`);

for (const factory of factories) {
  for (const subscribers of SUBSCRIBER_COUNTS) await measure(factory, subscribers);
}
for (const factory of factories) {
  await heapAfterCycles(factory, factory === memory ? LEAK_CYCLES : LEAK_CYCLES / 10);
}
