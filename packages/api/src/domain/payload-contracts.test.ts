import { describe, expect, it } from "vitest";
import type { THandoffCard, TSessionSnapshot } from "../schemas/outputs.ts";
import {
  parseEscalationBusMessage,
  parseEventPayload,
  parseSnapshotPayload,
  toEventPayload,
  toSnapshotPayload,
  UnknownPayloadError,
} from "./payload-contracts.ts";

const card: THandoffCard = {
  id: "h1",
  sessionId: "s1",
  intent: "escalate",
  priority: "high",
  problemSummary: "VPN drops",
  problemDomain: "Network",
  notes: null,
  stepCount: 3,
  confidenceTier: "low",
  psaTicketId: "CW-1",
  psaTicketUrl: null,
  team: { id: "t1", name: "Service Desk" },
  handedOffBy: { id: "u1", name: "Alice" },
  createdAt: "2026-11-23T10:00:00.000Z",
  claimedBy: null,
  claimedAt: null,
  assessment: null,
  dueAt: "2026-11-23T10:15:00.000Z",
  overdue: false,
};

const snapshot: TSessionSnapshot = {
  problemSummary: "VPN drops",
  problemDomain: "Network",
  status: "escalated",
  stepCount: 3,
  confidenceTier: "low",
  psaTicketId: null,
  activeBranchId: null,
  branches: [{ id: "b1", parentId: null, label: "Reset", status: "dead_end", outcome: null }],
  recentMessages: [{ author: "Alice", body: "Tried it", at: "2026-11-23T09:59:00.000Z" }],
};

const message = {
  accountId: "a1",
  epoch: "e1",
  seq: 7,
  type: "handoff.created",
  at: card.createdAt,
  handoff: card,
};

describe("payload contracts", () => {
  it("reads back what it writes, and what was written before versions existed", () => {
    const created = { type: "handoff.created", handoff: card } as const;
    expect(parseEventPayload(created.type, JSON.parse(JSON.stringify(toEventPayload(created))))).toEqual(
      created,
    );
    expect(parseEventPayload(created.type, card)).toEqual(created);
    const { psaTicketId: _id, psaTicketUrl: _url, ...cardBeforeTicketLinks } = card;
    expect(parseEventPayload(created.type, cardBeforeTicketLinks)).toEqual({
      ...created,
      handoff: { ...card, psaTicketId: null, psaTicketUrl: null },
    });
    expect(parseSnapshotPayload(JSON.parse(JSON.stringify(toSnapshotPayload(snapshot))))).toEqual(snapshot);
    expect(parseSnapshotPayload(snapshot)).toEqual(snapshot);
    expect(parseEscalationBusMessage({ v: 1, ...message })).toEqual({ v: 1, ...message });
    expect(parseEscalationBusMessage(message)).toEqual(message);
  });

  it("refuses a version it does not know, naming it", () => {
    expect(() => parseEventPayload("handoff.created", { v: 2, handoff: card })).toThrow(
      "An event log payload of version 2 was not understood",
    );
    expect(() => parseSnapshotPayload({ ...snapshot, v: 2 })).toThrow(/A handoff snapshot of version 2/);
    expect(() => parseEscalationBusMessage({ ...message, v: 2 })).toThrow(/A bus message of version 2/);
  });

  it("refuses a payload of the right version but the wrong shape, and an event type it does not know", () => {
    expect(() =>
      parseEventPayload("handoff.claimed", { v: 1, handoff: { ...card, priority: "critical" } }),
    ).toThrow(UnknownPayloadError);
    expect(() => parseEscalationBusMessage({ ...message, type: "handoff.teleported" })).toThrow(
      UnknownPayloadError,
    );
    expect(() => parseSnapshotPayload(null)).toThrow(/A handoff snapshot of an unknown shape/);
    expect(() => parseEventPayload("handoff.teleported", { v: 1, handoff: card })).toThrow(
      UnknownPayloadError,
    );
  });
});
