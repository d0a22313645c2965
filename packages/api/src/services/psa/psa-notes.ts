// Internal notes on a session's PSA ticket, as durable jobs: escalate, claim and resolve each add a
// PsaNote row and a "psa.note" job in the transaction of the change (nothing without a ticket or
// a connection). Delivery is idempotent: a note already SENT is never posted again, and before
// posting, the ticket is searched for the note's marker, so a crash between the PSA's answer and
// our commit adds no second note.
import { randomUUID } from "node:crypto";
import { type Prisma, type PrismaClient, type PsaNote, type PsaNoteKind, utcTimestampSql } from "@handoff/db";
import { z } from "zod";
import { handoffNotFound } from "../../domain/handoff-not-found.ts";
import { parseSnapshotPayload } from "../../domain/payload-contracts.ts";
import type { TPsaNoteView } from "../../schemas/psa.ts";
import type { TAuthedViewer } from "../auth/auth-service.ts";
import { enqueueJobs } from "../jobs/job-queue.ts";
import type { TJobHandlers, TJobResult, TJobRun } from "../jobs/job-worker.ts";
import { CONNECTWISE_MAX_TICKET_ID } from "./connectwise.ts";
import { claimedNoteText, escalatedNoteText, noteMarker, resolvedNoteText } from "./note-text.ts";
import { type PsaDeps, providerFor } from "./psa-connection.ts";
import { type TPsaResult, ticketNumber } from "./psa-provider.ts";

export const PSA_NOTE_JOB = "psa.note";
const MAX_STEPS_READ = 50;
const PROVIDER_NAMES = { CONNECTWISE: "ConnectWise", HALOPSA: "HaloPSA" } as const;

export type TPsaNoteRequest = {
  accountId: string;
  sessionId: string;
  handoffId: string | null;
  ticketId: string | null;
  kind: PsaNoteKind;
  /** One note per change: e.g. `escalated/<handoffId>`, `claimed/<handoffId>/<claimedAt>`. */
  key: string;
  /** What the note must say as of the change (who claimed, the resolution). */
  details: Prisma.InputJsonObject;
  /**
   * Held until then unless released sooner: an escalation's note waits for the assessment it
   * reports (see releaseNoteAwaitingAssessment), but never longer than this.
   */
  notBefore?: Date;
};

/** Adds the note and its job in the caller's transaction; false when there is nothing to send. */
export async function enqueuePsaNote(
  tx: Prisma.TransactionClient,
  request: TPsaNoteRequest,
): Promise<boolean> {
  const ticketId = request.ticketId?.trim();
  if (!ticketId) return false;
  const connection = await tx.psaConnection.findUnique({
    where: { accountId: request.accountId },
    select: { provider: true },
  });
  if (!connection) return false;
  const id = randomUUID();
  // A fixed statement: Prisma compiles every createMany anew.
  const now = utcTimestampSql(new Date());
  const added = await tx.$executeRaw`
    INSERT INTO "PsaNote" ("id", "accountId", "sessionId", "handoffId", "kind", "dedupeKey", "provider", "ticketId",
                           "details", "status", "attempts", "createdAt", "updatedAt")
    VALUES (${id}, ${request.accountId}, ${request.sessionId}, ${request.handoffId ?? null},
            ${request.kind}::"PsaNoteKind", ${request.key}, ${connection.provider}::"PsaProvider", ${ticketId},
            ${JSON.stringify(request.details)}::jsonb, 'PENDING', 0,
            ${now}, ${now})
    ON CONFLICT DO NOTHING`;
  if (added === 0) return false;
  await enqueueJobs(tx, [
    {
      accountId: request.accountId,
      kind: PSA_NOTE_JOB,
      payload: { psaNoteId: id },
      dedupeKey: jobKey(id),
      ...(request.notBefore ? { runAt: request.notBefore } : {}),
    },
  ]);
  return true;
}

/**
 * The escalation's note, held for the assessment, is due now that the assessment is stored: call in
 * the transaction that stores it. Due "since the escalation", which is in the past whatever clock
 * the worker runs on.
 */
