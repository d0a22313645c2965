// Which subscriber queues listen on which channel, shared by every bus implementation. Owns fan-out,
// option validation and the closed state; a backend hooks in to learn when a channel gains its first
// subscriber or loses its last one.

import { BusClosedError } from "./errors.ts";
import { SubscriberQueue } from "./subscriber-queue.ts";
import { type BusStats, DEFAULT_BUFFER_SIZE, type SubscribeOptions } from "./types.ts";

export type ChannelHooks = {
  onFirstSubscriber?(channel: string): void;
  onLastUnsubscribed?(channel: string): void;
};

export class ChannelRegistry<T> {
  readonly #channels = new Map<string, Set<SubscriberQueue<T>>>();
  readonly #defaultBufferSize: number;
  readonly #hooks: ChannelHooks;
  #isClosed = false;

  constructor(bufferSize: number | undefined, hooks: ChannelHooks = {}) {
    this.#defaultBufferSize = validBufferSize(bufferSize ?? DEFAULT_BUFFER_SIZE);
    this.#hooks = hooks;
  }

  get isClosed(): boolean {
    return this.#isClosed;
  }

  assertOpen(): void {
    if (this.#isClosed) throw new BusClosedError();
  }

  /** Registers a new subscriber queue; it unregisters itself when its stream ends for any reason. */
  open(channel: string, options: SubscribeOptions = {}): SubscriberQueue<T> {
    this.assertOpen();
    assertChannel(channel);
    const bufferSize = validBufferSize(options.bufferSize ?? this.#defaultBufferSize);
    const queue: SubscriberQueue<T> = new SubscriberQueue(channel, bufferSize, () =>
      this.#remove(channel, queue),
    );
    if (options.signal?.aborted) {
      // Never registered, so a backend is not asked to listen for a subscriber that is already gone.
      queue.end();
      return queue;
    }
    let queues = this.#channels.get(channel);
    const isFirst = !queues;
    if (!queues) {
      queues = new Set();
      this.#channels.set(channel, queues);
    }
    queues.add(queue);
    if (isFirst) this.#hooks.onFirstSubscriber?.(channel);
    queue.bindSignal(options.signal);
    return queue;
  }

  deliver(channel: string, message: T): void {
    const queues = this.#channels.get(channel);
    if (!queues) return;
    // A queue that overflows removes itself mid-loop; a Set's iteration allows deleting the current entry.
    for (const queue of queues) queue.push(message);
  }

  hasSubscribers(channel: string): boolean {
    return this.#channels.has(channel);
  }

  count(channel?: string): number {
    if (channel !== undefined) return this.#channels.get(channel)?.size ?? 0;
    let total = 0;
    for (const queues of this.#channels.values()) total += queues.size;
    return total;
  }

  stats(): BusStats {
    let bufferedMessages = 0;
    for (const queues of this.#channels.values()) {
      for (const queue of queues) bufferedMessages += queue.bufferedCount;
    }
    return { channels: this.#channels.size, subscribers: this.count(), bufferedMessages };
  }

  /** Ends every subscription with `error` (or normally), without closing the registry. */
  endAll(error?: (channel: string) => Error): void {
    for (const [channel, queues] of [...this.#channels]) {
      for (const queue of [...queues]) {
        if (error) queue.fail(error(channel));
        else queue.end();
      }
    }
  }

  close(): void {
    this.#isClosed = true;
    this.endAll();
  }

  #remove(channel: string, queue: SubscriberQueue<T>): void {
    const queues = this.#channels.get(channel);
    if (!queues?.delete(queue) || queues.size > 0) return;
    this.#channels.delete(channel);
    this.#hooks.onLastUnsubscribed?.(channel);
  }
}

export function assertChannel(channel: string): void {
  if (typeof channel !== "string" || channel.length === 0 || channel.length > 256) {
    throw new TypeError("A bus channel must be a non-empty string of at most 256 characters.");
  }
}

function validBufferSize(size: number): number {
  if (!Number.isInteger(size) || size < 1) {
    throw new RangeError(`A bus bufferSize must be a positive integer, got ${size}.`);
  }
  return size;
}
