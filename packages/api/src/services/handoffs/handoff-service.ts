// Park, escalate, claim and release: each change, its session's new status, its session log row,
// its events (handoff.* for the queue, session.updated for session views) and the background jobs
// it causes (email, push) commit in one transaction; publishing happens after commit and never fails the call.
import type { Prisma, PrismaClient } from "@handoff/db";
import type { CoreDeps } from "../../core-deps.ts";
import { AppError, isUniqueViolation } from "../../domain/app-error.ts";
import type { TEscalationBusMessage } from "../../domain/bus-message.ts";
import { intentToDb, priorityToDb, toBranchNode, toSessionFacts } from "../../domain/enum-mapping.ts";
import { handoffNotFound } from "../../domain/handoff-not-found.ts";
import { assertMayChange } from "../../domain/holder.ts";
import { toSnapshotPayload } from "../../domain/payload-contracts.ts";
import type { THandoffIntent, THandoffPriority } from "../../schemas/enums.ts";
import type {
  THandoffCard,
  THandoffDetail,
  THandoffEventType,
  TSessionSnapshot,
} from "../../schemas/outputs.ts";
import { formatEventId } from "../../shared/event-id.ts";
import { assistantJobsFor, isBriefingPending, requestBriefing } from "../assistant/assistant-jobs.ts";
import type { TAuthedViewer } from "../auth/auth-service.ts";
import type { TJobRequest } from "../jobs/job-queue.ts";
import { notifyEscalationJob } from "../notifications/email-jobs.ts";
import { enqueueClaimPush } from "../notifications/push-jobs.ts";
import { policyTimerJobs, stopPolicyTimers } from "../policy/policy-timers.ts";
import { enqueuePsaNote } from "../psa/psa-notes.ts";
import { lockSession, recordSessionChange, type TSessionChangeRecord } from "../sessions/session-change.ts";
import { sessionSummaryInclude } from "../sessions/session-summary.ts";
import {
  enabledWebhookEndpoints,
  enqueueWebhookEvent,
  handoffWebhookEvent,
} from "../webhooks/webhook-outbox.ts";
import { describeClaim } from "./claim-message.ts";
import { appendEscalationEvents } from "./event-log.ts";
import { publishInBackground } from "./event-publisher.ts";
import { handoffCardInclude, toHandoffCard, toHandoffDetail } from "./handoff-card.ts";

/**
 * The longest an escalation's PSA note waits for the assessment it reports (the assessment job
 * releases it at once when done); past it, e.g. with the model down for good, it goes without.
 */
const NOTE_WAITS_FOR_ASSESSMENT_MS = 3 * 60_000;

type TViewerRef = Pick<TAuthedViewer, "id" | "accountId" | "role">;

/**
 * A changed handoff as it is read back for its card, with the account's enabled webhook endpoints
 * in the same statement: its webhook event needs no lookup of its own.
 */
const changedHandoffInclude = {
  ...handoffCardInclude,
  account: {
    select: { ...handoffCardInclude.account.select, webhookEndpoints: enabledWebhookEndpoints },
  },
} satisfies Prisma.HandoffInclude;
type TChangedHandoff = Prisma.HandoffGetPayload<{ include: typeof changedHandoffInclude }>;

/** Every handoff the session has had: for the open-handoff check and the timers to stop. */
const sessionHandoffs = {
  select: {
    id: true,
    intent: true,
    claimedAt: true,
    cancelledAt: true,
    handedOffBy: { select: { name: true } },
  },
} satisfies Prisma.Session$handoffsArgs;
type THandoffEvent = Extract<TEscalationBusMessage, { handoff: THandoffCard }>;
type THandoffDeps = Pick<CoreDeps, "prisma" | "bus" | "jobs" | "logger" | "assistant" | "clock">;

export type TCreateHandoffInput = {
  sessionId: string;
  intent: THandoffIntent;
  priority: THandoffPriority;
  notes?: string | undefined;
  idempotencyKey?: string | undefined;
};

const RECENT_MESSAGES_IN_SNAPSHOT = 5;
/** An entry can hold a pasted log far longer than a briefing needs; the session keeps it whole. */
const SNAPSHOT_MESSAGE_CHARS = 4_000;

function briefly(body: string): string {
  if (body.length <= SNAPSHOT_MESSAGE_CHARS) return body;
  return `${body.slice(0, SNAPSHOT_MESSAGE_CHARS)}… (${body.length - SNAPSHOT_MESSAGE_CHARS} more characters in the session)`;
}

