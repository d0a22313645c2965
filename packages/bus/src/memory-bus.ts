// In-process escalation bus for a single replica (and tests). Messages round-trip through JSON so it
// behaves exactly like the Redis bus; subscribers of one publish share one decoded object (read-only).

import { assertChannel, ChannelRegistry } from "./channel-registry.ts";
import { decodeMessage, encodeMessage } from "./json-codec.ts";
import type { InspectableBus } from "./types.ts";

export type MemoryBusOptions = { bufferSize?: number };

export function createMemoryBus<T>(options: MemoryBusOptions = {}): InspectableBus<T> {
  const registry = new ChannelRegistry<T>(options.bufferSize);

  return {
    async publish(channel, message) {
      registry.assertOpen();
      assertChannel(channel);
      const text = encodeMessage(message);
      if (!registry.hasSubscribers(channel)) return;
      registry.deliver(channel, decodeMessage<T>(text));
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
