// One subscriber's bounded buffer and async iterator, shared by every bus implementation.
// Pushing never blocks or throws; when the buffer is full the stream ends with BusOverflowError at once
// (what was buffered is discarded: the consumer resumes from the last message it actually received).

import { BusOverflowError } from "./errors.ts";
import type { BusSubscription } from "./types.ts";

type Waiter<T> = {
  resolve(result: IteratorResult<T, undefined>): void;
  reject(error: unknown): void;
};

type State = "open" | "ended" | "failed";

const DONE: IteratorResult<never, undefined> = { done: true, value: undefined };

export class SubscriberQueue<T> implements BusSubscription<T>, AsyncIterator<T, undefined> {
  readonly channel: string;
  readonly #bufferSize: number;
  // FIFO as array + head index: Array#shift is O(n), which a consumer draining a large buffer would feel.
  #buffer: T[] = [];
  #head = 0;
  #waiters: Waiter<T>[] = [];
  #state: State = "open";
  #failure: Error | undefined;
  #isFailureReported = false;
  #isIterated = false;
  #onDispose: (() => void) | undefined;
  #signal: AbortSignal | undefined;
  readonly #onAbort = () => this.end();

  /** `onDispose` runs exactly once, when the stream leaves the open state for any reason. */
  constructor(channel: string, bufferSize: number, onDispose: () => void) {
    this.channel = channel;
    this.#bufferSize = bufferSize;
    this.#onDispose = onDispose;
  }

  get isOpen(): boolean {
    return this.#state === "open";
  }

  get bufferedCount(): number {
    return this.#buffer.length - this.#head;
  }

  /** The error that ended the stream, if it failed. */
  get failure(): Error | undefined {
    return this.#failure;
  }

  /** Ends the stream when the signal aborts (at once if it already has). */
  bindSignal(signal: AbortSignal | undefined): void {
    if (!signal || !this.isOpen) return;
    if (signal.aborted) {
      this.end();
      return;
    }
    this.#signal = signal;
    signal.addEventListener("abort", this.#onAbort, { once: true });
  }

  push(message: T): void {
    if (!this.isOpen) return;
    const waiter = this.#waiters.shift();
    if (waiter) {
      waiter.resolve({ done: false, value: message });
      return;
    }
    if (this.bufferedCount >= this.#bufferSize) {
      this.fail(new BusOverflowError(this.channel, this.#bufferSize));
      return;
    }
    this.#buffer.push(message);
  }

  /** Ends the stream with an error: the next read throws it, later reads are done. */
  fail(error: Error): void {
    if (!this.isOpen) return;
    this.#state = "failed";
    this.#failure = error;
    this.#clearBuffer();
    const [first, ...rest] = this.#waiters;
    this.#waiters = [];
    this.#dispose();
    if (first) {
      this.#isFailureReported = true;
      first.reject(error);
    }
    for (const waiter of rest) waiter.resolve(DONE);
  }

  /** Ends the stream normally: pending and later reads are done, buffered messages are dropped. */
  end(): void {
    if (!this.isOpen) return;
    this.#state = "ended";
    this.#clearBuffer();
    const waiters = this.#waiters;
    this.#waiters = [];
    this.#dispose();
    for (const waiter of waiters) waiter.resolve(DONE);
  }

  close(): void {
    this.end();
  }

  next(): Promise<IteratorResult<T, undefined>> {
    if (this.bufferedCount > 0) return Promise.resolve({ done: false, value: this.#shift() });
    if (this.#failure && !this.#isFailureReported) {
      this.#isFailureReported = true;
      return Promise.reject(this.#failure);
    }
    if (!this.isOpen) return Promise.resolve(DONE);
    return new Promise((resolve, reject) => this.#waiters.push({ resolve, reject }));
  }

  return(): Promise<IteratorResult<T, undefined>> {
    this.end();
    return Promise.resolve(DONE);
  }

  [Symbol.asyncIterator](): AsyncIterator<T, undefined> {
    if (this.#isIterated) throw new Error("A bus subscription can be iterated only once.");
    this.#isIterated = true;
    return this;
  }

  #shift(): T {
    const value = this.#buffer[this.#head] as T;
    this.#buffer[this.#head] = undefined as T; // let it be collected
    this.#head++;
    if (this.#head === this.#buffer.length) this.#clearBuffer();
    else if (this.#head >= 1024 && this.#head * 2 >= this.#buffer.length) {
      this.#buffer = this.#buffer.slice(this.#head);
      this.#head = 0;
    }
    return value;
  }

  #clearBuffer(): void {
    this.#buffer = [];
    this.#head = 0;
  }

  #dispose(): void {
    this.#signal?.removeEventListener("abort", this.#onAbort);
    this.#signal = undefined;
    const onDispose = this.#onDispose;
    this.#onDispose = undefined;
    onDispose?.();
  }
}
