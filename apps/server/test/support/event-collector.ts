// Collects what an `escalation.onEvent` subscription delivers, for tests to wait on.
import type { TEscalationEvent } from "@handoff/api";
import { expect, vi } from "vitest";

export type TCollected<T> = { id: string | undefined; data: T };

export type EventCollector<T> = {
  items: TCollected<T>[];
  errors: unknown[];
  isComplete: () => boolean;
  lastId: () => string | undefined;
  /** Waits (generously) until `count` items have arrived. */
  waitForCount(count: number, timeoutMs?: number): Promise<TCollected<T>[]>;
  waitForError(timeoutMs?: number): Promise<unknown>;
  onData(value: unknown): void;
  onError(error: unknown): void;
  onComplete(): void;
};

export function collectEvents<T>(): EventCollector<T> {
  const items: TCollected<T>[] = [];
  const errors: unknown[] = [];
  let isComplete = false;
  return {
    items,
    errors,
    isComplete: () => isComplete,
    lastId: () => items.at(-1)?.id,
    async waitForCount(count, timeoutMs = 5_000) {
      await vi.waitFor(() => expect(items.length).toBeGreaterThanOrEqual(count), {
        timeout: timeoutMs,
        interval: 10,
      });
      return items;
    },
    async waitForError(timeoutMs = 5_000) {
      await vi.waitFor(() => expect(errors.length).toBeGreaterThan(0), { timeout: timeoutMs, interval: 10 });
      return errors[0];
    },
    onData(value) {
      // tracked() events arrive as { id, data }.
      const { id, data } = value as { id?: string; data: T };
      items.push({ id, data });
    },
    onError(error) {
      errors.push(error);
    },
    onComplete() {
      isComplete = true;
    },
  };
}

type THandoffEventData = Extract<TEscalationEvent, { kind: "handoff" }>;

/** The handoff events among what arrived: `session.updated` events interleave with them. */
export function handoffEvents(items: { data: TEscalationEvent }[]): THandoffEventData[] {
  return items.flatMap(({ data }) => (data.kind === "handoff" ? [data] : []));
}

/** Waits (generously) until `count` handoff events have arrived; returns them. */
export async function waitForHandoffEvents(
  collector: EventCollector<TEscalationEvent>,
  count: number,
  timeoutMs = 5_000,
): Promise<THandoffEventData[]> {
  await vi.waitFor(() => expect(handoffEvents(collector.items).length).toBeGreaterThanOrEqual(count), {
    timeout: timeoutMs,
    interval: 10,
  });
  return handoffEvents(collector.items);
}

/** The seq of every event that arrived, in arrival order (resync notices have none). */
export function seqsOf(items: { data: TEscalationEvent }[]): number[] {
  return items.flatMap(({ data }) => (data.kind === "resync" ? [] : [data.seq]));
}