export async function releaseNoteAwaitingAssessment(
  tx: Prisma.TransactionClient,
  handoff: { id: string; createdAt: Date; psaTicketId: string | null },
): Promise<void> {
  // The escalation queued a note only for a session with a ticket, and its snapshot keeps that ticket.
  if (!handoff.psaTicketId?.trim()) return;
  const notes = await tx.psaNote.findMany({
    where: { handoffId: handoff.id, kind: "ESCALATED", status: "PENDING" },
    select: { id: true },
  });
  if (notes.length === 0) return;
  await tx.job.updateMany({
    where: { dedupeKey: { in: notes.map((note) => jobKey(note.id)) }, status: "PENDING", attempts: 0 },
    data: { runAt: handoff.createdAt },
  });
}

const jobKey = (psaNoteId: string) => `${PSA_NOTE_JOB}/${psaNoteId}`;

const ZPayload = z.object({ psaNoteId: z.string() });
const ZClaimDetails = z.object({ claimedBy: z.string() });
const ZResolveDetails = z.object({ resolvedBy: z.string(), resolution: z.string() });

export function createPsaNoteJobHandlers(options: {
  prisma: PrismaClient;
  psa: PsaDeps;
  appOrigin: string;
  retry?: { attempts: number };
}): TJobHandlers {
  const { prisma, psa, appOrigin } = options;

  async function settle(note: PsaNote, result: TPsaResult<never>, job: TJobRun): Promise<TJobResult> {
    if (result.ok) return { ok: true };
    const isFinal = !result.isRetryable || job.isLastAttempt;
    await prisma.psaNote.update({
      where: { id: note.id },
      data: { status: isFinal ? "FAILED" : "PENDING", lastError: result.error },
    });
    return result;
  }

  async function markSent(note: PsaNote, providerNoteId: string): Promise<TJobResult> {
    await prisma.psaNote.update({
      where: { id: note.id },
      data: { status: "SENT", providerNoteId, lastError: null, sentAt: new Date() },
    });
    return { ok: true };
  }

  async function deliver(payload: unknown, job: TJobRun): Promise<TJobResult> {
    const { psaNoteId } = ZPayload.parse(payload);
    const note = await prisma.psaNote.findUnique({ where: { id: psaNoteId } });
    if (!note || note.status === "SENT") return { ok: true };
    const fail = (error: string) =>
      settle(note, { ok: false, error, isRetryable: false, retryAfterMs: null }, job);

    const connection = await prisma.psaConnection.findUnique({ where: { accountId: note.accountId } });
    if (!connection) return fail("The account's PSA connection was removed before this note was sent.");
    if (connection.provider !== note.provider) {
      return fail(
        `The PSA connection was switched to ${PROVIDER_NAMES[connection.provider]}; this note was for ${PROVIDER_NAMES[note.provider]}.`,
      );
    }
    const ticket = ticketNumber(note.ticketId);
    if (ticket === null)
      return fail(`"${note.ticketId}" is not a ${PROVIDER_NAMES[note.provider]} ticket number.`);
    if (note.provider === "CONNECTWISE" && ticket > CONNECTWISE_MAX_TICKET_ID)
      return fail(
        `"${note.ticketId}" is beyond ConnectWise's ticket numbers (at most ${CONNECTWISE_MAX_TICKET_ID}).`,
      );
    const provider = providerFor(psa, connection);
    if (!provider.ok) return settle(note, provider, job);

    const marker = noteMarker(note.id);
    // An earlier try may have added the note and died before recording it. Looked up on every
    // try, not only when `attempts` says one was made: that count is written just before posting,
    // and a database that loses its last commit in a crash (PGlite under kill -9) may lose it too.
    const found = await provider.value.findNote(ticket, marker, job.signal);
    if (!found.ok) return settle(note, found, job);
    if (found.value !== null) return markSent(note, found.value);
    const text = await noteText(note, marker);
    if (text === null) return fail("The handoff or session this note was about no longer exists.");
    // Recorded before posting: from here on a retry looks for the note first.
    await prisma.psaNote.update({
      where: { id: note.id },
      data: { attempts: { increment: 1 }, status: "PENDING" },
    });
    const added = await provider.value.addNote(ticket, text, job.signal);
    return added.ok ? markSent(note, added.value) : settle(note, added, job);
  }

  async function noteText(note: PsaNote, marker: string): Promise<string | null> {
    const sessionLink = `${appOrigin}/sessions/${note.sessionId}`;
    if (note.kind === "RESOLVED") {
      const details = ZResolveDetails.parse(note.details);
      return resolvedNoteText({ ...details, link: sessionLink }, marker);
    }
    if (!note.handoffId) return null;
    const handoff = await prisma.handoff.findUnique({
      where: { id: note.handoffId },
      include: { handedOffBy: { select: { name: true } } },
    });
    if (!handoff) return null;
    const link = `${appOrigin}/handoffs/${handoff.id}`;
    if (note.kind === "CLAIMED") {
      const details = ZClaimDetails.parse(note.details);
      return claimedNoteText(
        { ...details, handedOffBy: handoff.handedOffBy.name, intent: handoff.intent, link },
        marker,
      );
    }
    const snapshot = parseSnapshotPayload(handoff.snapshot);
    const steps = await prisma.sessionMessage.findMany({
      where: { sessionId: handoff.sessionId, kind: "STEP", createdAt: { lte: handoff.createdAt } },
      orderBy: { createdAt: "desc" },
      take: MAX_STEPS_READ,
      select: { body: true },
    });
    const activeBranch = snapshot.branches.find((branch) => branch.id === snapshot.activeBranchId);
    return escalatedNoteText(
      {
        handedOffBy: handoff.handedOffBy.name,
        priority: handoff.priority.toLowerCase(),
        problemSummary: snapshot.problemSummary,
        problemDomain: snapshot.problemDomain,
        confidenceTier: snapshot.confidenceTier,
        stepCount: snapshot.stepCount,
        engineerNotes: handoff.engineerNotes,
        // The note waited for it (see releaseNoteAwaitingAssessment); absent if it never came.
        assessment: handoff.assessment,
        steps: steps.map((step) => step.body).reverse(),
        deadEnds: snapshot.branches
          .filter((branch) => branch.status === "dead_end")
          .map((branch) => ({ label: branch.label, outcome: branch.outcome })),
        activeBranch: activeBranch?.label ?? null,
        link,
      },
      marker,
    );
  }

  return { [PSA_NOTE_JOB]: { maxAttempts: options.retry?.attempts ?? 10, run: deliver } };
}

