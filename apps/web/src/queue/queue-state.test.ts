import type { TEscalationEvent, THandoffCard } from "@handoff/api/schemas";
import { describe, expect, it } from "vitest";
import {
  createQueueState,
  queueReducer,
  selectEntries,
  selectTeams,
  selectUnseenCount,
  type TQueueAction,
  type TQueueState,
} from "./queue-state.ts";

const ME = "user-me";
const ALL = { intent: "all", teamId: null } as const;

function card(id: string, overrides: Partial<THandoffCard> = {}): THandoffCard {
  return {
    id,
    sessionId: `session-${id}`,
    intent: "escalate",
    priority: "normal",
    problemSummary: `Problem ${id}`,
    problemDomain: "email",
    notes: null,
    stepCount: 3,
    confidenceTier: "low",
    team: null,
    handedOffBy: { id: "user-alice", name: "Alice Ng" },
    createdAt: "2025-03-01T10:00:00.000Z",
    claimedBy: null,
    claimedAt: null,
    ...overrides,
  };
}

function event(
  seq: number,
  type: "handoff.created" | "handoff.claimed" | "handoff.released",
  handoff: THandoffCard,
) {
  const payload: TEscalationEvent = { kind: "handoff", type, seq, at: "2025-03-01T10:00:00.000Z", handoff };
  return { type: "eventReceived", eventId: `epoch1:${seq}`, event: payload, at: 1000 + seq } as const;
}

function run(actions: TQueueAction[], state: TQueueState = createQueueState(ME)): TQueueState {
  return actions.reduce(queueReducer, state);
}

const ids = (state: TQueueState) => selectEntries(state, ALL).map((entry) => entry.card.id);

describe("arrivals", () => {
  it("adds a created handoff as a new, highlighted card and announces it", () => {
    const state = run([event(1, "handoff.created", card("h1", { priority: "urgent" }))]);
    expect(ids(state)).toEqual(["h1"]);
    expect(state.entries.h1?.isNew).toBe(true);
    expect(state.lastArrival?.text).toBe("New urgent escalation: Problem h1, from Alice Ng.");
  });

  it("ignores a duplicate event (same seq) and anything older than the last seq", () => {
    const first = run([event(5, "handoff.created", card("h1"))]);
    const again = run(
      [event(5, "handoff.created", card("h1")), event(4, "handoff.created", card("h0"))],
      first,
    );
    expect(again).toBe(first);
    expect(ids(again)).toEqual(["h1"]);
  });

  it("accepts a lower seq from a new event log (new epoch)", () => {
    const state = run([
      event(9, "handoff.created", card("h1")),
      { ...event(1, "handoff.created", card("h2")), eventId: "epoch2:1" },
    ]);
    expect(ids(state)).toEqual(["h1", "h2"]);
    expect(state.epoch).toBe("epoch2");
  });

  it("orders by priority, then oldest first", () => {
    const state = run([
      event(1, "handoff.created", card("low-old", { priority: "low", createdAt: "2025-03-01T08:00:00Z" })),
      event(2, "handoff.created", card("high-new", { priority: "high", createdAt: "2025-03-01T10:00:00Z" })),
      event(3, "handoff.created", card("high-old", { priority: "high", createdAt: "2025-03-01T09:00:00Z" })),
      event(4, "handoff.created", card("urgent", { priority: "urgent", createdAt: "2025-03-01T11:00:00Z" })),
    ]);
    expect(ids(state)).toEqual(["urgent", "high-old", "high-new", "low-old"]);
  });

  it("filters by intent and team", () => {
    const red = { id: "t-red", name: "Red" };
    const state = run([
      event(1, "handoff.created", card("e1", { team: red })),
      event(2, "handoff.created", card("p1", { intent: "park", team: red })),
      event(3, "handoff.created", card("e2")),
    ]);
    expect(selectEntries(state, { intent: "escalate", teamId: null }).map((e) => e.card.id)).toEqual([
      "e1",
      "e2",
    ]);
    expect(selectEntries(state, { intent: "park", teamId: null }).map((e) => e.card.id)).toEqual(["p1"]);
    expect(selectEntries(state, { intent: "all", teamId: "t-red" }).map((e) => e.card.id)).toEqual([
      "e1",
      "p1",
    ]);
    expect(selectTeams(state)).toEqual([red]);
  });

  it("clears the highlight once the card is seen", () => {
    const state = run([event(1, "handoff.created", card("h1")), { type: "cardSeen", handoffId: "h1" }]);
    expect(state.entries.h1?.isNew).toBe(false);
  });
});

