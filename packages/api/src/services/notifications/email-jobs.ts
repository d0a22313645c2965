// Escalation email as durable jobs: "escalation.notify" fans a handoff out into one Notification
// row and one "email.send" job per recipient, and the push to their devices (push-jobs.ts), in
// one transaction, so a retry adds nothing; "email.send" delivers one row. Resend's idempotency
// key makes a repeated send one email.
import type { PrismaClient } from "@handoff/db";
import { z } from "zod";
import { handoffCardInclude, toHandoffCard } from "../handoff-card.ts";
import { enqueueJobs, type TJobRequest } from "../jobs/job-queue.ts";
import type { TJobHandlers, TJobResult, TJobRun } from "../jobs/job-worker.ts";
import { escalationEmail } from "./escalation-email.ts";
import type { Mailer } from "./mailer.ts";
import { enqueueEscalationPush } from "./push-jobs.ts";

export const NOTIFY_ESCALATION_JOB = "escalation.notify";
const SEND_EMAIL_JOB = "email.send";

const ZHandoffPayload = z.object({ handoffId: z.string() });
const ZNotificationPayload = z.object({ notificationId: z.string() });

export function notifyEscalationJob(handoff: { id: string; accountId: string }): TJobRequest {
  return {
    accountId: handoff.accountId,
    kind: NOTIFY_ESCALATION_JOB,
    payload: { handoffId: handoff.id },
    dedupeKey: `${NOTIFY_ESCALATION_JOB}/${handoff.id}`,
  };
}

export type TEmailJobRetry = { attempts: number };

export function createEmailJobHandlers(options: {
  prisma: PrismaClient;
  mailer: Mailer;
  appOrigin: string;
  retry?: TEmailJobRetry;
}): TJobHandlers {
  const { prisma, mailer } = options;
  const isSkipped = mailer.kind === "log";

  async function fanOut(payload: unknown): Promise<TJobResult> {
    const { handoffId } = ZHandoffPayload.parse(payload);
    const handoff = await prisma.handoff.findUnique({
      where: { id: handoffId },
      include: handoffCardInclude,
    });
    if (!handoff) return { ok: true };
    await prisma.$transaction(async (tx) => {
      const recipients = await tx.user.findMany({
        where: {
          accountId: handoff.accountId,
          active: true,
          deletedAt: null,
          role: { in: ["OWNER", "ADMIN", "ENGINEER"] },
          id: { not: handoff.handedOffById },
        },
        select: { id: true },
      });
      await tx.notification.createMany({
        data: recipients.map((recipient) => ({
          accountId: handoff.accountId,
          handoffId,
          recipientId: recipient.id,
          channel: "EMAIL" as const,
          status: isSkipped ? ("SKIPPED" as const) : ("PENDING" as const),
          lastError: isSkipped ? "Email delivery is not configured (no RESEND_API_KEY)." : null,
        })),
        skipDuplicates: true,
      });
      await enqueueEscalationPush(
        tx,
        { ...toHandoffCard(handoff), accountId: handoff.accountId },
        recipients.map((recipient) => recipient.id),
      );
      if (isSkipped) return;
      const rows = await tx.notification.findMany({
        where: { handoffId, channel: "EMAIL", reason: "escalated", status: "PENDING" },
        select: { id: true },
      });
      await enqueueJobs(
        tx,
        rows.map(
          (row): TJobRequest => ({
            accountId: handoff.accountId,
            kind: SEND_EMAIL_JOB,
            payload: { notificationId: row.id },
            dedupeKey: `${SEND_EMAIL_JOB}/${row.id}`,
          }),
        ),
      );
    });
    return { ok: true };
  }

  async function send(payload: unknown, job: TJobRun): Promise<TJobResult> {
    const { notificationId } = ZNotificationPayload.parse(payload);
    const notification = await prisma.notification.findUnique({
      where: { id: notificationId },
      include: { recipient: { select: { email: true } }, handoff: { include: handoffCardInclude } },
    });
    if (!notification || notification.status === "SENT") return { ok: true };
    const result = await mailer.send({
      to: notification.recipient.email,
      ...escalationEmail(toHandoffCard(notification.handoff), options.appOrigin),
      idempotencyKey: `escalation/${notification.handoffId}/${notification.recipientId}`,
    });
    if (result.ok) {
      await prisma.notification.update({
        where: { id: notificationId },
        data: { status: "SENT", attempts: job.attempt, providerId: result.providerId, lastError: null },
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