export async function createHandoff(
  deps: THandoffDeps,
  viewer: TViewerRef & Pick<TAuthedViewer, "name">,
  input: TCreateHandoffInput,
): Promise<THandoffCard> {
  // A repeated submit (the same idempotency key) is not looked up first, which would cost every
  // escalation a statement: its transaction fails (the open handoff, or the key's unique index)
  // and the catch below answers with the handoff the first submit created.
  let events: THandoffChange["events"];
  try {
    events = await deps.prisma.$transaction(async (tx) => {
      const session = await lockSession(tx, viewer.accountId, input.sessionId, {
        branches: { orderBy: { createdAt: "asc" } },
        messages: {
          // Messages written in one millisecond tie on createdAt: the id makes the pick the same on every read.
          orderBy: [{ createdAt: "desc" }, { id: "desc" }],
          take: RECENT_MESSAGES_IN_SNAPSHOT,
          // The snapshot names the author: their whole row (password hash included) stays unread.
          include: { author: { select: { name: true } } },
        },
        handoffs: sessionHandoffs,
        // What the new handoff's card and the session's summary show, read here under the lock.
        account: { select: changedHandoffInclude.account.select },
        team: sessionSummaryInclude.team,
        activeBranch: sessionSummaryInclude.activeBranch,
      });
      assertMayChange(viewer, session);
      if (session.status === "RESOLVED")
        throw new AppError("CONFLICT", "This session is resolved: reopen it first.");
      const earlierHandoffs = session.handoffs;
      assertNoneOpen(earlierHandoffs);
      // A claimed earlier handoff of this session is over: its idle pages stop.
      await stopPolicyTimers(tx, {
        handoffIds: earlierHandoffs.map((handoff) => handoff.id),
        why: "The session was handed off again before it was delivered.",
      });

      const row = await tx.handoff.create({
        data: {
          createdAt: deps.clock.now(),
          accountId: viewer.accountId,
          sessionId: session.id,
          teamId: session.teamId,
          intent: intentToDb(input.intent),
          priority: priorityToDb(input.priority),
          engineerNotes: input.notes || null,
          idempotencyKey: input.idempotencyKey ?? null,
          handedOffById: viewer.id,
          snapshot: toSnapshotPayload(snapshotOf(session)),
        },
      });
      const handoff: TChangedHandoff = {
        ...row,
        account: session.account,
        team: session.team,
        handedOffBy: { id: viewer.id, name: viewer.name },
        claimedBy: null,
      };
      if (input.intent === "escalate") {
        await enqueuePsaNote(tx, {
          accountId: viewer.accountId,
          sessionId: session.id,
          handoffId: handoff.id,
          ticketId: session.psaTicketId,
          kind: "ESCALATED",
          key: `escalated/${handoff.id}`,
          details: {},
          ...(deps.assistant.isAssessing
            ? { notBefore: new Date(handoff.createdAt.getTime() + NOTE_WAITS_FOR_ASSESSMENT_MS) }
            : {}),
        });
      }
      const { events: created } = await announceHandoffChange(tx, viewer, "handoff.created", handoff, {
        ...(input.intent === "escalate"
          ? { action: "ESCALATED", summary: `Escalated the session (${input.priority} priority)` }
          : { action: "PARKED", summary: "Parked the session for a teammate" }),
        // Its notify, assistant and policy-timer jobs (a PSA note and webhooks queue their own).
        jobs: [
          ...(input.intent === "escalate" ? [notifyEscalationJob(handoff)] : []),
          ...assistantJobsFor(deps.assistant, { ...handoff, intent: input.intent }),
          ...policyTimerJobs(handoff),
        ],
        sessionWrites: {
          status: input.intent === "escalate" ? "ESCALATED" : "PAUSED",
          handoffCount: { increment: 1 },
        },
        relationsAfter: {
          account: session.account,
          owner: session.owner,
          assignee: session.assignee,
          team: session.team,
          activeBranch: session.activeBranch,
          handoffs: [{ id: handoff.id, intent: handoff.intent, priority: handoff.priority }],
        },
      });
      return created;
    });
  } catch (error) {
    // A repeated or racing double submit: answer with the handoff that won.
    const winner = await findEarlierAttempt(deps.prisma, viewer, input);
    if (winner) return winner;
    if (isUniqueViolation(error)) throw new AppError("CONFLICT", "This session already has an open handoff.");
    throw error;
  }

  publishInBackground(deps, events);
  deps.jobs.kick();
  return events[0].handoff;
}

