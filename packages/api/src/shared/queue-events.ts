// How a handoff event changes a client's queue of open handoffs, for every client that keeps one
// (the web app's EscalationQueue, the CLI's `queue --watch`): whether the queue's log position
// already reflects it, and what it does to its card.
import { parseEventId } from "./event-id.ts";

/** The event log position a queue reflects (`<epoch>:<seq>` split up; null before any). */
export type TQueuePosition = { epoch: string | null; lastSeq: number | null };

/** arrived (new, or released back), claimed, left (its session resolved), updated (assessed, briefed). */
export type TQueueChange = "arrived" | "claimed" | "left" | "updated";

export function queuePositionOf(lastEventId: string): TQueuePosition {
  const position = parseEventId(lastEventId);
  return { epoch: position?.epoch ?? null, lastSeq: position?.seq ?? null };
}

/**
 * The position once event `eventId` (numbered `seq`) is applied, or null when the queue already
 * reflects it (a snapshot and the stream overlapping, a resume). An id from another log (a reset
 * database) is never taken for one already seen.
 */
export function queuePositionAfter(
  position: TQueuePosition,
  eventId: string,
  seq: number,
): TQueuePosition | null {
  const epoch = parseEventId(eventId)?.epoch ?? null;
  if (epoch === position.epoch && position.lastSeq !== null && seq <= position.lastSeq) return null;
  return { epoch, lastSeq: seq };
}

/**
 * What each handoff event does to its card. An update (its assessment, a briefing) is written after
 * the card arrived: a card still in the queue shows it; one that has left does not come back. The
 * clients pass the contract's THandoffEventType here, so a new event type fails their typecheck
 * until it is given its change.
 */
const QUEUE_CHANGES = {
  "handoff.created": "arrived",
  "handoff.released": "arrived",
  "handoff.claimed": "claimed",
  "handoff.cancelled": "left",
  "handoff.assessed": "updated",
  "handoff.briefed": "updated",
} as const satisfies Record<string, TQueueChange>;

export function queueChangeOf(type: keyof typeof QUEUE_CHANGES): TQueueChange {
  return QUEUE_CHANGES[type];
}
