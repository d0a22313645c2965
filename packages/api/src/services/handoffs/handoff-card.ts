// Builds the queue card and the full handoff context from database rows. Everything about the
// session comes from the snapshot taken at handoff, so a card reads the same in every event and query.
import type { Prisma } from "@handoff/db";
import { intentToApi, priorityToApi } from "../../domain/enum-mapping.ts";
import {
  parseAssessmentPayload,
  parseBriefingPayload,
  parseSnapshotPayload,
} from "../../domain/payload-contracts.ts";
import { psaTicketUrl } from "../../domain/psa-ticket-url.ts";
import type { TAssessment, TAssessmentSummary, THandoffCard, THandoffDetail } from "../../schemas/outputs.ts";
import { dueAtOf, isOverdue } from "../../shared/sla.ts";
import { policyFromRow } from "../policy/policy-store.ts";
import { writeBriefing } from "./briefing.ts";

export const handoffCardInclude = {
  account: { select: { psaTicketUrlTemplate: true, escalationPolicy: true } },
  team: { select: { id: true, name: true } },
  handedOffBy: { select: { id: true, name: true } },
  claimedBy: { select: { id: true, name: true } },
} satisfies Prisma.HandoffInclude;

export type THandoffWithCardRelations = Prisma.HandoffGetPayload<{ include: typeof handoffCardInclude }>;

/**
 * `now` decides `overdue`; pass the clock's time where it matters (queries). The due time follows
 * the account's policy as it is now, so a policy change moves every card read after it.
 */
export function toHandoffCard(handoff: THandoffWithCardRelations, now = new Date()): THandoffCard {
  const snapshot = parseSnapshotPayload(handoff.snapshot);
  const priority = priorityToApi(handoff.priority);
  const dueAt = dueAtOf(handoff.createdAt, priority, policyFromRow(handoff.account.escalationPolicy));
  return {
    id: handoff.id,
    sessionId: handoff.sessionId,
    intent: intentToApi(handoff.intent),
    priority,
    problemSummary: snapshot.problemSummary,
    problemDomain: snapshot.problemDomain,
    notes: handoff.engineerNotes,
    stepCount: snapshot.stepCount,
    confidenceTier: snapshot.confidenceTier,
    psaTicketId: snapshot.psaTicketId,
    psaTicketUrl: psaTicketUrl(handoff.account.psaTicketUrlTemplate, snapshot.psaTicketId),
    team: handoff.team,
    handedOffBy: handoff.handedOffBy,
    createdAt: handoff.createdAt.toISOString(),
    claimedBy: handoff.claimedBy,
    claimedAt: handoff.claimedAt?.toISOString() ?? null,
    assessment: summarise(parseAssessmentPayload(handoff.assessment)),
    dueAt: dueAt.toISOString(),
    overdue: isOverdue(dueAt, now, handoff),
  };
}

function summarise(assessment: TAssessment | null): TAssessmentSummary | null {
  if (!assessment) return null;
  const { likelyCause, risk, confidence, source, priorSessions } = assessment;
  return { likelyCause, risk, confidence, source, priorSessions };
}

/** `isRewriting`: a briefing job for it is pending (its result will arrive as handoff.briefed). */
export function toHandoffDetail(
  handoff: THandoffWithCardRelations,
  isRewriting = false,
  now = new Date(),
): THandoffDetail {
  const card = toHandoffCard(handoff, now);
  const snapshot = parseSnapshotPayload(handoff.snapshot);
  const stored = parseBriefingPayload(handoff.briefing);
  return {
    ...card,
    snapshot,
    assessment: parseAssessmentPayload(handoff.assessment),
    releasedAt: handoff.releasedAt?.toISOString() ?? null,
    cancelledAt: handoff.cancelledAt?.toISOString() ?? null,
    briefing: stored
      ? {
          text: stored.text,
          source: stored.source,
          model: stored.model,
          writtenAt: stored.writtenAt,
          isRewriting,
        }
      : {
          text: writeBriefing(card, snapshot),
          source: "rules",
          model: null,
          writtenAt: null,
          isRewriting,
        },
  };
}
