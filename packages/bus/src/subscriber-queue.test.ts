// SubscriberQueue on its own: FIFO order across buffer compaction, and the overflow/end state machine.

import { describe, expect, it } from "vitest";
import { BusOverflowError } from "./errors.ts";
import { SubscriberQueue } from "./subscriber-queue.ts";

describe("SubscriberQueue", () => {
  it("keeps FIFO order while a large buffer is drained and refilled (buffer compaction)", async () => {
    const queue = new SubscriberQueue<number>("c", 10_000, () => {});
    const received: number[] = [];
    let next = 0;
    for (let round = 0; round < 5; round++) {
      for (let i = 0; i < 3_000; i++) queue.push(next++);
      for (let i = 0; i < 2_500; i++) received.push((await queue.next()).value as number);
    }
    while (queue.bufferedCount > 0) received.push((await queue.next()).value as number);
    expect(received).toEqual(Array.from({ length: next }, (_, i) => i));
  });

  it("on overflow disposes once, throws once to the reader, then reports done and ignores pushes", async () => {
    let disposals = 0;
    const queue = new SubscriberQueue<number>("c", 2, () => disposals++);
    queue.push(1);
    queue.push(2);
    queue.push(3);
    queue.push(4);

    expect(disposals).toBe(1);
    expect(queue.isOpen).toBe(false);
    expect(queue.bufferedCount).toBe(0);
    await expect(queue.next()).rejects.toBeInstanceOf(BusOverflowError);
    expect(await queue.next()).toEqual({ done: true, value: undefined });
    queue.end();
    expect(disposals).toBe(1);
  });

  it("hands a pushed message straight to a waiting reader without buffering it", async () => {
    const queue = new SubscriberQueue<number>("c", 1, () => {});
    const pending = queue.next();
    queue.push(1);
    queue.push(2);
    expect(await pending).toEqual({ done: false, value: 1 });
    expect(queue.isOpen).toBe(true);
    expect(queue.bufferedCount).toBe(1);
  });
});
