// Public surface of @handoff/bus: the bus contract, its typed errors and the two implementations.

export {
  BusClosedError,
  BusDisconnectedError,
  BusGapError,
  BusOverflowError,
  BusUnavailableError,
} from "./errors.ts";
export type { MessageParser } from "./json-codec.ts";
export { createMemoryBus, type MemoryBusOptions } from "./memory-bus.ts";
export { createRedisBus, DEFAULT_CHANNEL_PREFIX, type RedisBusOptions } from "./redis-bus.ts";
export type {
  Bus,
  BusMessage,
  BusStats,
  BusSubscription,
  InspectableBus,
  SubscribeOptions,
} from "./types.ts";
export { DEFAULT_BUFFER_SIZE } from "./types.ts";
