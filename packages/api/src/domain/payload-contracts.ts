// Versioned contracts for the JSON this code reads back from outside the process: the event log's
// payload column, the handoff snapshot column and bus messages. During a rolling deploy two versions
// of the app share them, so each is parsed with its schema where it is read, never cast. This code
// writes the current version; it also reads what was written before versions existed (no `v`). A
// version it does not know is refused: callers log it and skip it, so it never crashes a stream.
import { z } from "zod";
import {
  ZBranchStatus,
  ZConfidenceTier,
  ZHandoffIntent,
  ZHandoffPriority,
  ZSessionStatus,
} from "../schemas/enums.ts";
import type {
  TAssessment,
  TEscalationEventType,
  THandoffCard,
  THandoffEventType,
  TSessionSnapshot,
  TSessionSummary,
} from "../schemas/outputs.ts";
import { DEFAULT_ESCALATION_POLICY, dueAtOf } from "../shared/sla.ts";
import type { TBusMessage, TEventBody } from "./bus-message.ts";

export const PAYLOAD_VERSION = 1;

/** Written before payloads carried a version: read as version 1. */
const ZUnversioned = { v: z.never().optional() };
const ZCurrent = { v: z.literal(PAYLOAD_VERSION) };

const ZRef = z.object({ id: z.string(), name: z.string() });

const ZAssessmentLevel = z.enum(["low", "medium", "high"]);
const ZWrittenBy = z.enum(["model", "rules"]);
const ZAssessmentSummary = z.object({
  likelyCause: z.string(),
  risk: ZAssessmentLevel,
  confidence: ZAssessmentLevel,
  source: ZWrittenBy,
  /** Absent from assessments written before session.similar: none. */
  priorSessions: z.array(z.object({ sessionId: z.string(), problemSummary: z.string() })).default([]),
});
const ZAssessment = ZAssessmentSummary.extend({
  nextChecks: z.array(z.string()),
  riskReason: z.string(),
  missingInformation: z.array(z.string()),
  model: z.string().nullable(),
  fallbackReason: z.string().nullable(),
  assessedAt: z.string(),
}) satisfies z.ZodType<TAssessment>;
const ZBriefing = z.object({
  text: z.string(),
  source: ZWrittenBy,
  model: z.string().nullable(),
  writtenAt: z.string(),
  /** The job that wrote it: a retry of that job finds it done. */
  jobId: z.string(),
});
export type TStoredBriefing = z.infer<typeof ZBriefing>;

const ZHandoffCardFields = z.object({
  id: z.string(),
  sessionId: z.string(),
  intent: ZHandoffIntent,
  priority: ZHandoffPriority,
  problemSummary: z.string(),
  problemDomain: z.string(),
  notes: z.string().nullable(),
  stepCount: z.number().int(),
  confidenceTier: ZConfidenceTier,
  // Cards written before PSA ticket links had neither.
  psaTicketId: z.string().nullable().default(null),
  psaTicketUrl: z.string().nullable().default(null),
  team: ZRef.nullable(),
  handedOffBy: ZRef,
  createdAt: z.string(),
  claimedBy: ZRef.nullable(),
  claimedAt: z.string().nullable(),
  // Cards written before assessments had none.
  assessment: ZAssessmentSummary.nullable().default(null),
  // Cards written before response targets had neither: due by the default policy.
  dueAt: z.string().optional(),
  overdue: z.boolean().optional(),
});
type TStoredCard = z.infer<typeof ZHandoffCardFields>;

function withDueAt(card: TStoredCard): THandoffCard {
  return {
    ...card,
    dueAt:
      card.dueAt ?? dueAtOf(new Date(card.createdAt), card.priority, DEFAULT_ESCALATION_POLICY).toISOString(),
    overdue: card.overdue ?? false,
  };
}

const ZHandoffCard = ZHandoffCardFields.transform(withDueAt) satisfies z.ZodType<THandoffCard>;

