// The account's most recent stream items, oldest first, bounded: a reconnecting client resumes from
// here, and only positions older than the history go back to the event log.

export type TSequenced = { seq: number };

export class RecentHistory<T extends TSequenced> {
  readonly #capacity: number;
  /** Items in seq order; trimmed in batches so appending stays O(1) amortised. */
  #items: T[] = [];
  /** The history holds every item with a seq greater than this one. */
  #completeAfter: number;

  /** `completeAfter`: the position from which every later item will be appended. */
  constructor(capacity: number, completeAfter: number) {
    if (!Number.isInteger(capacity) || capacity < 1) {
      throw new RangeError(`history capacity must be a positive integer, got ${capacity}`);
    }
    this.#capacity = capacity;
    this.#completeAfter = completeAfter;
  }

  get size(): number {
    return this.#items.length;
  }

  /** The newest seq held, or the position the history is complete from while empty. */
  get newestSeq(): number {
    return this.#items.at(-1)?.seq ?? this.#completeAfter;
  }

  /** Appends in seq order; an item that is not newer than the newest is a caller bug. */
  append(item: T): void {
    if (item.seq <= this.newestSeq) {
      throw new RangeError(`history is in seq order: ${item.seq} after ${this.newestSeq}`);
    }
    this.#items.push(item);
    if (this.#items.length >= this.#capacity * 2) {
      const dropped = this.#items.length - this.#capacity;
      this.#completeAfter = (this.#items[dropped - 1] as T).seq;
      this.#items = this.#items.slice(dropped);
    }
  }

  /**
   * Every item after `seq`, in order; null when some of them have already left the history (the
   * caller reads those from the event log).
   */
  after(seq: number): T[] | null {
    if (seq < this.#completeAfter) return null;
    const index = this.#indexAfter(seq);
    return index === this.#items.length ? [] : this.#items.slice(index);
  }

  /** The first item after `seq` (undefined when there is none yet); null when it has left the history. */
  next(seq: number): T | undefined | null {
    if (seq < this.#completeAfter) return null;
    return this.#items[this.#indexAfter(seq)];
  }

  #indexAfter(seq: number): number {
    const items = this.#items;
    let low = 0;
    let high = items.length;
    while (low < high) {
      const middle = (low + high) >>> 1;
      if ((items[middle] as T).seq <= seq) low = middle + 1;
      else high = middle;
    }
    return low;
  }
}
