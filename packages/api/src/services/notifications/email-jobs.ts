// Escalation email as durable jobs: "escalation.notify" fans a handoff out into one Notification
// row and one "email.send" job per recipient, and the push to their devices (push-jobs.ts), in
// one transaction, so a retry adds nothing; "email.send" delivers one row (an escalation's, or an
// invitation's: see services/admin/users.ts). Resend's idempotency key makes a repeated send one email.
import type { HandoffPriority, Prisma, PrismaClient } from "@handoff/db";
import { z } from "zod";
import type { Clock } from "../../domain/clock.ts";
import { priorityToApi } from "../../domain/enum-mapping.ts";
import { parseSnapshotPayload } from "../../domain/payload-contracts.ts";
import { handoffCardInclude, toHandoffCard } from "../handoffs/handoff-card.ts";
import { enqueueJobs, type TJobRequest } from "../jobs/job-queue.ts";
import type { TJobHandlers, TJobResult, TJobRun } from "../jobs/job-worker.ts";
import { escalationEmail, repageEmail } from "./escalation-email.ts";
import { inviteEmail } from "./invite-email.ts";
import type { Mailer } from "./mailer.ts";
import { addNotifications } from "./notification-rows.ts";
import { enqueueEscalationPush } from "./push-jobs.ts";

export const NOTIFY_ESCALATION_JOB = "escalation.notify";
export const SEND_EMAIL_JOB = "email.send";

const ZHandoffPayload = z.object({ handoffId: z.string() });
/** An invitation's email also carries its one-time token: only its hash is stored with the invite. */
const ZNotificationPayload = z.object({ notificationId: z.string(), token: z.string().optional() });

const notificationToSendInclude = {
  recipient: { select: { email: true, name: true } },
  handoff: { include: handoffCardInclude },
  invite: { include: { account: { select: { name: true } }, sentBy: { select: { name: true } } } },
} as const;
/** An email notification's row when there is no email delivery to send it with. */
const NOT_CONFIGURED = {
  status: "SKIPPED",
  lastError: "Email delivery is not configured (no RESEND_API_KEY).",
} as const;

type TNotificationToSend = Prisma.NotificationGetPayload<{ include: typeof notificationToSendInclude }>;

/** The escalation's page, as its notify job reads it under the handoff's lock. */
type TLockedEscalation = {
  accountId: string;
  handedOffById: string;
  priority: HandoffPriority;
  engineerNotes: string | null;
  snapshot: Prisma.JsonValue;
  claimedAt: Date | null;
  cancelledAt: Date | null;
  handedOffByName: string;
  /** Who it pages: the account's active OWNER, ADMIN and ENGINEER users but its escalator. */
  recipientIds: string[];
};

/** Sends one notification's email (a row created in the caller's transaction). */
export function sendEmailJob(notification: { id: string; accountId: string }, token?: string): TJobRequest {
  return {
    accountId: notification.accountId,
    kind: SEND_EMAIL_JOB,
    payload: token ? { notificationId: notification.id, token } : { notificationId: notification.id },
    dedupeKey: `${SEND_EMAIL_JOB}/${notification.id}`,
  };
}

/** The invitee's link: the token in the fragment, which browsers never send to a server or a log. */
export function inviteUrl(appOrigin: string, token: string): string {
  return new URL(`/invite#${token}`, appOrigin).toString();
}

export function notifyEscalationJob(handoff: { id: string; accountId: string }): TJobRequest {
  return {
    accountId: handoff.accountId,
    kind: NOTIFY_ESCALATION_JOB,
    payload: { handoffId: handoff.id },
    dedupeKey: `${NOTIFY_ESCALATION_JOB}/${handoff.id}`,
  };
}

/**
 * Emails `userIds` (active users only) about a handoff for `reason` (e.g. the policy's
 * "overdue:2"), in the caller's transaction: one Notification row each and one send job per row.
 * A reason reaches a recipient once; with no email delivery configured the rows are SKIPPED.
 */
export async function enqueueEmailToUsers(
  tx: Prisma.TransactionClient,
  request: {
    accountId: string;
    handoffId: string;
    userIds: readonly string[];
    reason: string;
    isDelivered: boolean;
  },
): Promise<number> {
  if (request.userIds.length === 0) return 0;
  const recipients = await tx.user.findMany({
    where: { accountId: request.accountId, id: { in: [...request.userIds] }, active: true, deletedAt: null },
    select: { id: true },
  });
  await addNotifications(
    tx,
    recipients.map((recipient) => ({
      accountId: request.accountId,
      handoffId: request.handoffId,
      recipientId: recipient.id,
      channel: "EMAIL",
      reason: request.reason,
      ...(request.isDelivered ? {} : NOT_CONFIGURED),
    })),
  );
  if (!request.isDelivered) return 0;
  const rows = await tx.notification.findMany({
    where: { handoffId: request.handoffId, channel: "EMAIL", reason: request.reason, status: "PENDING" },
    select: { id: true },
  });
  await enqueueJobs(
    tx,
    rows.map((row) => sendEmailJob({ id: row.id, accountId: request.accountId })),
  );
  return rows.length;
}

export type TEmailJobRetry = { attempts: number };

