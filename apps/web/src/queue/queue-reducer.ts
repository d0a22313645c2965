// The EscalationQueue's state as a pure reducer: a snapshot and the log position it reflects,
// live events after it (deduplicated by seq), optimistic claims and their rollback, highlight
// and unseen bookkeeping. No I/O, no timers.
import {
  queueChangeOf,
  queuePositionAfter,
  queuePositionOf,
  type TEscalationEvent,
  type THandoffCard,
  type THandoffIntent,
  type THandoffPriority,
  type TQueuePosition,
} from "@handoff/api/client-contract";
import { matchesAllWords } from "../lib/text-search.ts";

export type THandoffEvent = Extract<TEscalationEvent, { kind: "handoff" }>;

export type TClaimState =
  | { status: "idle" }
  /** Optimistic: shown as ours from the click until the server answers. */
  | { status: "mine" }
  /** Rolled back, someone else has it: the card says who, then leaves. */
  | { status: "lost"; message: string }
  /** Rolled back for another reason (network, permissions): the card stays, retry is possible. */
  | { status: "failed"; message: string };

export type TQueueEntry = {
  card: THandoffCard;
  /** Arrived live: highlighted until seen. */
  isNew: boolean;
  /** Arrived while the tab was hidden: counted in the title until the tab is seen. */
  isUnseen: boolean;
  claim: TClaimState;
};

/** `epoch`/`lastSeq`: the position in the account's event log; events up to it are applied. */
export type TQueueState = TQueuePosition & {
  viewerId: string;
  entries: Record<string, TQueueEntry>;
  isHidden: boolean;
  /** Latest arrival, for the aria-live region and opt-in alerts (identity changes per arrival). */
  lastArrival: { card: THandoffCard; text: string } | null;
};

export type TQueueAction =
  /** The open handoffs as of `lastEventId`. Loaded only while no stream runs, so never stale. */
  | { type: "snapshotLoaded"; cards: THandoffCard[]; lastEventId: string }
  | { type: "eventReceived"; eventId: string; event: THandoffEvent }
  | { type: "claimStarted"; handoffId: string }
  | { type: "claimSucceeded"; handoffId: string }
  | { type: "claimFailed"; handoffId: string; message: string; isTaken: boolean }
  | { type: "cardDismissed"; handoffId: string }
  | { type: "cardSeen"; handoffId: string }
  | { type: "visibilityChanged"; isHidden: boolean };

export type TQueueFilter = {
  intent: THandoffIntent | "all";
  teamId: string | null;
  /** Words to find in a card's summary, domain, ticket, notes, team or who handed it off. */
  search?: string;
};

const PRIORITY_RANK: Record<THandoffPriority, number> = { urgent: 3, high: 2, normal: 1, low: 0 };
const IDLE: TClaimState = { status: "idle" };

export function createQueueState(viewerId: string, isHidden = false): TQueueState {
  return { viewerId, entries: {}, epoch: null, lastSeq: null, isHidden, lastArrival: null };
}

export function queueReducer(state: TQueueState, action: TQueueAction): TQueueState {
  switch (action.type) {
    case "snapshotLoaded":
      return applySnapshot(state, action.cards, action.lastEventId);
    case "eventReceived":
      return applyEvent(state, action.eventId, action.event);
    case "claimStarted":
      return setClaim(state, action.handoffId, { status: "mine" });
    case "claimSucceeded":
      return removeEntry(state, action.handoffId);
    case "claimFailed":
      return setClaim(state, action.handoffId, {
        status: action.isTaken ? "lost" : "failed",
        message: action.message,
      });
    case "cardDismissed":
      return removeEntry(state, action.handoffId);
    case "cardSeen":
      return updateEntry(state, action.handoffId, (entry) =>
        entry.isNew ? { ...entry, isNew: false, isUnseen: false } : entry,
      );
    case "visibilityChanged":
      return setVisibility(state, action.isHidden);
  }
}

function applySnapshot(state: TQueueState, cards: THandoffCard[], lastEventId: string): TQueueState {
  const entries: Record<string, TQueueEntry> = {};
  for (const card of cards) {
    const existing = state.entries[card.id];
    entries[card.id] = existing
      ? { ...existing, card }
      : { card, isNew: false, isUnseen: false, claim: IDLE };
  }
  // A claim in flight or being rolled back still owes the viewer its outcome.
  for (const [id, entry] of Object.entries(state.entries)) {
    if (!entries[id] && (entry.claim.status === "mine" || entry.claim.status === "lost")) entries[id] = entry;
  }
  return { ...state, entries, ...queuePositionOf(lastEventId) };
}

function applyEvent(state: TQueueState, eventId: string, event: THandoffEvent): TQueueState {
  const position = queuePositionAfter(state, eventId, event.seq);
  if (!position) return state;
  const positioned: TQueueState = { ...state, ...position };
  const { handoff } = event;
  switch (queueChangeOf(event.type)) {
    case "claimed":
      return applyClaimed(positioned, handoff);
    case "left":
      return removeEntry(positioned, handoff.id);
    case "updated":
      return updateEntry(positioned, handoff.id, (entry) => ({ ...entry, card: handoff }));
    case "arrived":
      return applyArrival(positioned, handoff, event.type === "handoff.released");
  }
}