/** The PSA notes of one handoff (escalated, claimed, and the resolution that followed), oldest first. */
export async function listPsaNotes(
  prisma: PrismaClient,
  viewer: Pick<TAuthedViewer, "accountId">,
  handoffId: string,
): Promise<TPsaNoteView[]> {
  const handoff = await prisma.handoff.findFirst({
    where: { id: handoffId, accountId: viewer.accountId },
    select: { id: true },
  });
  if (!handoff) throw handoffNotFound();
  const notes = await prisma.psaNote.findMany({ where: { handoffId }, orderBy: { createdAt: "asc" } });
  const jobs = await prisma.job.findMany({
    where: { dedupeKey: { in: notes.map((note) => jobKey(note.id)) } },
    select: { id: true, dedupeKey: true, status: true },
  });
  const jobOf = new Map(jobs.map((job) => [job.dedupeKey, job]));
  return notes.map((note) => {
    const job = jobOf.get(jobKey(note.id));
    return {
      id: note.id,
      kind: note.kind.toLowerCase() as TPsaNoteView["kind"],
      provider: note.provider === "CONNECTWISE" ? "connectwise" : "halopsa",
      ticketId: note.ticketId,
      status: note.status.toLowerCase() as TPsaNoteView["status"],
      providerNoteId: note.providerNoteId,
      lastError: note.lastError,
      attempts: note.attempts,
      jobId: job?.id ?? null,
      isRetryable: job?.status === "DEAD" && note.status !== "SENT",
      createdAt: note.createdAt.toISOString(),
      sentAt: note.sentAt?.toISOString() ?? null,
    };
  });
}
