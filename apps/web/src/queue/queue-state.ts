// The EscalationQueue's state as a pure reducer: snapshots, live events (deduplicated by seq),
// optimistic claims and their rollback, highlight and unseen bookkeeping. No I/O, no timers.
import type { TEscalationEvent, THandoffCard, THandoffIntent, THandoffPriority } from "@handoff/api/schemas";

export type TClaimState =
  | { status: "idle" }
  | { status: "pending" }
  /** Someone else has it: the card shows who, then leaves. */
  | { status: "lost"; message: string }
  /** The claim failed for another reason (network, permissions): the card stays, retry is possible. */
  | { status: "failed"; message: string };

export type TQueueEntry = {
  card: THandoffCard;
  /** Monotonic ms when this card entered the state; decides what a stale snapshot may drop. */
  addedAt: number;
  /** Arrived live: highlighted until seen. */
  isNew: boolean;
  /** Arrived while the tab was hidden: counted in the title until the tab is seen. */
  isUnseen: boolean;
  claim: TClaimState;
};

export type TQueueState = {
  viewerId: string;
  entries: Record<string, TQueueEntry>;
  /** Position in the account's event log: `<epoch>:<seq>` split up. */
  epoch: string | null;
  lastSeq: number | null;
  /** Handoffs claimed while we watched: a snapshot read before the claim must not bring them back. */
  gone: Record<string, true>;
  isHidden: boolean;
  /** Latest arrival, for the aria-live region and opt-in alerts (identity changes per arrival). */
  lastArrival: { card: THandoffCard; text: string } | null;
};

export type TQueueAction =
  | { type: "snapshotLoaded"; cards: THandoffCard[]; requestedAt: number }
  | { type: "eventReceived"; eventId: string; event: TEscalationEvent; at: number }
  | { type: "claimStarted"; handoffId: string }
  | { type: "claimSucceeded"; handoffId: string }
  | { type: "claimFailed"; handoffId: string; message: string; isTaken: boolean }
  | { type: "cardDismissed"; handoffId: string }
  | { type: "cardSeen"; handoffId: string }
  | { type: "visibilityChanged"; isHidden: boolean };

export type TQueueFilter = { intent: THandoffIntent | "all"; teamId: string | null };

const PRIORITY_RANK: Record<THandoffPriority, number> = { urgent: 3, high: 2, normal: 1, low: 0 };

export function createQueueState(viewerId: string, isHidden = false): TQueueState {
  return { viewerId, entries: {}, epoch: null, lastSeq: null, gone: {}, isHidden, lastArrival: null };
}

