// The bus contract shared by the in-memory and Redis implementations; callers depend on this file only.

/** JSON-serialisable values only: the Redis bus carries JSON, and the memory bus round-trips it the same way. */
export type BusMessage = unknown;

/** A live stream of one channel's messages. Iterate it once; `close()` or breaking out of the loop unsubscribes. */
export type BusSubscription<T> = AsyncIterable<T> & { close(): void };

export type SubscribeOptions = {
  /** Aborting ends the stream (iteration finishes normally) and frees the subscription. */
  signal?: AbortSignal;
  /** Messages held for this subscriber before it counts as fallen behind. Defaults to the bus's bufferSize. */
  bufferSize?: number;
};

/** A publish/subscribe bus of JSON messages by channel: the API's escalation events and presence both ride it. */
export type Bus<T = BusMessage> = {
  /** Delivers to the channel's current subscribers. Never waits on consumers. */
  publish(channel: string, message: T): Promise<void>;
  /**
   * Resolves once the subscriber is listening, so a caller that awaits this and then reads a backlog
   * cannot miss a message published in between.
   */
  subscribe(channel: string, options?: SubscribeOptions): Promise<BusSubscription<T>>;
  /** Diagnostics: subscribers of one channel, or of all channels on this bus instance. */
  subscriberCount(channel?: string): number;
  /** Ends every subscription (normally, not with an error) and releases the bus's resources. */
  close(): Promise<void>;
};

/** Internal bookkeeping sizes, for leak tests and health pages. All zero on an idle bus. */
export type BusStats = {
  channels: number;
  subscribers: number;
  bufferedMessages: number;
};

export type InspectableBus<T> = Bus<T> & { stats(): BusStats };

export const DEFAULT_BUFFER_SIZE = 1024;
