// Sends escalation emails in the background: one Notification row per recipient, retried
// with backoff on 429/5xx. Never throws to, or blocks, the mutation that triggered it.
import type { PrismaClient } from "@handoff/db";
import type { Logger } from "../../context.ts";
import type { THandoffCard } from "../../schemas/outputs.ts";
import { escalationEmail } from "./escalation-email.ts";
import type { Mailer } from "./mailer.ts";

export type Notifier = {
  /** Fire and forget: returns at once. */
  notifyEscalation(escalation: { accountId: string; handoff: THandoffCard }): void;
  /** Resolves when every delivery started so far has finished (tests, shutdown). */
  idle(): Promise<void>;
  /**
   * Marks deliveries still PENDING after `olderThanMs` as FAILED: a restart or crash cut their
   * retries short and nothing will resume them. Returns how many.
   */
  failAbandoned(olderThanMs: number): Promise<number>;
};

export type TRetryPolicy = { attempts: number; baseDelayMs: number };

export function createNotifier(options: {
  prisma: PrismaClient;
  mailer: Mailer;
  logger: Logger;
  appOrigin: string;
  retry?: TRetryPolicy;
}): Notifier {
  const retry = options.retry ?? { attempts: 4, baseDelayMs: 500 };
  const inFlight = new Set<Promise<void>>();

  async function deliverEscalation({ accountId, handoff }: { accountId: string; handoff: THandoffCard }) {
    const { prisma, mailer } = options;
    const handoffId = handoff.id;
    const recipients = await prisma.user.findMany({
      where: {
        accountId,
        active: true,
        deletedAt: null,
        role: { in: ["OWNER", "ADMIN", "ENGINEER"] },
        id: { not: handoff.handedOffBy.id },
      },
      select: { id: true, email: true },
    });
    const isSkipped = mailer.kind === "log";
    await prisma.notification.createMany({
      data: recipients.map((recipient) => ({
        accountId,
        handoffId,
        recipientId: recipient.id,
        channel: "EMAIL" as const,
        status: isSkipped ? ("SKIPPED" as const) : ("PENDING" as const),
        lastError: isSkipped ? "Email delivery is not configured (no RESEND_API_KEY)." : null,
      })),
      skipDuplicates: true,
    });
    if (isSkipped) return;

    const content = escalationEmail(handoff, options.appOrigin);
    await Promise.all(
      recipients.map((recipient) =>
        deliverOne({ handoffId, recipientId: recipient.id, to: recipient.email, ...content }),
      ),
    );
  }

  async function deliverOne(email: {
    handoffId: string;
    recipientId: string;
    to: string;
    subject: string;
    text: string;
    html: string;
  }) {
    const where = {
      handoffId_recipientId_channel: {
        handoffId: email.handoffId,
        recipientId: email.recipientId,
        channel: "EMAIL" as const,
      },
    };
    for (let attempt = 1; attempt <= retry.attempts; attempt += 1) {
      const result = await options.mailer.send({
        ...email,
        idempotencyKey: `escalation/${email.handoffId}/${email.recipientId}`,
      });
      if (result.ok) {
        await options.prisma.notification.update({
          where,
          data: { status: "SENT", attempts: attempt, providerId: result.providerId, lastError: null },
        });
        return;
      }
      const isLastAttempt = !result.isRetryable || attempt === retry.attempts;
      await options.prisma.notification.update({
        where,
        data: { status: isLastAttempt ? "FAILED" : "PENDING", attempts: attempt, lastError: result.error },
      });
      if (isLastAttempt) return;
      await sleep(backoffDelay(retry.baseDelayMs, attempt));
    }
  }

  return {
    notifyEscalation(escalation) {
      const delivery = deliverEscalation(escalation)
        .catch((error) =>
          options.logger.error(
            { err: error, handoffId: escalation.handoff.id },
            "escalation notification failed",
          ),
        )
        .finally(() => inFlight.delete(delivery));
      inFlight.add(delivery);
    },
    async idle() {
      while (inFlight.size > 0) await Promise.allSettled([...inFlight]);
    },
    async failAbandoned(olderThanMs) {
      const { count } = await options.prisma.notification.updateMany({
        where: { status: "PENDING", updatedAt: { lt: new Date(Date.now() - olderThanMs) } },
        data: {
          status: "FAILED",
          lastError: "Delivery was interrupted (server stopped) before it finished.",
        },
      });
      return count;
    },
  };
}

/** Exponential backoff with full jitter. */
function backoffDelay(baseDelayMs: number, attempt: number): number {
  return Math.random() * baseDelayMs * 2 ** (attempt - 1);
}

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));
