// The assessment and the briefing as durable jobs. "handoff.assess" (enqueued with the escalation)
// asks the model, or rules without one, stores the assessment and appends `handoff.assessed` in one
// transaction; "handoff.brief" does the same for the claimer's briefing (`handoff.briefed`). Both
// are idempotent: a retry, or a second worker after a crash, finds the work done and adds nothing.
// A model that fails for good (unusable answer, last try, a refusal) is replaced by the rules.
import { randomUUID } from "node:crypto";
import type { Prisma, PrismaClient } from "@handoff/db";
import { z } from "zod";
import type { CoreDeps } from "../../core-deps.ts";
import { AppError } from "../../domain/app-error.ts";
import { intentToApi, priorityToApi } from "../../domain/enum-mapping.ts";
import { handoffNotFound } from "../../domain/handoff-not-found.ts";
import {
  parseAssessmentPayload,
  parseBriefingPayload,
  parseSnapshotPayload,
  toAssessmentPayload,
  toBriefingPayload,
} from "../../domain/payload-contracts.ts";
import type { TAssessment, TSimilarSession } from "../../schemas/outputs.ts";
import { writeBriefing } from "../handoffs/briefing.ts";
import { appendEscalationEvents } from "../handoffs/event-log.ts";
import { publishInBackground } from "../handoffs/event-publisher.ts";
import {
  handoffCardInclude,
  type THandoffWithCardRelations,
  toHandoffCard,
} from "../handoffs/handoff-card.ts";
import { enqueueJobs, type TJobRequest } from "../jobs/job-queue.ts";
import type { TJobHandlers, TJobResult, TJobRun } from "../jobs/job-worker.ts";
import { findSimilarSessions } from "../knowledge/similar-sessions.ts";
import { releaseNoteAwaitingAssessment } from "../psa/psa-notes.ts";
import { lockSessionOfHandoff, lockSessionRow } from "../sessions/session-change.ts";
import type { TAssistant, TModelOutcome, TSessionForModel } from "./language-model.ts";
import { assessByRules } from "./rules-assessment.ts";

export const ASSESS_JOB = "handoff.assess";
export const BRIEF_JOB = "handoff.brief";
/** Matches read for an assessment; it quotes the close ones among them (see prior-resolutions.ts). */
const SIMILAR_TO_READ = 5;

const ZHandoffPayload = z.object({ handoffId: z.string() });

/** What a job writes on the handoff. */
type TJobOutput = Pick<Prisma.HandoffUpdateInput, "assessment" | "briefing">;
/** The model's assessment (stamped when written), or why the rules write it instead. */
type TModelAnswer = { assessment: Omit<TAssessment, "assessedAt"> } | { fallbackReason: string | null };

export function assessJob(handoff: { id: string; accountId: string }): TJobRequest {
  return {
    accountId: handoff.accountId,
    kind: ASSESS_JOB,
    payload: { handoffId: handoff.id },
    dedupeKey: `${ASSESS_JOB}/${handoff.id}`,
  };
}

/** `tag` tells one writing of the briefing from another ("first", or a regeneration's own id). */
export function briefJob(handoff: { id: string; accountId: string }, tag: string): TJobRequest {
  return {
    accountId: handoff.accountId,
    kind: BRIEF_JOB,
    payload: { handoffId: handoff.id },
    dedupeKey: `${briefJobPrefix(handoff.id)}${tag}`,
  };
}

function briefJobPrefix(handoffId: string): string {
  return `${BRIEF_JOB}/${handoffId}/`;
}

/** The background work a new handoff causes for the assistant. */
export function assistantJobsFor(
  assistant: TAssistant,
  handoff: { id: string; accountId: string; intent: "park" | "escalate" },
): TJobRequest[] {
  if (handoff.intent === "escalate" && assistant.isAssessing) return [assessJob(handoff)];
  // The model's briefing follows its assessment (the assess job enqueues it); without one, now.
  return assistant.model ? [briefJob(handoff, "first")] : [];
}

/** Whether a briefing is being written for the handoff (its result will arrive as `handoff.briefed`). */
export async function isBriefingPending(db: Prisma.TransactionClient, handoffId: string): Promise<boolean> {
  const pending = await db.job.count({
    where: {
      kind: BRIEF_JOB,
      status: { in: ["PENDING", "RUNNING"] },
      dedupeKey: { startsWith: briefJobPrefix(handoffId) },
    },
  });
  return pending > 0;
}