const ZSessionSnapshot = z.object({
  problemSummary: z.string(),
  problemDomain: z.string(),
  status: ZSessionStatus,
  stepCount: z.number().int(),
  confidenceTier: ZConfidenceTier,
  psaTicketId: z.string().nullable(),
  activeBranchId: z.string().nullable(),
  branches: z.array(
    z.object({
      id: z.string(),
      parentId: z.string().nullable(),
      label: z.string(),
      status: ZBranchStatus,
      outcome: z.string().nullable(),
    }),
  ),
  recentMessages: z.array(z.object({ author: z.string(), body: z.string(), at: z.string() })),
}) satisfies z.ZodType<TSessionSnapshot>;

const ZSessionSummary = z.object({
  id: z.string(),
  problemSummary: z.string(),
  problemDomain: z.string(),
  status: ZSessionStatus,
  stepCount: z.number().int(),
  confidenceTier: ZConfidenceTier,
  psaTicketId: z.string().nullable(),
  psaTicketUrl: z.string().nullable(),
  handoffCount: z.number().int(),
  owner: ZRef,
  assignee: ZRef.nullable(),
  holder: ZRef,
  team: ZRef.nullable(),
  activeBranch: z.object({ id: z.string(), label: z.string() }).nullable(),
  openHandoff: z.object({ id: z.string(), intent: ZHandoffIntent, priority: ZHandoffPriority }).nullable(),
  resolution: z.string().nullable(),
  resolvedAt: z.string().nullable(),
  createdAt: z.string(),
  updatedAt: z.string(),
}) satisfies z.ZodType<TSessionSummary>;

/** Every event type, so adding one to TEscalationEventType without teaching the parser fails to compile. */
const EVENT_TYPES = {
  "handoff.created": true,
  "handoff.claimed": true,
  "handoff.released": true,
  "handoff.cancelled": true,
  "handoff.assessed": true,
  "handoff.briefed": true,
  "session.updated": true,
} satisfies Record<TEscalationEventType, true>;
const HANDOFF_EVENT_TYPES = Object.keys(EVENT_TYPES).filter((type) => type.startsWith("handoff.")) as [
  THandoffEventType,
  ...THandoffEventType[],
];
const ZHandoffEventType = z.enum(HANDOFF_EVENT_TYPES);

const ZHandoffEventPayload = z.union([
  z.object({ ...ZCurrent, handoff: ZHandoffCard }),
  ZHandoffCardFields.extend(ZUnversioned).transform(({ v: _v, ...handoff }) => ({
    v: PAYLOAD_VERSION,
    handoff: withDueAt(handoff),
  })),
]);
const ZSessionEventPayload = z.object({ ...ZCurrent, session: ZSessionSummary });

const ZSnapshotPayload = z.union([ZSessionSnapshot.extend(ZCurrent), ZSessionSnapshot.extend(ZUnversioned)]);

const ZEnvelope = {
  v: z.literal(PAYLOAD_VERSION).optional(),
  accountId: z.string(),
  epoch: z.string(),
  seq: z.number().int(),
  at: z.string(),
};
/** A user's logins, all ended at once by a deactivation, fit in one message. */
export const MAX_REVOKED_PER_MESSAGE = 1000;
const ZPresenceViewer = z.object({ target: z.string().max(200), viewer: ZRef });
const ZPresenceEnvelope = {
  v: z.literal(PAYLOAD_VERSION),
  kind: z.literal("presence"),
  accountId: z.string(),
  replica: z.string(),
};
const ZBusMessage = z.union([
  z.object({ ...ZEnvelope, type: ZHandoffEventType, handoff: ZHandoffCard }),
  z.object({ ...ZEnvelope, type: z.literal("session.updated"), session: ZSessionSummary }),
  z.object({ ...ZPresenceEnvelope, op: z.enum(["join", "leave"]), ...ZPresenceViewer.shape }),
  z.object({
    ...ZPresenceEnvelope,
    op: z.literal("state"),
    ttlMs: z.number().int().positive(),
    viewers: z.array(ZPresenceViewer),
  }),
  z.object({ ...ZPresenceEnvelope, op: z.literal("hello") }),
  z.object({
    v: z.literal(PAYLOAD_VERSION),
    kind: z.literal("logins-revoked"),
    tokenHashes: z.array(z.string().max(128)).max(MAX_REVOKED_PER_MESSAGE),
  }),
]) satisfies z.ZodType<TBusMessage>;