function applyClaimed(state: TQueueState, handoff: THandoffCard): TQueueState {
  const entry = state.entries[handoff.id];
  // Our claim was already refused (the answer came before the event): the card stays, naming the
  // winner, until it is dismissed.
  if (entry?.claim.status === "lost") return state;
  if (entry?.claim.status !== "mine") return removeEntry(state, handoff.id);
  // Our own claim's answer is handled by claimSucceeded; a rival's win rolls ours back now.
  if (handoff.claimedBy?.id === state.viewerId) return state;
  const winner = handoff.claimedBy?.name ?? "Someone else";
  return setClaim(state, handoff.id, { status: "lost", message: `${winner} claimed this just now.` });
}

function applyArrival(state: TQueueState, handoff: THandoffCard, isRelease: boolean): TQueueState {
  const existing = state.entries[handoff.id];
  if (existing) {
    // Released again while it still says who took it: it is claimable once more.
    const claim = existing.claim.status === "lost" ? IDLE : existing.claim;
    return { ...state, entries: { ...state.entries, [handoff.id]: { ...existing, card: handoff, claim } } };
  }

  const entry: TQueueEntry = {
    card: handoff,
    isNew: true,
    isUnseen: state.isHidden && handoff.intent === "escalate",
    claim: IDLE,
  };
  return {
    ...state,
    entries: { ...state.entries, [handoff.id]: entry },
    lastArrival: { card: handoff, text: describeArrival(handoff, isRelease) },
  };
}

function setVisibility(state: TQueueState, isHidden: boolean): TQueueState {
  if (isHidden || !Object.values(state.entries).some((entry) => entry.isUnseen))
    return { ...state, isHidden };
  const entries: Record<string, TQueueEntry> = {};
  for (const [id, entry] of Object.entries(state.entries)) entries[id] = { ...entry, isUnseen: false };
  return { ...state, isHidden, entries };
}

function setClaim(state: TQueueState, handoffId: string, claim: TClaimState): TQueueState {
  return updateEntry(state, handoffId, (entry) => ({ ...entry, claim }));
}

function updateEntry(
  state: TQueueState,
  handoffId: string,
  update: (entry: TQueueEntry) => TQueueEntry,
): TQueueState {
  const entry = state.entries[handoffId];
  if (!entry) return state;
  const next = update(entry);
  return next === entry ? state : { ...state, entries: { ...state.entries, [handoffId]: next } };
}

function removeEntry(state: TQueueState, handoffId: string): TQueueState {
  if (!state.entries[handoffId]) return state;
  const { [handoffId]: _removed, ...entries } = state.entries;
  return { ...state, entries };
}

export function describeArrival(card: THandoffCard, isRelease: boolean): string {
  const what = isRelease
    ? "Back in the queue"
    : card.intent === "escalate"
      ? `New ${card.priority} escalation`
      : "New parked session";
  return `${what}: ${card.problemSummary}, from ${card.handedOffBy.name}.`;
}

// ---- selectors -----------------------------------------------------------------------------

/** Cards matching the filter: overdue first, then highest priority, then oldest. */
export function selectEntries(state: TQueueState, filter: TQueueFilter, now = Date.now()): TQueueEntry[] {
  return Object.values(state.entries)
    .filter((entry) => filter.intent === "all" || entry.card.intent === filter.intent)
    .filter((entry) => filter.teamId === null || entry.card.team?.id === filter.teamId)
    .filter((entry) => !filter.search || matchesAllWords(searchableText(entry.card), filter.search))
    .sort((a, b) => compareEntries(a, b, now));
}

function searchableText(card: THandoffCard): Array<string | null> {
  return [
    card.problemSummary,
    card.problemDomain,
    card.psaTicketId,
    card.notes,
    card.handedOffBy.name,
    card.team?.name ?? null,
  ];
}

function compareEntries(a: TQueueEntry, b: TQueueEntry, now: number): number {
  const byOverdue = Number(Date.parse(b.card.dueAt) <= now) - Number(Date.parse(a.card.dueAt) <= now);
  if (byOverdue !== 0) return byOverdue;
  const byPriority = PRIORITY_RANK[b.card.priority] - PRIORITY_RANK[a.card.priority];
  if (byPriority !== 0) return byPriority;
  const byAge = Date.parse(a.card.createdAt) - Date.parse(b.card.createdAt);
  return byAge !== 0 ? byAge : a.card.id.localeCompare(b.card.id);
}

/** Escalations that arrived while the tab was hidden and are still waiting: the title's count. */
export function selectUnseenCount(state: TQueueState): number {
  return Object.values(state.entries).filter((entry) => entry.isUnseen).length;
}

export type TTeamOption = { id: string; name: string };

/** Teams present in the queue, for the team filter, plus the selected one even once its last
 * card has gone: a filter must never be applied without showing as selected. */
export function selectTeams(state: TQueueState, selected: TTeamOption | null = null): TTeamOption[] {
  const teams = new Map<string, string>();
  if (selected) teams.set(selected.id, selected.name);
  for (const { card } of Object.values(state.entries)) if (card.team) teams.set(card.team.id, card.team.name);
  return [...teams].map(([id, name]) => ({ id, name })).sort((a, b) => a.name.localeCompare(b.name));
}