/**
 * The claimer asks for the briefing to be written again. One rewrite at a time: asking while one is
 * pending adds nothing. Returns whether a new one was enqueued (the caller kicks the worker).
 */
export async function requestBriefing(
  prisma: PrismaClient,
  viewer: { id: string; accountId: string },
  handoffId: string,
): Promise<boolean> {
  return prisma.$transaction(async (tx) => {
    const handoff = await tx.handoff.findFirst({
      where: { id: handoffId, accountId: viewer.accountId },
      select: { id: true, accountId: true, sessionId: true, claimedById: true },
    });
    if (!handoff) throw handoffNotFound();
    // Serialised with claims and releases of the same session, so the claimer checked is current.
    await lockSessionRow(tx, viewer.accountId, handoff.sessionId);
    const { claimedById } = await tx.handoff.findUniqueOrThrow({
      where: { id: handoffId },
      select: { claimedById: true },
    });
    if (claimedById !== viewer.id) {
      throw new AppError(
        "FORBIDDEN",
        "Only the engineer who claimed this handoff can have its briefing rewritten.",
      );
    }
    if (await isBriefingPending(tx, handoffId)) return false;
    await enqueueJobs(tx, [briefJob(handoff, randomUUID())]);
    return true;
  });
}

export function createAssistantJobHandlers(
  options: Pick<CoreDeps, "prisma" | "bus" | "logger"> & { assistant: TAssistant; attempts?: number },
): TJobHandlers {
  const { prisma, assistant } = options;
  const maxAttempts = options.attempts ?? 4;

  /** The model's answer, or a retry to ask for, or null: the rules write it. */
  function settle<T>(outcome: TModelOutcome<T>, job: TJobRun): { value: T } | { retry: TJobResult } | null {
    if (outcome.ok) return { value: outcome.value };
    // The provider's words go to the job (ADMIN+ read it) and the log, never into the assessment.
    const error = outcome.detail ? `${outcome.error} ${outcome.detail}` : outcome.error;
    if (outcome.isRetryable && !job.isLastAttempt) {
      return { retry: { ok: false, error, isRetryable: true, retryAfterMs: outcome.retryAfterMs } };
    }
    options.logger.warn({ jobId: job.id, error }, "the model's answer was not used; rules wrote it");
    return null;
  }

  /**
   * The model's assessment of the handoff, or why there is none (the rules write it), or a retry.
   * A model is asked before the session's lock is taken (it can take seconds), from a read of its own.
   */
  async function askModel(
    model: NonNullable<TAssistant["model"]>,
    handoffId: string,
    job: TJobRun,
  ): Promise<{ done: true } | { retry: TJobResult } | { answer: TModelAnswer }> {
    const handoff = await prisma.handoff.findUnique({
      where: { id: handoffId },
      include: handoffCardInclude,
    });
    if (!handoff || handoff.assessment !== null) return { done: true };
    const similar = await findSimilarTo(prisma, handoff);
    const byModel = await model.assess(modelInputOf(handoff, similar), job.signal);
    const settled = settle(byModel, job);
    if (settled && "retry" in settled) return settled;
    if (settled)
      return {
        answer: {
          assessment: { ...settled.value, source: "model", model: model.name, fallbackReason: null },
        },
      };
    return { answer: { fallbackReason: byModel.ok ? null : byModel.error } };
  }

  async function assess(payload: unknown, job: TJobRun): Promise<TJobResult> {
    const { handoffId } = ZHandoffPayload.parse(payload);
    let answer: TModelAnswer = { fallbackReason: null };
    if (assistant.model) {
      const asked = await askModel(assistant.model, handoffId, job);
      if ("done" in asked) return { ok: true };
      if ("retry" in asked) return asked.retry;
      answer = asked.answer;
    }

    const events = await prisma.$transaction(async (tx) => {
      if (!(await lockSessionOfHandoff(tx, handoffId))) return [];
      const updated = await writeUnlessDone(
        tx,
        handoffId,
        (current) => current.assessment !== null, // another run of this job got there first
        // The rules answer at once, so they work from the handoff as read under the lock.
        async (current) => {
          const assessment: TAssessment =
            "assessment" in answer
              ? { ...answer.assessment, assessedAt: new Date().toISOString() }
              : {
                  ...assessByRules(modelInputOf(current, await findSimilarTo(tx, current))),
                  source: "rules",
                  model: null,
                  fallbackReason: answer.fallbackReason,
                  assessedAt: new Date().toISOString(),
                };
          return { assessment: toAssessmentPayload(assessment) };
        },
      );
      if (!updated) return [];
      if (assistant.model) await enqueueJobs(tx, [briefJob(updated, "first")]);
      const card = toHandoffCard(updated);
      await releaseNoteAwaitingAssessment(tx, { ...updated, psaTicketId: card.psaTicketId });
      // The seq lock comes last (see appendEscalationEvents).
      return appendEscalationEvents(tx, updated.accountId, [{ type: "handoff.assessed", handoff: card }]);
    });
    publishInBackground(options, events);
    return { ok: true };
  }

  async function brief(payload: unknown, job: TJobRun): Promise<TJobResult> {
    const { handoffId } = ZHandoffPayload.parse(payload);
    const handoff = await prisma.handoff.findUnique({
      where: { id: handoffId },
      include: handoffCardInclude,
    });
    if (!handoff || parseBriefingPayload(handoff.briefing)?.jobId === job.id) return { ok: true };
    const byModel = assistant.model
      ? await assistant.model.brief(
          modelInputOf(handoff, []),
          parseAssessmentPayload(handoff.assessment),
          job.signal,
        )
      : null;
    const settled = byModel && assistant.model ? settle(byModel, job) : null;
    if (settled && "retry" in settled) return settled.retry;
    const briefing =
      settled && assistant.model
        ? { text: settled.value, source: "model" as const, model: assistant.model.name }
        : {
            text: writeBriefing(toHandoffCard(handoff), parseSnapshotPayload(handoff.snapshot)),
            source: "rules" as const,
            model: null,
          };

    const events = await prisma.$transaction(async (tx) => {
      await lockSessionRow(tx, handoff.accountId, handoff.sessionId);
      const updated = await writeUnlessDone(
        tx,
        handoffId,
        (current) => parseBriefingPayload(current.briefing)?.jobId === job.id,
        () => ({
          briefing: toBriefingPayload({ ...briefing, writtenAt: new Date().toISOString(), jobId: job.id }),
        }),
      );
      if (!updated) return [];
      // The seq lock comes last (see appendEscalationEvents).
      return appendEscalationEvents(tx, updated.accountId, [
        { type: "handoff.briefed", handoff: toHandoffCard(updated) },
      ]);
    });
    publishInBackground(options, events);
    return { ok: true };
  }

  return {
    [ASSESS_JOB]: { maxAttempts, run: assess },
    [BRIEF_JOB]: { maxAttempts, run: brief },
  };
}