export class UnknownPayloadError extends Error {
  override name = "UnknownPayloadError";
  constructor(what: string, value: unknown, cause: z.ZodError) {
    const version = (value as { v?: unknown } | null)?.v;
    super(
      `${what} of ${version === undefined ? "an unknown shape" : `version ${String(version)}`} was not understood`,
      {
        cause,
      },
    );
  }
}

function parseWith<T>(schema: z.ZodType<T>, what: string, value: unknown): T {
  const parsed = schema.safeParse(value);
  if (!parsed.success) throw new UnknownPayloadError(what, value, parsed.error);
  return parsed.data;
}

/** An optional column of the current version, without its `v`; null when absent or of another version. */
function parseCurrentOrNull<T extends { v: number }>(
  schema: z.ZodType<T>,
  payload: unknown,
): Omit<T, "v"> | null {
  if (payload === null || payload === undefined) return null;
  const parsed = schema.safeParse(payload);
  if (!parsed.success) return null;
  const { v: _version, ...value } = parsed.data;
  return value;
}

/** The event log's payload column: the card of a handoff event, the list row of a session event. */
export function toEventPayload(body: TEventBody) {
  return "handoff" in body
    ? { v: PAYLOAD_VERSION, handoff: body.handoff }
    : { v: PAYLOAD_VERSION, session: body.session };
}

export function parseEventPayload(type: string, payload: unknown): TEventBody {
  if (type === "session.updated") {
    return { type, session: parseWith(ZSessionEventPayload, "An event log payload", payload).session };
  }
  const handoffType = parseWith(ZHandoffEventType, "An event type", type);
  return {
    type: handoffType,
    handoff: parseWith(ZHandoffEventPayload, "An event log payload", payload).handoff,
  };
}

/** The handoff's snapshot column. */
export function toSnapshotPayload(snapshot: TSessionSnapshot) {
  return { v: PAYLOAD_VERSION, ...snapshot };
}

export function parseSnapshotPayload(payload: unknown): TSessionSnapshot {
  const { v: _version, ...snapshot } = parseWith(ZSnapshotPayload, "A handoff snapshot", payload);
  return snapshot;
}

/** The handoff's assessment column. */
export function toAssessmentPayload(assessment: TAssessment) {
  return { v: PAYLOAD_VERSION, ...assessment };
}

// Built once: zod compiles a schema's parser on its first use, so a schema built per call is compiled per call.
const ZAssessmentPayload = ZAssessment.extend(ZCurrent);
const ZBriefingPayload = ZBriefing.extend(ZCurrent);

/** null when there is none yet, or a version this code cannot read wrote it (shown as not assessed). */
export function parseAssessmentPayload(payload: unknown): TAssessment | null {
  return parseCurrentOrNull(ZAssessmentPayload, payload);
}

/** The handoff's briefing column. */
export function toBriefingPayload(briefing: TStoredBriefing) {
  return { v: PAYLOAD_VERSION, ...briefing };
}

/** null when none was stored, or a version this code cannot read wrote it (written from the snapshot instead). */
export function parseBriefingPayload(payload: unknown): TStoredBriefing | null {
  return parseCurrentOrNull(ZBriefingPayload, payload);
}

/** Messages on the bus (events, presence, revoked logins): a MessageParser for @handoff/bus. */
export function parseEscalationBusMessage(value: unknown): TBusMessage {
  return parseWith(ZBusMessage, "A bus message", value);
}