export function createEmailJobHandlers(options: {
  prisma: PrismaClient;
  mailer: Mailer;
  appOrigin: string;
  retry?: TEmailJobRetry;
  clock?: Clock;
}): TJobHandlers {
  const { prisma, mailer } = options;
  const isSkipped = mailer.kind === "log";

  async function fanOut(payload: unknown): Promise<TJobResult> {
    const { handoffId } = ZHandoffPayload.parse(payload);
    await prisma.$transaction(async (tx) => {
      // Claimed or withdrawn meanwhile: nobody needs this page any more (a claim cancels every
      // pending notification; this lock makes the check and the claim take turns). The same read
      // brings what the page says and whom it pages, so the job reads the handoff once.
      const [handoff] = await tx.$queryRaw<TLockedEscalation[]>`
        SELECT "h"."accountId", "h"."handedOffById", "h"."priority"::text AS "priority", "h"."engineerNotes",
               "h"."snapshot", "h"."claimedAt", "h"."cancelledAt", "u"."name" AS "handedOffByName",
               (SELECT coalesce(json_agg("r"."id"), '[]') FROM "User" AS "r"
                WHERE "r"."accountId" = "h"."accountId" AND "r"."active" AND "r"."deletedAt" IS NULL
                  AND "r"."role" IN ('OWNER', 'ADMIN', 'ENGINEER') AND "r"."id" <> "h"."handedOffById"
               ) AS "recipientIds"
        FROM "Handoff" AS "h"
        JOIN "User" AS "u" ON "u"."id" = "h"."handedOffById"
        WHERE "h"."id" = ${handoffId}
        FOR UPDATE OF "h"`;
      if (!handoff || handoff.claimedAt || handoff.cancelledAt) return;
      await addNotifications(
        tx,
        handoff.recipientIds.map((recipientId) => ({
          accountId: handoff.accountId,
          handoffId,
          recipientId,
          channel: "EMAIL",
          ...(isSkipped ? NOT_CONFIGURED : {}),
        })),
      );
      await enqueueEscalationPush(
        tx,
        {
          id: handoffId,
          accountId: handoff.accountId,
          priority: priorityToApi(handoff.priority),
          problemSummary: parseSnapshotPayload(handoff.snapshot).problemSummary,
          notes: handoff.engineerNotes,
          handedOffByName: handoff.handedOffByName,
        },
        handoff.recipientIds,
      );
      if (isSkipped) return;
      const rows = await tx.notification.findMany({
        where: { handoffId, channel: "EMAIL", reason: "escalated", status: "PENDING" },
        select: { id: true },
      });
      await enqueueJobs(
        tx,
        rows.map((row) => sendEmailJob({ id: row.id, accountId: handoff.accountId })),
      );
    });
    return { ok: true };
  }

  /** The email a notification stands for: an escalation, or an invitation (its token rides in the payload). */
  async function compose(
    notification: TNotificationToSend,
    token: string | undefined,
  ): Promise<{ subject: string; text: string; html: string; idempotencyKey: string } | null> {
    if (notification.handoff) {
      const now = options.clock?.now() ?? new Date();
      const card = toHandoffCard(notification.handoff, now);
      // The first page keeps its original key; each re-page (overdue:2, idle:1…) is its own email.
      return notification.reason === "escalated"
        ? {
            ...escalationEmail(card, options.appOrigin),
            idempotencyKey: `escalation/${notification.handoff.id}/${notification.recipientId}`,
          }
        : {
            ...repageEmail(card, notification.reason, options.appOrigin, now),
            idempotencyKey: `escalation/${notification.handoff.id}/${notification.recipientId}/${notification.reason}`,
          };
    }
    const { invite } = notification;
    // An invitation that was accepted, replaced or withdrawn meanwhile is not worth an email.
    if (!invite || !token || invite.acceptedAt || invite.revokedAt) return null;
    return {
      ...inviteEmail({
        inviteeName: notification.recipient.name,
        accountName: invite.account.name,
        sentByName: invite.sentBy?.name ?? null,
        url: inviteUrl(options.appOrigin, token),
        expiresAt: invite.expiresAt,
      }),
      idempotencyKey: `invite/${invite.id}`,
    };
  }

  async function send(payload: unknown, job: TJobRun): Promise<TJobResult> {
    const { notificationId, token } = ZNotificationPayload.parse(payload);
    const notification = await prisma.notification.findUnique({
      where: { id: notificationId },
      include: notificationToSendInclude,
    });
    // SKIPPED: a claim, release or resolve cancelled it before delivery.
    if (!notification || notification.status === "SENT" || notification.status === "SKIPPED") {
      return { ok: true };
    }
    const email = await compose(notification, token);
    if (!email) {
      await prisma.notification.update({
        where: { id: notificationId },
        data: { status: "SKIPPED", lastError: "The invitation was used or withdrawn before it was sent." },
      });
      return { ok: true };
    }
    const result = await mailer.send({ to: notification.recipient.email, ...email });
    if (result.ok) {
      await prisma.notification.update({
        where: { id: notificationId },
        data: { status: "SENT", attempts: job.attempt, providerId: result.providerId, lastError: null },
      });
      // Once delivered, an invitation's token need not sit in the job table any longer.
      if (token) await prisma.job.update({ where: { id: job.id }, data: { payload: { notificationId } } });
      return { ok: true };
    }
    if (isSkipped) {
      // No provider configured: recorded as skipped, as an escalation's emails are.
      await prisma.notification.update({
        where: { id: notificationId },
        data: { status: "SKIPPED", attempts: job.attempt, lastError: result.error },
      });
      return { ok: true };
    }
    const isFinal = !result.isRetryable || job.isLastAttempt;
    await prisma.notification.update({
      where: { id: notificationId },
      data: { status: isFinal ? "FAILED" : "PENDING", attempts: job.attempt, lastError: result.error },
    });
    return result;
  }

  return {
    [NOTIFY_ESCALATION_JOB]: { maxAttempts: 10, run: fanOut },
    [SEND_EMAIL_JOB]: { maxAttempts: options.retry?.attempts ?? 6, run: send },
  };
}