export async function claimHandoff(
  deps: THandoffDeps,
  viewer: TViewerRef,
  handoffId: string,
): Promise<THandoffCard> {
  const { events, hasQueuedWork } = await deps.prisma.$transaction(async (tx) => {
    // The session is locked before the handoff, as every session change does, so a claim and a
    // change of the same session queue up instead of deadlocking; one statement finds it, locks it
    // and reads its handoffs: none can be added while the target is open, and a claim needs it open.
    const [target] = await tx.$queryRaw<{ sessionId: string; handoffIds: string[] }[]>`
      SELECT "s"."id" AS "sessionId",
             (SELECT json_agg("h2"."id") FROM "Handoff" AS "h2" WHERE "h2"."sessionId" = "s"."id") AS "handoffIds"
      FROM "Handoff" AS "h" JOIN "Session" AS "s" ON "s"."id" = "h"."sessionId" AND "s"."accountId" = "h"."accountId"
      WHERE "h"."id" = ${handoffId} AND "h"."accountId" = ${viewer.accountId}
      FOR UPDATE OF "s"`;
    if (!target) throw handoffNotFound();
    const claimedAt = deps.clock.now();
    const { count } = await tx.handoff.updateMany({
      where: { id: handoffId, accountId: viewer.accountId, claimedAt: null, cancelledAt: null },
      data: { claimedById: viewer.id, claimedAt },
    });
    if (count === 0) throw await whyNotClaimable(tx, viewer, handoffId);
    // Every page still pending about it, on every channel, stops here; the idle clock starts.
    await stopPolicyTimers(tx, {
      handoffIds: target.handoffIds,
      why: "Claimed before it was delivered: nothing to page about.",
      clockAt: claimedAt,
    });

    const handoff = await tx.handoff.findUniqueOrThrow({
      where: { id: handoffId },
      include: {
        ...changedHandoffInclude,
        session: {
          select: {
            ownerId: true,
            psaTicketId: true,
            owner: sessionSummaryInclude.owner,
            team: sessionSummaryInclude.team,
            activeBranch: sessionSummaryInclude.activeBranch,
          },
        },
      },
    });
    const { session } = handoff;
    const card = toHandoffCard(handoff, claimedAt);
    const pushes = await enqueueClaimPush(
      tx,
      {
        accountId: viewer.accountId,
        handoffId,
        ownerId: session.ownerId,
        claimer: { id: viewer.id, name: handoff.claimedBy?.name ?? "Someone" },
      },
      card.problemSummary,
    );
    const hasPsaNote = await enqueuePsaNote(tx, {
      accountId: viewer.accountId,
      sessionId: handoff.sessionId,
      handoffId,
      ticketId: session.psaTicketId,
      kind: "CLAIMED",
      key: `claimed/${handoffId}/${claimedAt.getTime()}`,
      details: { claimedBy: handoff.claimedBy?.name ?? "Someone" },
    });
    const change = await announceHandoffChange(tx, viewer, "handoff.claimed", handoff, {
      action: "CLAIMED",
      summary: "Claimed the session from the queue",
      sessionWrites: { status: "ACTIVE", assigneeId: viewer.id },
      jobs: policyTimerJobs(handoff),
      // The claimer is its assignee now, and it has no open handoff: the one claimed was its only one.
      relationsAfter: {
        account: handoff.account,
        owner: session.owner,
        assignee: handoff.claimedBy,
        team: session.team,
        activeBranch: session.activeBranch,
        handoffs: [],
      },
    });
    return { events: change.events, hasQueuedWork: pushes > 0 || hasPsaNote || change.isWebhookQueued };
  });
  publishInBackground(deps, events);
  if (hasQueuedWork) deps.jobs.kick();
  return events[0].handoff;
}

