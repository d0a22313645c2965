// The queue `handoff queue --watch` follows: the open cards, and the event log position they
// reflect, so an event seen twice (a snapshot and the stream overlapping, a resume) changes
// nothing. Pure: what changed is returned for the caller to print.
import {
  queueChangeOf,
  queuePositionAfter,
  queuePositionOf,
  type TEscalationEvent,
  type THandoffCard,
  type TQueueChange,
  type TQueuePosition,
} from "@handoff/api/client-contract";

export type THandoffEvent = Extract<TEscalationEvent, { kind: "handoff" }>;

export type TWatchedQueue = TQueuePosition & { cards: ReadonlyMap<string, THandoffCard> };

export function queueFromSnapshot(handoffs: THandoffCard[], lastEventId: string): TWatchedQueue {
  return { cards: new Map(handoffs.map((card) => [card.id, card])), ...queuePositionOf(lastEventId) };
}

/** The queue after the event, and what it changed (null: nothing to print). */
export function applyQueueEvent(
  queue: TWatchedQueue,
  eventId: string,
  event: THandoffEvent,
): { queue: TWatchedQueue; change: TQueueChange | null } {
  const position = queuePositionAfter(queue, eventId, event.seq);
  if (!position) return { queue, change: null };
  const { handoff } = event;
  const cards = new Map(queue.cards);
  const change = queueChangeOf(event.type);
  // A card that already left is neither cancelled nor updated again.
  if (!cards.has(handoff.id) && (change === "left" || change === "updated"))
    return { queue: { cards, ...position }, change: null };
  if (change === "claimed" || change === "left") cards.delete(handoff.id);
  else cards.set(handoff.id, handoff);
  return { queue: { cards, ...position }, change };
}