describe("claims by others", () => {
  it("removes a card claimed by anyone, at once", () => {
    const state = run([
      event(1, "handoff.created", card("h1")),
      event(2, "handoff.created", card("h2")),
      event(3, "handoff.claimed", card("h1", { claimedBy: { id: "user-sam", name: "Sam Ortiz" } })),
    ]);
    expect(ids(state)).toEqual(["h2"]);
  });

  it("does not let a snapshot read before the claim bring the card back", () => {
    const state = run([
      { type: "snapshotLoaded", cards: [card("h1"), card("h2")], requestedAt: 100 },
      event(3, "handoff.claimed", card("h1", { claimedBy: { id: "user-sam", name: "Sam Ortiz" } })),
      { type: "snapshotLoaded", cards: [card("h1"), card("h2")], requestedAt: 200 },
    ]);
    expect(ids(state)).toEqual(["h2"]);
  });

  it("brings a released handoff back", () => {
    const claimed = card("h1", { claimedBy: { id: "user-sam", name: "Sam Ortiz" } });
    const state = run([
      event(1, "handoff.created", card("h1")),
      event(2, "handoff.claimed", claimed),
      event(3, "handoff.released", card("h1")),
    ]);
    expect(ids(state)).toEqual(["h1"]);
    expect(state.lastArrival?.text).toMatch(/^Back in the queue/);
  });
});

describe("snapshots", () => {
  it("keeps cards that arrived live after the snapshot was requested", () => {
    const state = run([
      event(1, "handoff.created", card("live")), // at 1001
      { type: "snapshotLoaded", cards: [card("old")], requestedAt: 500 },
    ]);
    expect(ids(state)).toEqual(["live", "old"]);
    expect(state.entries.old?.isNew).toBe(false);
  });

  it("drops cards the snapshot no longer has when they predate the request", () => {
    const state = run([
      { type: "snapshotLoaded", cards: [card("a"), card("b")], requestedAt: 100 },
      { type: "snapshotLoaded", cards: [card("b")], requestedAt: 200 },
    ]);
    expect(ids(state)).toEqual(["b"]);
  });

  it("forgets its log position on resync so the next log's events apply", () => {
    const state = run([
      event(7, "handoff.created", card("h1")),
      { type: "eventReceived", eventId: "", event: { kind: "resync", reason: "reset" }, at: 2000 },
      event(7, "handoff.created", card("h2")),
    ]);
    expect(ids(state)).toEqual(["h1", "h2"]);
  });
});

describe("optimistic claim", () => {
  const start = () =>
    run([event(1, "handoff.created", card("h1")), { type: "claimStarted", handoffId: "h1" }]);

  it("marks the card pending, then removes it when the claim succeeds", () => {
    const pending = start();
    expect(pending.entries.h1?.claim).toEqual({ status: "pending" });
    expect(ids(run([{ type: "claimSucceeded", handoffId: "h1" }], pending))).toEqual([]);
  });

  it("rolls back with the winner's name on CONFLICT, then the card leaves", () => {
    const lost = run(
      [{ type: "claimFailed", handoffId: "h1", message: "Sam Ortiz claimed this 3 s ago.", isTaken: true }],
      start(),
    );
    expect(lost.entries.h1?.claim).toEqual({ status: "lost", message: "Sam Ortiz claimed this 3 s ago." });
    // A later snapshot that still lists it must not resurrect it once dismissed.
    const dismissed = run(
      [
        { type: "cardDismissed", handoffId: "h1" },
        { type: "snapshotLoaded", cards: [card("h1")], requestedAt: 0 },
      ],
      lost,
    );
    expect(ids(dismissed)).toEqual([]);
  });

  it("rolls back at once when the rival's claimed event arrives before our answer", () => {
    const rival = card("h1", { claimedBy: { id: "user-sam", name: "Sam Ortiz" } });
    const state = run([event(2, "handoff.claimed", rival)], start());
    expect(state.entries.h1?.claim).toEqual({ status: "lost", message: "Sam Ortiz claimed this just now." });
  });

  it("keeps our own pending claim when the claimed event names us", () => {
    const mine = card("h1", { claimedBy: { id: ME, name: "Me" } });
    const state = run([event(2, "handoff.claimed", mine)], start());
    expect(state.entries.h1?.claim).toEqual({ status: "pending" });
  });

  it("lets a failed (non-conflict) claim be retried", () => {
    const state = run(
      [{ type: "claimFailed", handoffId: "h1", message: "Network error", isTaken: false }],
      start(),
    );
    expect(state.entries.h1?.claim).toEqual({ status: "failed", message: "Network error" });
    expect(ids(state)).toEqual(["h1"]);
  });
});

describe("unseen counter (title flash)", () => {
  it("counts escalations that arrive while hidden and resets when the tab is seen", () => {
    const hidden = run([
      { type: "visibilityChanged", isHidden: true },
      event(1, "handoff.created", card("e1")),
      event(2, "handoff.created", card("e2")),
      event(3, "handoff.created", card("p1", { intent: "park" })),
    ]);
    expect(selectUnseenCount(hidden)).toBe(2);
    const seen = run([{ type: "visibilityChanged", isHidden: false }], hidden);
    expect(selectUnseenCount(seen)).toBe(0);
    // Still highlighted: being visible is not the same as having looked at the card.
    expect(seen.entries.e1?.isNew).toBe(true);
  });

  it("does not count arrivals while visible, and drops cards claimed meanwhile", () => {
    const state = run([
      event(1, "handoff.created", card("visible")),
      { type: "visibilityChanged", isHidden: true },
      event(2, "handoff.created", card("e1")),
      event(3, "handoff.created", card("e2")),
      event(4, "handoff.claimed", card("e2", { claimedBy: { id: "user-sam", name: "Sam Ortiz" } })),
    ]);
    expect(selectUnseenCount(state)).toBe(1);
  });
});