/**
 * Writes what a job produced (`produce`: the assessment or the briefing) unless `isDone` says another
 * run got there first, and returns the handoff as its card needs it, or null when done already. The
 * handoff is read whole under the session's lock (a claim may have come since the job read it), so
 * the card needs no read after the update: with `include`, Prisma reads the relations again.
 */
async function writeUnlessDone(
  tx: Prisma.TransactionClient,
  handoffId: string,
  isDone: (current: THandoffWithCardRelations) => boolean,
  produce: (current: THandoffWithCardRelations) => TJobOutput | Promise<TJobOutput>,
): Promise<THandoffWithCardRelations | null> {
  const current = await tx.handoff.findUniqueOrThrow({
    where: { id: handoffId },
    include: handoffCardInclude,
  });
  if (isDone(current)) return null;
  const written = await tx.handoff.update({
    where: { id: handoffId },
    data: await produce(current),
    select: { assessment: true, briefing: true, updatedAt: true },
  });
  return { ...current, ...written };
}

/** Prior sessions like the handoff's; background work, so no viewer's verdicts. */
function findSimilarTo(
  db: Pick<PrismaClient, "$queryRaw" | "session">,
  handoff: { accountId: string; sessionId: string },
): Promise<TSimilarSession[]> {
  return findSimilarSessions(
    db,
    { id: null, accountId: handoff.accountId },
    handoff.sessionId,
    SIMILAR_TO_READ,
  );
}

function modelInputOf(handoff: THandoffWithCardRelations, similar: TSimilarSession[]): TSessionForModel {
  return {
    similar,
    intent: intentToApi(handoff.intent),
    priority: priorityToApi(handoff.priority),
    notes: handoff.engineerNotes,
    snapshot: parseSnapshotPayload(handoff.snapshot),
  };
}