export function queueReducer(state: TQueueState, action: TQueueAction): TQueueState {
  switch (action.type) {
    case "snapshotLoaded":
      return applySnapshot(state, action.cards, action.requestedAt);
    case "eventReceived":
      return applyEvent(state, action.eventId, action.event, action.at);
    case "claimStarted":
      return updateEntry(state, action.handoffId, (entry) => ({ ...entry, claim: { status: "pending" } }));
    case "claimSucceeded":
      return removeEntry(state, action.handoffId);
    case "claimFailed":
      if (action.isTaken) {
        const lost = updateEntry(state, action.handoffId, (entry) => ({
          ...entry,
          claim: { status: "lost", message: action.message },
        }));
        return { ...lost, gone: { ...lost.gone, [action.handoffId]: true } };
      }
      return updateEntry(state, action.handoffId, (entry) => ({
        ...entry,
        claim: { status: "failed", message: action.message },
      }));
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

function applySnapshot(state: TQueueState, cards: THandoffCard[], requestedAt: number): TQueueState {
  const entries: Record<string, TQueueEntry> = {};
  for (const card of cards) {
    if (state.gone[card.id]) continue;
    const existing = state.entries[card.id];
    entries[card.id] = existing
      ? { ...existing, card }
      : { card, addedAt: requestedAt, isNew: false, isUnseen: false, claim: { status: "idle" } };
  }
  // Keep what arrived live after the snapshot was requested, and cards mid-claim.
  for (const [id, entry] of Object.entries(state.entries)) {
    if (entries[id]) continue;
    if (entry.addedAt > requestedAt || entry.claim.status !== "idle") entries[id] = entry;
  }
  return { ...state, entries };
}

function applyEvent(state: TQueueState, eventId: string, event: TEscalationEvent, at: number): TQueueState {
  if (event.kind === "resync") {
    // Our position belongs to another event log: forget it; the caller reloads the snapshot.
    return { ...state, epoch: null, lastSeq: null, gone: {} };
  }
  const epoch = epochOf(eventId);
  const isSameLog = epoch === state.epoch;
  if (isSameLog && state.lastSeq !== null && event.seq <= state.lastSeq) return state;
  const positioned: TQueueState = { ...state, epoch, lastSeq: event.seq };

  const { handoff } = event;
  if (event.type === "handoff.claimed") return applyClaimed(positioned, handoff);
  return applyArrival(positioned, handoff, event.type === "handoff.released", at);
}

function applyClaimed(state: TQueueState, handoff: THandoffCard): TQueueState {
  const gone = { ...state.gone, [handoff.id]: true as const };
  const entry = state.entries[handoff.id];
  if (entry?.claim.status === "pending") {
    // Our own claim's result is handled by claimSucceeded; a rival's win rolls ours back now.
    if (handoff.claimedBy?.id === state.viewerId) return { ...state, gone };
    const winner = handoff.claimedBy?.name ?? "Someone else";
    return {
      ...updateEntry(state, handoff.id, (current) => ({
        ...current,
        claim: { status: "lost", message: `${winner} claimed this just now.` },
      })),
      gone,
    };
  }
  return { ...removeEntry(state, handoff.id), gone };
}

function applyArrival(
  state: TQueueState,
  handoff: THandoffCard,
  isRelease: boolean,
  at: number,
): TQueueState {
  const { [handoff.id]: _wasGone, ...gone } = state.gone;
  const existing = state.entries[handoff.id];
  if (existing)
    return { ...state, gone, entries: { ...state.entries, [handoff.id]: { ...existing, card: handoff } } };

  const entry: TQueueEntry = {
    card: handoff,
    addedAt: at,
    isNew: true,
    isUnseen: state.isHidden && handoff.intent === "escalate",
    claim: { status: "idle" },
  };
  return {
    ...state,
    gone,
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

function epochOf(eventId: string): string {
  const separator = eventId.lastIndexOf(":");
  return separator < 0 ? "" : eventId.slice(0, separator);
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

/** Cards matching the filter, highest priority first, then oldest first. */
export function selectEntries(state: TQueueState, filter: TQueueFilter): TQueueEntry[] {
  return Object.values(state.entries)
    .filter((entry) => filter.intent === "all" || entry.card.intent === filter.intent)
    .filter((entry) => filter.teamId === null || entry.card.team?.id === filter.teamId)
    .sort(compareEntries);
}

function compareEntries(a: TQueueEntry, b: TQueueEntry): number {
  const byPriority = PRIORITY_RANK[b.card.priority] - PRIORITY_RANK[a.card.priority];
  if (byPriority !== 0) return byPriority;
  const byAge = Date.parse(a.card.createdAt) - Date.parse(b.card.createdAt);
  return byAge !== 0 ? byAge : a.card.id.localeCompare(b.card.id);
}

/** Escalations that arrived while the tab was hidden and are still waiting: the title's count. */
export function selectUnseenCount(state: TQueueState): number {
  return Object.values(state.entries).filter((entry) => entry.isUnseen).length;
}

/** Teams present in the queue, for the team filter. */
export function selectTeams(state: TQueueState): Array<{ id: string; name: string }> {
  const teams = new Map<string, string>();
  for (const { card } of Object.values(state.entries)) if (card.team) teams.set(card.team.id, card.team.name);
  return [...teams].map(([id, name]) => ({ id, name })).sort((a, b) => a.name.localeCompare(b.name));
}
