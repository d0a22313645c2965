import type { TAssessmentSummary, THandoffCard } from "@handoff/api/client-contract";
import { describe, expect, it } from "vitest";
import {
  createQueueState,
  queueReducer,
  selectEntries,
  selectTeams,
  selectUnseenCount,
  type THandoffEvent,
  type TQueueAction,
  type TQueueState,
} from "./queue-reducer.ts";

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
    psaTicketId: null,
    psaTicketUrl: null,
    team: null,
    handedOffBy: { id: "user-alice", name: "Alice Ng" },
    createdAt: "2025-03-01T10:00:00.000Z",
    claimedBy: null,
    claimedAt: null,
    assessment: null,
    dueAt: "2025-03-01T14:00:00.000Z",
    overdue: false,
    ...overrides,
  };
}

function event(seq: number, type: THandoffEvent["type"], handoff: THandoffCard) {
  const payload: THandoffEvent = { kind: "handoff", type, seq, at: "2025-03-01T10:00:00.000Z", handoff };
  return { type: "eventReceived", eventId: `epoch1:${seq}`, event: payload } as const;
}

function snapshot(cards: THandoffCard[], lastEventId: string) {
  return { type: "snapshotLoaded", cards, lastEventId } as const;
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

  it("puts the overdue first (priority, then age, among them), as the clock passes their targets", () => {
    const state = run([
      event(1, "handoff.created", card("urgent", { priority: "urgent", dueAt: "2025-03-01T12:00:00Z" })),
      event(2, "handoff.created", card("low-late", { priority: "low", dueAt: "2025-03-01T10:30:00Z" })),
      event(3, "handoff.created", card("high-late", { priority: "high", dueAt: "2025-03-01T11:00:00Z" })),
    ]);
    const at = (time: string) =>
      selectEntries(state, ALL, Date.parse(`2025-03-01T${time}Z`)).map((entry) => entry.card.id);
    expect(at("10:00:00")).toEqual(["urgent", "high-late", "low-late"]);
    expect(at("10:30:00")).toEqual(["low-late", "urgent", "high-late"]);
    expect(at("11:15:00")).toEqual(["high-late", "low-late", "urgent"]);
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

  it("keeps the selected team as a filter option after its last card is claimed", () => {
    const red = { id: "t-red", name: "Red" };
    const blue = { id: "t-blue", name: "Blue" };
    const state = run([
      event(1, "handoff.created", card("e1", { team: red })),
      event(2, "handoff.created", card("e2", { team: blue })),
      event(3, "handoff.claimed", card("e1", { team: red, claimedBy: { id: "user-sam", name: "Sam" } })),
    ]);
    expect(selectTeams(state)).toEqual([blue]);
    expect(selectTeams(state, red)).toEqual([blue, red]);
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

describe("assessments", () => {
  const assessment: TAssessmentSummary = {
    likelyCause: "Expired cert",
    risk: "high",
    confidence: "medium",
    source: "model",
    priorSessions: [],
  };

  it("shows a card's assessment when it arrives, without announcing the card again", () => {
    const created = run([event(1, "handoff.created", card("h1"))]);
    const assessed = run([event(3, "handoff.assessed", card("h1", { assessment }))], created);
    expect(assessed.entries.h1?.card.assessment).toEqual(assessment);
    expect(assessed.entries.h1?.isNew).toBe(true);
    expect(assessed.lastArrival).toBe(created.lastArrival);
  });

  it("does not bring back a card that left the queue before its assessment was written", () => {
    const claimed = run([
      event(1, "handoff.created", card("h1")),
      event(2, "handoff.claimed", card("h1", { claimedBy: { id: "user-bob", name: "Bob" } })),
    ]);
    const state = run(
      [
        event(3, "handoff.assessed", card("h1", { assessment })),
        event(4, "handoff.briefed", card("h1", { assessment })),
      ],
      claimed,
    );
    expect(ids(state)).toEqual([]);
    expect(state.lastSeq).toBe(4);
  });
});

describe("snapshots", () => {
  it("loads the cards as not new and takes the snapshot's log position", () => {
    const state = run([snapshot([card("a"), card("b")], "epoch1:7")]);
    expect(ids(state)).toEqual(["a", "b"]);
    expect(state.entries.a?.isNew).toBe(false);
    expect(state.lastArrival).toBeNull();
    expect([state.epoch, state.lastSeq]).toEqual(["epoch1", 7]);
  });

  it("ignores replayed events the snapshot already reflects and applies those after it", () => {
    const state = run([
      snapshot([card("a")], "epoch1:7"),
      // Already in the snapshot: created at 6, claimed at 7. Must not add or remove anything.
      event(6, "handoff.created", card("a")),
      event(7, "handoff.claimed", card("a", { claimedBy: { id: "user-sam", name: "Sam Ortiz" } })),
      // Committed after the snapshot was read: the replay brings it.
      event(8, "handoff.created", card("b")),
    ]);
    expect(ids(state)).toEqual(["a", "b"]);
    expect(state.entries.b?.isNew).toBe(true);
    expect(state.lastSeq).toBe(8);
  });

  it("replaces everything on a fresh snapshot from a new event log (after a resync)", () => {
    const state = run([
      snapshot([card("a")], "epoch1:7"),
      event(8, "handoff.created", card("b")),
      snapshot([card("b"), card("c")], "epoch2:2"),
      // The new log counts from 1 again: its seq 3 is news even though 3 < 8.
      { ...event(3, "handoff.created", card("d")), eventId: "epoch2:3" },
    ]);
    expect(ids(state)).toEqual(["b", "c", "d"]);
    expect(state.entries.b?.isNew).toBe(true); // still highlighted: it was not seen yet
    expect([state.epoch, state.lastSeq]).toEqual(["epoch2", 3]);
  });

  it("keeps a card whose claim is still in flight or showing its outcome", () => {
    const state = run([
      snapshot([card("mine"), card("lost"), card("failed")], "epoch1:3"),
      { type: "claimStarted", handoffId: "mine" },
      { type: "claimStarted", handoffId: "lost" },
      { type: "claimFailed", handoffId: "lost", message: "Sam Ortiz claimed this 1 s ago.", isTaken: true },
      { type: "claimStarted", handoffId: "failed" },
      { type: "claimFailed", handoffId: "failed", message: "Network error", isTaken: false },
      snapshot([], "epoch2:1"),
    ]);
    expect(ids(state)).toEqual(["lost", "mine"]);
  });
});

describe("optimistic claim", () => {
  const start = () => run([snapshot([card("h1")], "epoch1:1"), { type: "claimStarted", handoffId: "h1" }]);

  it("shows the card as ours at once, then removes it when the claim succeeds", () => {
    const mine = start();
    expect(mine.entries.h1?.claim).toEqual({ status: "mine" });
    expect(ids(run([{ type: "claimSucceeded", handoffId: "h1" }], mine))).toEqual([]);
  });

  it("rolls back with the winner's name on CONFLICT, then the card leaves", () => {
    const lost = run(
      [{ type: "claimFailed", handoffId: "h1", message: "Sam Ortiz claimed this 3 s ago.", isTaken: true }],
      start(),
    );
    expect(lost.entries.h1?.claim).toEqual({ status: "lost", message: "Sam Ortiz claimed this 3 s ago." });
    expect(ids(run([{ type: "cardDismissed", handoffId: "h1" }], lost))).toEqual([]);
  });

  it("rolls back at once when the rival's claimed event arrives before our answer", () => {
    const rival = card("h1", { claimedBy: { id: "user-sam", name: "Sam Ortiz" } });
    const state = run([event(2, "handoff.claimed", rival)], start());
    expect(state.entries.h1?.claim).toEqual({ status: "lost", message: "Sam Ortiz claimed this just now." });
    // The server's answer then gives the exact wording.
    const answered = run(
      [{ type: "claimFailed", handoffId: "h1", message: "Sam Ortiz claimed this 1 s ago.", isTaken: true }],
      state,
    );
    expect(answered.entries.h1?.claim).toEqual({
      status: "lost",
      message: "Sam Ortiz claimed this 1 s ago.",
    });
  });

  it("keeps the lost card naming the winner when the rival's claimed event arrives after our answer", () => {
    const lost = run(
      [{ type: "claimFailed", handoffId: "h1", message: "Sam Ortiz claimed this 1 s ago.", isTaken: true }],
      start(),
    );
    const rival = card("h1", { claimedBy: { id: "user-sam", name: "Sam Ortiz" } });
    const state = run([event(2, "handoff.claimed", rival)], lost);
    expect(state.entries.h1?.claim).toEqual({ status: "lost", message: "Sam Ortiz claimed this 1 s ago." });
    expect(ids(run([{ type: "cardDismissed", handoffId: "h1" }], state))).toEqual([]);
  });

  it("keeps showing the card as ours when the claimed event names us", () => {
    const mine = card("h1", { claimedBy: { id: ME, name: "Me" } });
    const state = run([event(2, "handoff.claimed", mine)], start());
    expect(state.entries.h1?.claim).toEqual({ status: "mine" });
  });

  it("restores the card with a retry-able error when the claim fails otherwise", () => {
    const state = run(
      [{ type: "claimFailed", handoffId: "h1", message: "Network error", isTaken: false }],
      start(),
    );
    expect(state.entries.h1?.claim).toEqual({ status: "failed", message: "Network error" });
    expect(ids(state)).toEqual(["h1"]);
    const retried = run([{ type: "claimStarted", handoffId: "h1" }], state);
    expect(retried.entries.h1?.claim).toEqual({ status: "mine" });
  });

  it("makes a lost card claimable again if the winner releases it while it still shows", () => {
    const lost = run(
      [{ type: "claimFailed", handoffId: "h1", message: "Sam Ortiz claimed this 3 s ago.", isTaken: true }],
      start(),
    );
    const released = run([event(3, "handoff.released", card("h1"))], lost);
    expect(released.entries.h1?.claim).toEqual({ status: "idle" });
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
