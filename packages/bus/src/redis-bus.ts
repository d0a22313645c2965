// The bus shared by every replica through Redis pub/sub: one publisher and one subscriber
// connection per bus, channels ref-counted onto the subscriber connection. Never queues while Redis is
// down: publish and subscribe reject with BusUnavailableError within `timeoutMs` instead.

import { Redis } from "ioredis";
import { assertChannel, ChannelRegistry } from "./channel-registry.ts";
import { BusDisconnectedError, BusUnavailableError } from "./errors.ts";
import { decodeMessage, encodeMessage, type MessageParser } from "./json-codec.ts";
import type { InspectableBus } from "./types.ts";

export type RedisBusOptions = {
  url: string;
  bufferSize?: number;
  /** Connection errors and undecodable messages. Subscribers learn of a lost connection by BusDisconnectedError. */
  onError?(error: unknown): void;
  /** Prepended to every channel name in Redis. */
  channelPrefix?: string;
  /** Longest a publish or subscribe waits for Redis before rejecting with BusUnavailableError. */
  timeoutMs?: number;
  /** Shown in Redis CLIENT LIST as `<name>:pub` and `<name>:sub`. */
  connectionName?: string;
};

export const DEFAULT_CHANNEL_PREFIX = "handoff:escalations:";
const DEFAULT_TIMEOUT_MS = 2_000;
const CONNECTING = new Set(["wait", "connecting", "connect"]);

export function createRedisBus<T>(
  options: RedisBusOptions & {
    /** Checks each message read from Redis (another version of the app may have sent it); refused ones go to onError. */
    parse?: MessageParser<T>;
  },
): InspectableBus<T> {
  const prefix = options.channelPrefix ?? DEFAULT_CHANNEL_PREFIX;
  const timeoutMs = options.timeoutMs ?? DEFAULT_TIMEOUT_MS;
  const onError = options.onError ?? (() => {});
  const name = options.connectionName;

  // No offline queue: during an outage a publish fails at once instead of piling up in memory.
  const publisher = new Redis(options.url, {
    enableOfflineQueue: false,
    commandTimeout: timeoutMs,
    connectionName: name && `${name}:pub`,
  });
  const subscriber = new Redis(options.url, { connectionName: name && `${name}:sub` });
  publisher.on("error", onError);
  subscriber.on("error", onError);

  /** Per channel, the acknowledgement of its SUBSCRIBE; present while the channel has local subscribers. */
  const listening = new Map<string, Promise<void>>();
  const registry = new ChannelRegistry<T>(options.bufferSize, {
    onFirstSubscriber(channel) {
      const acknowledged = subscriber.subscribe(prefix + channel).then(() => undefined);
      acknowledged.catch(() => {}); // awaited by subscribe(); a late failure must not be unhandled
      listening.set(channel, acknowledged);
    },
    onLastUnsubscribed(channel) {
      listening.delete(channel);
      if (registry.isClosed) return; // the connection is about to quit anyway
      subscriber.unsubscribe(prefix + channel).catch(onError);
    },
  });

  // Whatever was published while the connection was down is lost to its subscribers: end their streams so
  // they resume from their last message. ioredis reconnects; new subscriptions listen again.
  subscriber.on("close", () => registry.endAll((channel) => new BusDisconnectedError(channel)));

  subscriber.on("message", (redisChannel: string, text: string) => {
    if (!redisChannel.startsWith(prefix)) return;
    const channel = redisChannel.slice(prefix.length);
    if (!registry.hasSubscribers(channel)) return;
    let message: T;
    try {
      message = decodeMessage(text, options.parse);
    } catch (error) {
      onError(
        new Error(
          `Ignored a bus message on "${redisChannel}" that is not JSON or not a message this version knows.`,
          { cause: error },
        ),
      );
      return;
    }
    registry.deliver(channel, message);
  });

  return {
    async publish(channel, message) {
      registry.assertOpen();
      assertChannel(channel);
      const text = encodeMessage(message);
      await whenReady(publisher, timeoutMs);
      try {
        await publisher.publish(prefix + channel, text);
      } catch (error) {
        throw new BusUnavailableError(`Could not publish to Redis: ${(error as Error).message}`, {
          cause: error,
        });
      }
    },

    async subscribe(channel, subscribeOptions) {
      registry.assertOpen();
      // Fail fast while Redis is down rather than queue a SUBSCRIBE in ioredis's offline queue.
      await whenReady(subscriber, timeoutMs);
      const queue = registry.open(channel, subscribeOptions);
      const acknowledged = listening.get(channel);
      if (!queue.isOpen || !acknowledged) return queue;
      const failure = await withTimeout(acknowledged, timeoutMs, "subscribing").then(
        () => undefined,
        (error: unknown) => error,
      );
      if (queue.failure instanceof BusDisconnectedError) {
        throw new BusUnavailableError("Lost the Redis connection while subscribing.", {
          cause: queue.failure,
        });
      }
      // Aborted while waiting (an ended stream, as for memory), or already overflowed (its read throws).
      if (!queue.isOpen) return queue;
      if (failure !== undefined) {
        queue.close();
        throw failure instanceof BusUnavailableError
          ? failure
          : new BusUnavailableError(`Could not subscribe in Redis: ${(failure as Error).message}`, {
              cause: failure,
            });
      }
      return queue;
    },

    subscriberCount: (channel) => registry.count(channel),
    stats: () => registry.stats(),

    async close() {
      if (registry.isClosed) return;
      registry.close();
      await Promise.all([disconnect(publisher), disconnect(subscriber)]);
    },
  };
}

/** Resolves when the connection can take commands; rejects at once if it is known to be down. */
async function whenReady(redis: Redis, timeoutMs: number): Promise<void> {
  if (redis.status === "ready") return;
  if (!CONNECTING.has(redis.status)) {
    throw new BusUnavailableError(`Redis is unavailable (connection ${redis.status}).`);
  }
  let onReady = () => {};
  let onClose = () => {};
  const ready = new Promise<void>((resolve, reject) => {
    onReady = resolve;
    onClose = () =>
      reject(new BusUnavailableError("Redis is unavailable (connection closed while connecting)."));
    redis.once("ready", onReady);
    redis.once("close", onClose);
  });
  try {
    await withTimeout(ready, timeoutMs, "connecting");
  } finally {
    redis.off("ready", onReady);
    redis.off("close", onClose);
  }
}

async function withTimeout<T>(promise: Promise<T>, timeoutMs: number, what: string): Promise<T> {
  let timer: NodeJS.Timeout | undefined;
  const timeout = new Promise<never>((_, reject) => {
    timer = setTimeout(
      () => reject(new BusUnavailableError(`Redis did not answer within ${timeoutMs} ms (${what}).`)),
      timeoutMs,
    );
  });
  try {
    return await Promise.race([promise, timeout]);
  } finally {
    clearTimeout(timer);
  }
}

async function disconnect(redis: Redis): Promise<void> {
  if (redis.status === "end") return;
  if (redis.status !== "ready") {
    redis.disconnect();
    return;
  }
  await redis.quit().catch(() => redis.disconnect());
}
