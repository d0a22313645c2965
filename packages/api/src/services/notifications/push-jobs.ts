// Web Push as durable jobs. `enqueuePushToUsers` runs inside the caller's transaction: one
// Notification row (channel PUSH) per recipient and reason, and one "push.send" job per device
// of theirs, so each device is retried on its own. "push.send" delivers to one device and records
// the outcome on the row: SENT once any device has it, FAILED when a device gave up and none has
// it, SKIPPED when the handoff was claimed before delivery (a page nobody needs any more).
// A 404/410 from the push service removes the device. Never sends inside a transaction.
import type { HandoffPriority, Prisma, PrismaClient } from "@handoff/db";
import { z } from "zod";
import { priorityToDb } from "../../domain/enum-mapping.ts";
import type { THandoffPriority } from "../../schemas/enums.ts";
import { HANDOFF_PRIORITIES } from "../../shared/constants.ts";
import { enqueueJobs, type TJobRequest } from "../jobs/job-queue.ts";
import type { TJobHandlers, TJobResult, TJobRun } from "../jobs/job-worker.ts";
import { addNotifications } from "./notification-rows.ts";
import type { WebPushSender } from "./web-push-sender.ts";

export const SEND_PUSH_JOB = "push.send";

/** What the device shows; a click opens `/handoffs/:id`. */
export type TPushMessage = { title: string; body: string };

export type TPushRequest = {
  accountId: string;
  handoffId: string;
  userIds: readonly string[];
  /**
   * Why: "escalated", "claimed", or a re-page such as "overdue:2". A recipient gets each reason
   * for a handoff once (enqueueing it again adds nothing), so a repeat needs a reason of its own.
   */
  reason: string;
  message: TPushMessage;
  /** Only devices whose threshold is at or below this priority; omit to reach every device. */
  priority?: THandoffPriority;
  /** Skip delivery if the handoff is claimed (or cancelled) by then: pages about the queue. */
  isStaleOnceClaimed: boolean;
};

const ZPushPayload = z.object({
  notificationId: z.string(),
  subscriptionId: z.string(),
  handoffId: z.string(),
  priority: z.enum(HANDOFF_PRIORITIES).nullable(),
  message: z.object({ title: z.string(), body: z.string() }),
  isStaleOnceClaimed: z.boolean(),
});
type TPushPayload = z.infer<typeof ZPushPayload>;

/** What the service worker receives (public/sw.js reads it). */
export type TPushWireMessage = TPushMessage & {
  url: string;
  /** One notification per handoff on a device: a newer one replaces it (and alerts again). */
  tag: string;
  priority: THandoffPriority | null;
  reason: string;
};

const TITLE_MAX = 120;
const BODY_MAX = 300;
/** Escalations go stale: a phone offline for longer gets nothing rather than an old page. */
const PUSH_TTL_SECONDS = 4 * 3_600;

function prioritiesAtOrBelow(priority: THandoffPriority): HandoffPriority[] {
  return HANDOFF_PRIORITIES.slice(0, HANDOFF_PRIORITIES.indexOf(priority) + 1).map(priorityToDb);
}

/**
 * Enqueues a push to each of `userIds`' devices (active users only), in the caller's transaction.
 * Users without a device (or whose devices' thresholds are above `priority`) get no row. This is
 * the push channel for callers outside this module, e.g. the escalation policy's re-pages.
 */
export async function enqueuePushToUsers(
  tx: Prisma.TransactionClient,
  request: TPushRequest,
): Promise<number> {
  return enqueuePushToDevices(tx, request, await pushDevicesOf(tx, request));
}

type TPushDevice = { id: string; userId: string };

/** The devices of `userIds` (active users only) whose threshold `priority` meets. */
async function pushDevicesOf(
  tx: Prisma.TransactionClient,
  recipients: Pick<TPushRequest, "accountId" | "userIds" | "priority">,
): Promise<TPushDevice[]> {
  if (recipients.userIds.length === 0) return [];
  return tx.pushSubscription.findMany({
    where: {
      accountId: recipients.accountId,
      userId: { in: [...new Set(recipients.userIds)] },
      user: { active: true, deletedAt: null },
      ...(recipients.priority && { minPriority: { in: prioritiesAtOrBelow(recipients.priority) } }),
    },
    select: { id: true, userId: true },
  });
}