export async function releaseHandoff(
  deps: THandoffDeps,
  viewer: TViewerRef & { isAdmin: boolean },
  handoffId: string,
): Promise<THandoffCard> {
  try {
    const { events, isWebhookQueued } = await deps.prisma.$transaction(async (tx) => {
      const current = await findHandoffInAccount(tx, viewer, handoffId);
      const session = await lockSession(tx, viewer.accountId, current.sessionId);
      // Releasing would put a finished session back in the queue with its resolution still set.
      if (session.status === "RESOLVED") {
        throw new AppError("CONFLICT", "This session is resolved: reopen it before releasing it.");
      }
      if (!current.claimedById || !current.claimedAt) {
        throw new AppError("CONFLICT", "This handoff is already waiting in the queue.");
      }
      if (current.claimedById !== viewer.id && !viewer.isAdmin) {
        throw new AppError(
          "FORBIDDEN",
          "Only the person who claimed this handoff, or an admin, can release it.",
        );
      }
      // Only the claim we just read is released: a concurrent release or re-claim wins instead.
      const releasedAt = deps.clock.now();
      const { count } = await tx.handoff.updateMany({
        where: { id: handoffId, claimedById: current.claimedById, claimedAt: current.claimedAt },
        data: { claimedById: null, claimedAt: null, releasedAt },
      });
      if (count === 0)
        throw new AppError("CONFLICT", "This handoff changed hands meanwhile; reload and try again.");
      // The claim's pending pages stop; the queue's clock restarts from the release.
      await stopPolicyTimers(tx, {
        handoffIds: [handoffId],
        why: "Released before it was delivered.",
        clockAt: releasedAt,
      });
      const handoff = await tx.handoff.findUniqueOrThrow({
        where: { id: handoffId },
        include: changedHandoffInclude,
      });
      await tx.session.updateMany({
        where: { id: handoff.sessionId, assigneeId: current.claimedById },
        data: { status: handoff.intent === "ESCALATE" ? "ESCALATED" : "PAUSED", assigneeId: null },
      });
      return announceHandoffChange(tx, viewer, "handoff.released", handoff, {
        action: "RELEASED",
        summary:
          current.claimedById === viewer.id
            ? "Released the session back to the queue"
            : `Released ${current.claimedBy?.name ?? "someone"}'s claim; the session is back in the queue`,
        jobs: policyTimerJobs(handoff),
      });
    });
    publishInBackground(deps, events);
    if (isWebhookQueued) deps.jobs.kick();
    return events[0].handoff;
  } catch (error) {
    if (isUniqueViolation(error)) {
      throw new AppError(
        "CONFLICT",
        "This session was handed off again since; release that newer handoff instead.",
      );
    }
    throw error;
  }
}

type THandoffChange = {
  events: readonly [THandoffEvent, TEscalationBusMessage];
  /** Whether a webhook delivery was queued, so the job worker has work to pick up. */
  isWebhookQueued: boolean;
};

/**
 * A handoff change's two events: `handoff.*` for the queue, then `session.updated` (with its log
 * row); and its webhook event, for the account's endpoints that want it (read with the handoff).
 */
async function announceHandoffChange(
  tx: Prisma.TransactionClient,
  viewer: TViewerRef,
  type: Extract<THandoffEventType, "handoff.created" | "handoff.claimed" | "handoff.released">,
  handoff: TChangedHandoff,
  change: Pick<TSessionChangeRecord, "action" | "summary" | "sessionWrites" | "relationsAfter"> & {
    /** Jobs the change queues: written with its events. */
    jobs?: readonly TJobRequest[];
  },
): Promise<THandoffChange> {
  const { jobs, ...sessionChange } = change;
  const { event: sessionEvent, logRow } = await recordSessionChange(tx, {
    sessionId: handoff.sessionId,
    accountId: viewer.accountId,
    actorId: viewer.id,
    ...sessionChange,
  });
  const card = toHandoffCard(handoff);
  const changedAt =
    type === "handoff.created"
      ? handoff.createdAt
      : type === "handoff.claimed"
        ? handoff.claimedAt
        : handoff.releasedAt;
  const webhookEvent = handoffWebhookEvent(viewer.accountId, type, card, changedAt ?? new Date());
  const isWebhookQueued = await enqueueWebhookEvent(tx, webhookEvent, handoff.account.webhookEndpoints);
  // The seq lock comes last: nothing else the transaction does waits behind it.
  const events = await appendEscalationEvents(tx, viewer.accountId, [{ type, handoff: card }, sessionEvent], {
    sessionLog: logRow,
    jobs,
  });
  return { events, isWebhookQueued };
}

/**
 * The open handoffs, with the event-log position they reflect: a client subscribes with that
 * `lastEventId`, so nothing committed between this read and its subscription is missed.
 */
export async function listQueue(
  prisma: PrismaClient,
  viewer: TViewerRef,
  filter: { intent?: THandoffIntent | undefined; teamId?: string | undefined },
  now = new Date(),
): Promise<{ handoffs: THandoffCard[]; lastEventId: string }> {
  // One snapshot for both reads, so the cards and the position agree.
  return prisma.$transaction(
    async (tx) => {
      const log = await tx.account.findUniqueOrThrow({
        where: { id: viewer.accountId },
        select: { eventEpoch: true, eventSeq: true },
      });
      const handoffs = await tx.handoff.findMany({
        where: {
          accountId: viewer.accountId,
          claimedAt: null,
          cancelledAt: null,
          ...(filter.intent && { intent: intentToDb(filter.intent) }),
          ...(filter.teamId && { teamId: filter.teamId }),
        },
        orderBy: [{ priority: "desc" }, { createdAt: "asc" }],
        include: handoffCardInclude,
        take: 500,
      });
      // Priority then age, with the overdue ones (past their target) first.
      const cards = handoffs.map((handoff) => toHandoffCard(handoff, now));
      return {
        handoffs: [...cards.filter((card) => card.overdue), ...cards.filter((card) => !card.overdue)],
        lastEventId: formatEventId({ epoch: log.eventEpoch, seq: log.eventSeq }),
      };
    },
    { isolationLevel: "RepeatableRead" },
  );
}

