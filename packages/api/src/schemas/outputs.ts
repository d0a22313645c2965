// The shapes clients depend on: queue cards, handoff context and stream events.
// Timestamps are ISO-8601 strings so a card is the same object in a query, in the
// event log and on the bus.
import type {
  TBranchStatus,
  TConfidenceTier,
  THandoffIntent,
  THandoffPriority,
  TRole,
  TSessionStatus,
} from "./enums.ts";

export type TPersonRef = { id: string; name: string };

export type TViewer = {
  id: string;
  name: string;
  email: string;
  role: TRole;
  isSeniorTech: boolean;
  account: { id: string; name: string };
  team: { id: string; name: string } | null;
};

/** What a queue card needs; carried by every handoff event. */
export type THandoffCard = {
  id: string;
  sessionId: string;
  intent: THandoffIntent;
  priority: THandoffPriority;
  problemSummary: string;
  problemDomain: string;
  notes: string | null;
  stepCount: number;
  confidenceTier: TConfidenceTier;
  team: { id: string; name: string } | null;
  handedOffBy: TPersonRef;
  createdAt: string;
  claimedBy: TPersonRef | null;
  claimedAt: string | null;
};

export type TBranchNode = {
  id: string;
  parentId: string | null;
  label: string;
  status: TBranchStatus;
  outcome: string | null;
};

/** Frozen at handoff time: what the session looked like when it was handed off. */
export type TSessionSnapshot = {
  problemSummary: string;
  problemDomain: string;
  status: TSessionStatus;
  stepCount: number;
  confidenceTier: TConfidenceTier;
  psaTicketId: string | null;
  activeBranchId: string | null;
  branches: TBranchNode[];
  recentMessages: Array<{ author: string; body: string; at: string }>;
};

export type THandoffDetail = THandoffCard & {
  snapshot: TSessionSnapshot;
  assessment: unknown;
  releasedAt: string | null;
  briefing: string;
};

/** A background job as an ADMIN sees it (its payload holds only ids, so it is not shown). */
export type TJobSummary = {
  id: string;
  kind: string;
  status: "pending" | "running" | "done" | "dead";
  attempts: number;
  lastError: string | null;
  runAt: string;
  createdAt: string;
  updatedAt: string;
};

export type TEscalationEventType = "handoff.created" | "handoff.claimed" | "handoff.released";

export type TEscalationEvent =
  | { kind: "handoff"; type: TEscalationEventType; seq: number; at: string; handoff: THandoffCard }
  /** The client's lastEventId came from another event log (e.g. a reset database): refetch the queue. */
  | { kind: "resync"; reason: string };
