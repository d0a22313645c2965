// In-process bus for a single replica (and tests). Messages round-trip through JSON so it
// behaves exactly like the Redis bus; subscribers of one publish share one decoded object (read-only).

import { assertChannel, ChannelRegistry } from "./channel-registry.ts";
import { decodeMessage, encodeMessage, type MessageParser } from "./json-codec.ts";
import type { InspectableBus } from "./types.ts";

export type MemoryBusOptions = { bufferSize?: number; onError?(error: unknown): void };

export function createMemoryBus<T>(
  options: MemoryBusOptions & {
    /** Checks each message as the Redis bus would; one it throws on goes to `onError` and is skipped. */
    parse?: MessageParser<T>;
  } = {},
): InspectableBus<T> {
  const registry = new ChannelRegistry<T>(options.bufferSize);

  return {
    async publish(channel, message) {
      registry.assertOpen();
      assertChannel(channel);
      const text = encodeMessage(message);
      if (!registry.hasSubscribers(channel)) return;
      let decoded: T;
      try {
        decoded = decodeMessage(text, options.parse);
      } catch (error) {
        options.onError?.(
          new Error(
            `Ignored a bus message on "${channel}" that is not JSON or not a message this version knows.`,
            { cause: error },
          ),
        );
        return;
      }
      registry.deliver(channel, decoded);
    },
    async subscribe(channel, subscribeOptions) {
      return registry.open(channel, subscribeOptions);
    },
    subscriberCount: (channel) => registry.count(channel),
    stats: () => registry.stats(),
    async close() {
      registry.close();
    },
  };
}