async function enqueuePushToDevices(
  tx: Prisma.TransactionClient,
  request: TPushRequest,
  devices: TPushDevice[],
): Promise<number> {
  if (devices.length === 0) return 0;
  const recipientIds = [...new Set(devices.map((device) => device.userId))];
  await addNotifications(
    tx,
    recipientIds.map((recipientId) => ({
      accountId: request.accountId,
      handoffId: request.handoffId,
      recipientId,
      channel: "PUSH",
      reason: request.reason,
    })),
  );
  const rows = await tx.notification.findMany({
    where: {
      handoffId: request.handoffId,
      channel: "PUSH",
      reason: request.reason,
      recipientId: { in: recipientIds },
      status: "PENDING",
    },
    select: { id: true, recipientId: true },
  });
  const jobs = rows.flatMap((row) =>
    devices
      .filter((device) => device.userId === row.recipientId)
      .map(
        (device): TJobRequest => ({
          accountId: request.accountId,
          kind: SEND_PUSH_JOB,
          payload: {
            notificationId: row.id,
            subscriptionId: device.id,
            handoffId: request.handoffId,
            priority: request.priority ?? null,
            message: {
              title: clip(request.message.title, TITLE_MAX),
              body: clip(request.message.body, BODY_MAX),
            },
            isStaleOnceClaimed: request.isStaleOnceClaimed,
          } satisfies TPushPayload,
          dedupeKey: `${SEND_PUSH_JOB}/${row.id}/${device.id}`,
        }),
      ),
  );
  await enqueueJobs(tx, jobs);
  return jobs.length;
}

/** What a new escalation's page says. */
export type TEscalationPage = {
  id: string;
  accountId: string;
  priority: THandoffPriority;
  problemSummary: string;
  notes: string | null;
  handedOffByName: string;
};

/** A new escalation, to everyone it is emailed to whose device threshold it meets. */
export function enqueueEscalationPush(
  tx: Prisma.TransactionClient,
  handoff: TEscalationPage,
  recipientIds: readonly string[],
): Promise<number> {
  const reason = handoff.notes?.trim() || "No notes were added.";
  return enqueuePushToUsers(tx, {
    accountId: handoff.accountId,
    handoffId: handoff.id,
    userIds: recipientIds,
    reason: "escalated",
    priority: handoff.priority,
    message: {
      title: `[${handoff.priority.toUpperCase()}] ${oneLine(handoff.problemSummary)}`,
      body: `${handoff.handedOffByName} needs a senior tech: ${reason}`,
    },
    isStaleOnceClaimed: true,
  });
}

/**
 * "Sam claimed your session", to the session's owner (unless they claimed it themselves). Each
 * claim of the handoff is its own notification: a re-claim after a release is news again.
 */
export async function enqueueClaimPush(
  tx: Prisma.TransactionClient,
  claim: { accountId: string; handoffId: string; ownerId: string; claimer: { id: string; name: string } },
  problemSummary: string,
): Promise<number> {
  if (claim.ownerId === claim.claimer.id) return 0;
  const recipients = { accountId: claim.accountId, userIds: [claim.ownerId] };
  // Most owners have no device: then there is nothing to count either.
  const devices = await pushDevicesOf(tx, recipients);
  if (devices.length === 0) return 0;
  const earlier = await tx.notification.count({
    where: {
      handoffId: claim.handoffId,
      recipientId: claim.ownerId,
      channel: "PUSH",
      reason: { startsWith: "claimed" },
    },
  });
  const request = {
    ...recipients,
    handoffId: claim.handoffId,
    reason: earlier === 0 ? "claimed" : `claimed:${earlier + 1}`,
    message: { title: `${claim.claimer.name} claimed your session`, body: oneLine(problemSummary) },
    isStaleOnceClaimed: false,
  };
  return enqueuePushToDevices(tx, request, devices);
}