export async function getHandoff(
  prisma: PrismaClient,
  viewer: TViewerRef,
  handoffId: string,
  now = new Date(),
): Promise<THandoffDetail> {
  const handoff = await findHandoffInAccount(prisma, viewer, handoffId);
  return toHandoffDetail(handoff, await isBriefingPending(prisma, handoffId), now);
}

/** The claimer asks for a new briefing: written by a job, it arrives as `handoff.briefed`. */
export async function regenerateBriefing(
  deps: Pick<CoreDeps, "prisma" | "jobs">,
  viewer: TViewerRef,
  handoffId: string,
): Promise<THandoffDetail> {
  if (await requestBriefing(deps.prisma, viewer, handoffId)) deps.jobs.kick();
  return getHandoff(deps.prisma, viewer, handoffId);
}

async function findHandoffInAccount(db: Prisma.TransactionClient, viewer: TViewerRef, handoffId: string) {
  const handoff = await db.handoff.findFirst({
    where: { id: handoffId, accountId: viewer.accountId },
    include: handoffCardInclude,
  });
  if (!handoff) throw handoffNotFound();
  return handoff;
}

async function whyNotClaimable(tx: Prisma.TransactionClient, viewer: TViewerRef, handoffId: string) {
  const handoff = await findHandoffInAccount(tx, viewer, handoffId);
  if (handoff.cancelledAt) return new AppError("CONFLICT", "This handoff was cancelled.");
  if (handoff.claimedBy && handoff.claimedAt) {
    return new AppError("CONFLICT", describeClaim(handoff.claimedBy.name, handoff.claimedAt, new Date()));
  }
  return new AppError("CONFLICT", "This handoff can no longer be claimed.");
}

function assertNoneOpen(handoffs: Prisma.HandoffGetPayload<typeof sessionHandoffs>[]) {
  const open = handoffs.find((handoff) => !handoff.claimedAt && !handoff.cancelledAt);
  if (!open) return;
  const verb = open.intent === "ESCALATE" ? "escalated" : "parked";
  throw new AppError(
    "CONFLICT",
    `${open.handedOffBy.name} already ${verb} this session; it is waiting in the queue.`,
  );
}

/** The handoff an earlier submit with the same idempotency key created, if any. */
async function findEarlierAttempt(
  prisma: PrismaClient,
  viewer: TViewerRef,
  input: TCreateHandoffInput,
): Promise<THandoffCard | null> {
  if (!input.idempotencyKey) return null;
  const handoff = await prisma.handoff.findUnique({
    where: {
      accountId_handedOffById_idempotencyKey: {
        accountId: viewer.accountId,
        handedOffById: viewer.id,
        idempotencyKey: input.idempotencyKey,
      },
    },
    include: handoffCardInclude,
  });
  if (!handoff) return null;
  const card = toHandoffCard(handoff);
  const isSameRequest =
    card.sessionId === input.sessionId &&
    card.intent === input.intent &&
    card.priority === input.priority &&
    card.notes === (input.notes || null);
  if (!isSameRequest) {
    throw new AppError(
      "CONFLICT",
      "This request was already used for a different handoff; reopen the dialog and try again.",
    );
  }
  return card;
}

/** Who wrote a message that no user wrote. */
const AUTHOR_KIND_LABELS = { ENGINEER: "Engineer", SYSTEM: "System", ASSISTANT: "Assistant" } as const;

type TSessionForSnapshot = Prisma.SessionGetPayload<{
  include: { branches: true; messages: { include: { author: { select: { name: true } } } } };
}>;

function snapshotOf(session: TSessionForSnapshot): TSessionSnapshot {
  return {
    ...toSessionFacts(session),
    activeBranchId: session.activeBranchId,
    branches: session.branches.map(toBranchNode),
    recentMessages: session.messages
      .map((message) => ({
        author: message.author?.name ?? AUTHOR_KIND_LABELS[message.authorKind],
        body: briefly(message.body),
        at: message.createdAt.toISOString(),
      }))
      .reverse(),
  };
}