export function createPushJobHandlers(options: {
  prisma: PrismaClient;
  sender: WebPushSender;
  retry?: { attempts: number };
}): TJobHandlers {
  const { prisma, sender } = options;

  /**
   * A failure on one device: the row fails (when final) unless another device already has it, or the
   * page was called off (SKIPPED) meanwhile.
   */
  async function recordFailure(notificationId: string, attempt: number, error: string, isFinal: boolean) {
    await prisma.notification.updateMany({
      where: { id: notificationId, status: { in: ["PENDING", "FAILED"] } },
      data: { attempts: attempt, lastError: error, ...(isFinal && { status: "FAILED" }) },
    });
  }

  async function send(payload: unknown, job: TJobRun): Promise<TJobResult> {
    const push = ZPushPayload.parse(payload);
    const [notification, device] = await Promise.all([
      prisma.notification.findUnique({
        where: { id: push.notificationId },
        select: { status: true, reason: true },
      }),
      prisma.pushSubscription.findUnique({
        where: { id: push.subscriptionId },
        include: { user: { select: { active: true, deletedAt: true } } },
      }),
    ]);
    if (!notification || notification.status === "SKIPPED") return { ok: true };
    if (!device) {
      await recordFailure(
        push.notificationId,
        job.attempt,
        "The device turned push off before delivery.",
        true,
      );
      return { ok: true };
    }
    const whySkipped =
      !device.user.active || device.user.deletedAt
        ? "The recipient was deactivated before it was delivered."
        : push.isStaleOnceClaimed && (await isClaimedOrCancelled(prisma, push.handoffId))
          ? "Claimed before it was delivered: nothing to page about."
          : null;
    if (whySkipped) {
      await prisma.notification.updateMany({
        where: { id: push.notificationId, status: { in: ["PENDING", "FAILED"] } },
        data: { status: "SKIPPED", lastError: whySkipped },
      });
      return { ok: true };
    }

    const wire: TPushWireMessage = {
      ...push.message,
      url: `/handoffs/${push.handoffId}`,
      tag: `handoff-${push.handoffId}`,
      priority: push.priority,
      reason: notification.reason,
    };
    const result = await sender.send(
      { endpoint: device.endpoint, keys: { p256dh: device.p256dh, auth: device.auth } },
      JSON.stringify(wire),
      {
        ttlSeconds: PUSH_TTL_SECONDS,
        urgency: push.priority === "urgent" || push.priority === "high" ? "high" : "normal",
        // A re-page replaces an earlier page of the same handoff the device has not fetched yet.
        topic: push.handoffId.replace(/[^A-Za-z0-9_-]/g, "").slice(0, 32),
      },
    );
    if (result.ok) {
      await prisma.$transaction([
        prisma.notification.update({
          where: { id: push.notificationId },
          data: { status: "SENT", attempts: job.attempt, providerId: result.providerId, lastError: null },
        }),
        prisma.pushSubscription.updateMany({ where: { id: device.id }, data: { lastPushedAt: new Date() } }),
      ]);
      return { ok: true };
    }
    if (result.isGone) {
      await prisma.pushSubscription.deleteMany({ where: { id: device.id, endpoint: device.endpoint } });
      await recordFailure(push.notificationId, job.attempt, `${result.error}; the device was removed.`, true);
      return { ok: true };
    }
    await recordFailure(
      push.notificationId,
      job.attempt,
      result.error,
      !result.isRetryable || job.isLastAttempt,
    );
    return {
      ok: false,
      error: result.error,
      isRetryable: result.isRetryable,
      retryAfterMs: result.retryAfterMs,
    };
  }

  return { [SEND_PUSH_JOB]: { maxAttempts: options.retry?.attempts ?? 6, run: send } };
}

async function isClaimedOrCancelled(prisma: PrismaClient, handoffId: string): Promise<boolean> {
  const handoff = await prisma.handoff.findUnique({
    where: { id: handoffId },
    select: { claimedAt: true, cancelledAt: true },
  });
  return !handoff || handoff.claimedAt !== null || handoff.cancelledAt !== null;
}

function oneLine(text: string): string {
  return text
    .replace(/[\p{Cc}\p{Zl}\p{Zp}]+/gu, " ")
    .replace(/\s+/g, " ")
    .trim();
}

function clip(text: string, max: number): string {
  const flat = text.trim();
  return flat.length > max ? `${flat.slice(0, max - 1)}…` : flat;
}
