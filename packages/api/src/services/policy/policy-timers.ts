// The escalation policy's durable timers. One "policy.timer" job per handoff at a time, planned
// for the next page of its current chain and carrying the handoff's policyVersion:
//   unclaimed: at the target (dueAt), then every repeatEvery, up to repeatMax repeats, the tier
//              (admins, owner and senior techs) is paged "overdue";
//   claimed:   idleClaimAfter after the claim or the latest activity, the claimer is paged "idle";
//              after another idleClaimAfter, the tier, then every repeatEvery up to repeatMax times.
// No page goes out maxLifetime after the escalation was raised. A claim, release, resolve or new
// handoff bumps the version, deletes pending timers and skips every undelivered notification, in
// its own transaction; a timer that escaped (already running) finds the version moved and does
// nothing. Timers never page from memory: they run on the job worker, once across replicas.
import { type EscalationPolicy, type Prisma, type PrismaClient, utcTimestampSql } from "@handoff/db";
import { z } from "zod";
import type { Clock } from "../../domain/clock.ts";
import { priorityToApi } from "../../domain/enum-mapping.ts";
import { dueAtOf, formatSpan, type TEscalationPolicy } from "../../shared/sla.ts";
import { handoffCardInclude, toHandoffCard } from "../handoffs/handoff-card.ts";
import { enqueueJobs, type TJobRequest } from "../jobs/job-queue.ts";
import type { TJobHandlers, TJobResult, TJobRun } from "../jobs/job-worker.ts";
import { enqueueEmailToUsers } from "../notifications/email-jobs.ts";
import { enqueuePushToUsers } from "../notifications/push-jobs.ts";
import { enqueueWebhookEvent, handoffWebhookEvent } from "../webhooks/webhook-outbox.ts";
import { POLICY_REWAKE_JOB, POLICY_TIMER_JOB, policyFromRow, wakePolicyTimers } from "./policy-store.ts";

const MINUTE_MS = 60_000;

const ZTimerPayload = z.object({
  handoffId: z.string(),
  version: z.number().int(),
  step: z.number().int().min(0),
});
type TTimerPayload = z.infer<typeof ZTimerPayload>;

type TTimerHandoff = {
  id: string;
  accountId: string;
  createdAt: Date;
  priority: Parameters<typeof priorityToApi>[0];
  claimedAt: Date | null;
  policyClockAt: Date | null;
};

type TPage = { at: Date; kind: "overdue" | "idle"; audience: "tier" | "claimer" };

/**
 * When step `step` of the handoff's current chain is due, and whom it pages; null when the chain
 * has no such step (repeats used up, or past the maximum lifetime).
 */
export function plannedPage(handoff: TTimerHandoff, policy: TEscalationPolicy, step: number): TPage | null {
  const repeat = policy.repeatEvery * MINUTE_MS;
  let page: TPage;
  if (handoff.claimedAt === null) {
    if (step > policy.repeatMax) return null;
    const dueAt = dueAtOf(handoff.createdAt, priorityToApi(handoff.priority), policy).getTime();
    // Back in the queue after a release: the queue gets one repeat interval before the pages resume.
    const first = handoff.policyClockAt ? Math.max(dueAt, handoff.policyClockAt.getTime() + repeat) : dueAt;
    page = { at: new Date(first + step * repeat), kind: "overdue", audience: "tier" };
  } else {
    if (step > policy.repeatMax + 1) return null;
    const idle = policy.idleClaimAfter * MINUTE_MS;
    const from = (handoff.policyClockAt ?? handoff.claimedAt).getTime() + idle;
    page =
      step === 0
        ? { at: new Date(from), kind: "idle", audience: "claimer" }
        : { at: new Date(from + idle + (step - 1) * repeat), kind: "idle", audience: "tier" };
  }
  const end = handoff.createdAt.getTime() + policy.maxLifetime * MINUTE_MS;
  return page.at.getTime() < end ? page : null;
}

/**
 * `rearmedBy`: the timer job that woke early and sleeps again as this one. It may well re-plan to
 * the very time it had (the policy was saved with its target unchanged): without the waking job's
 * id the new timer's key would be the waking job's own, and it would be dropped as a duplicate.
 */
export function timerJob(
  handoff: { id: string; accountId: string },
  version: number,
  step: number,
  runAt: Date,
  rearmedBy?: string,
): TJobRequest & { runAt: Date } {
  const key = `${POLICY_TIMER_JOB}/${handoff.id}/v${version}/s${step}/${runAt.getTime()}`;
  return {
    accountId: handoff.accountId,
    kind: POLICY_TIMER_JOB,
    payload: { handoffId: handoff.id, version, step } satisfies TTimerPayload,
    dedupeKey: rearmedBy ? `${key}/after-${rearmedBy}` : key,
    runAt,
  };
}

type TArmableHandoff = TTimerHandoff & {
  intent: string;
  policyVersion: number;
  account: { escalationPolicy: EscalationPolicy | null };
};

/**
 * The timer job of the first page of a handoff's current chain (after an escalation, claim,
 * release or activity), by the account's policy read with the handoff; none for a park or a chain
 * with no page left, for the change to write with its events (appendEscalationEvents).
 */
export function policyTimerJobs(handoff: TArmableHandoff): TJobRequest[] {
  if (handoff.intent !== "ESCALATE") return [];
  const page = plannedPage(handoff, policyFromRow(handoff.account.escalationPolicy), 0);
  return page ? [timerJob(handoff, handoff.policyVersion, 0, page.at)] : [];
}

export type TPolicyStop = {
  /** Stop these handoffs' timers and skip their undelivered notifications. */
  handoffIds: string[];
  /** Why, for the notification log ("Claimed before it was delivered"). */
  why: string;
  /** Restart the clock of the chain that follows (a claim's or release's time), or leave it. */
  clockAt?: Date | null;
  /** Only notifications whose reason starts with this (activity skips idle pages only). */
  reasonPrefix?: string;
};

/**
 * Cancels every pending page of the handoffs, on every channel, in the caller's transaction and in
 * one statement (one round trip): bumps their policy version (timers already running then do
 * nothing), deletes their pending timers, and marks undelivered notifications SKIPPED (their send
 * jobs then send nothing). The three writes touch different tables, so running them side by side
 * in one statement does what running them one after the other did.
 */
export async function stopPolicyTimers(tx: Prisma.TransactionClient, stop: TPolicyStop): Promise<void> {
  if (stop.handoffIds.length === 0) return;
  const ids = JSON.stringify(stop.handoffIds);
  const timerKeyPrefixes = JSON.stringify(stop.handoffIds.map((id) => `${POLICY_TIMER_JOB}/${id}/`));
  const now = utcTimestampSql(new Date());
  const clockAt = utcTimestampSql(stop.clockAt ?? null);
  await tx.$executeRaw`
    WITH "bumped" AS (
      UPDATE "Handoff" SET "policyVersion" = "policyVersion" + 1, "updatedAt" = ${now},
        "policyClockAt" = CASE WHEN ${stop.clockAt !== undefined} THEN ${clockAt}
                               ELSE "policyClockAt" END
      WHERE "id" IN (SELECT jsonb_array_elements_text(${ids}::jsonb))
      RETURNING 1
    ), "timersDeleted" AS (
      DELETE FROM "Job"
      WHERE "status" = 'PENDING' AND "kind" = ${POLICY_TIMER_JOB}
        AND EXISTS (SELECT 1 FROM jsonb_array_elements_text(${timerKeyPrefixes}::jsonb) "prefix"
                    WHERE starts_with("dedupeKey", "prefix"))
      RETURNING 1
    )
    UPDATE "Notification" SET "status" = 'SKIPPED', "lastError" = ${stop.why},
      "updatedAt" = ${now}
    WHERE "handoffId" IN (SELECT jsonb_array_elements_text(${ids}::jsonb)) AND "status" = 'PENDING'
      AND (${stop.reasonPrefix ?? null}::text IS NULL OR starts_with("reason", ${stop.reasonPrefix ?? ""}))`;
}

/** The reason a page is recorded under: one per step of each chain, so none is deduplicated away. */
function pageReason(kind: TPage["kind"], version: number, step: number): string {
  return version === 0 ? `${kind}:${step + 1}` : `${kind}:${step + 1}/v${version}`;
}

export function createPolicyJobHandlers(options: {
  prisma: PrismaClient;
  clock: Clock;
  /** False with a log-only mailer: email rows are recorded as SKIPPED. */
  isEmailDelivered: boolean;
}): TJobHandlers {
  const { prisma, clock } = options;

  async function tick(payload: unknown, job: TJobRun): Promise<TJobResult> {
    const timer = ZTimerPayload.parse(payload);
    const found = await prisma.handoff.findUnique({
      where: { id: timer.handoffId },
      select: { sessionId: true },
    });
    if (!found) return { ok: true };
    await prisma.$transaction(async (tx) => {
      // The session's lock, as claims, releases and session changes take it: this decision and
      // any of those commit one after the other, never interleaved.
      await tx.$queryRaw`SELECT "id" FROM "Session" WHERE "id" = ${found.sessionId} FOR UPDATE`;
      const handoff = await tx.handoff.findUnique({
        where: { id: timer.handoffId },
        include: { ...handoffCardInclude, session: { select: { status: true, assigneeId: true } } },
      });
      if (!handoff || handoff.policyVersion !== timer.version) return;
      if (handoff.intent !== "ESCALATE" || handoff.cancelledAt || handoff.session.status === "RESOLVED")
        return;
      if (handoff.claimedById && handoff.session.assigneeId !== handoff.claimedById) return;

      const policy = policyFromRow(handoff.account.escalationPolicy);
      const now = clock.now();
      const planned = plannedPage(handoff, policy, timer.step);
      if (!planned) return;
      if (planned.at > now) {
        // Woken early (the policy changed): sleep again until the step is due.
        await enqueueJobs(tx, [timerJob(handoff, timer.version, timer.step, planned.at, job.id)]);
        return;
      }
      // Late (the worker was down): page once for the latest step that is due, not for each missed one.
      let step = timer.step;
      for (;;) {
        const next = plannedPage(handoff, policy, step + 1);
        if (!next || next.at > now || next.audience !== planned.audience) break;
        step += 1;
      }
      const page = plannedPage(handoff, policy, step) ?? planned;
      await sendPage(tx, handoff, page, pageReason(page.kind, timer.version, step), now);
      const following = plannedPage(handoff, policy, step + 1);
      if (following) await enqueueJobs(tx, [timerJob(handoff, timer.version, step + 1, following.at)]);
    });
    return { ok: true };
  }

  async function sendPage(
    tx: Prisma.TransactionClient,
    handoff: Prisma.HandoffGetPayload<{ include: typeof handoffCardInclude }>,
    page: TPage,
    reason: string,
    now: Date,
  ) {
    const userIds =
      page.audience === "claimer" && handoff.claimedById
        ? [handoff.claimedById]
        : (
            await tx.user.findMany({
              where: {
                accountId: handoff.accountId,
                active: true,
                deletedAt: null,
                id: { not: handoff.handedOffById },
                OR: [{ role: { in: ["OWNER", "ADMIN"] } }, { isSeniorTech: true, role: "ENGINEER" }],
              },
              select: { id: true },
            })
          ).map((user) => user.id);
    const card = toHandoffCard(handoff, now);
    if (page.kind === "overdue") {
      // One event per page: webhooks and Teams/Slack channels are re-paged as people are.
      await enqueueWebhookEvent(tx, {
        ...handoffWebhookEvent(handoff.accountId, "handoff.overdue", card, now),
        key: `handoff.overdue/${handoff.id}/${reason}`,
      });
    }
    const waited = formatSpan(
      now.getTime() -
        (page.kind === "overdue"
          ? handoff.createdAt
          : (handoff.policyClockAt ?? handoff.claimedAt ?? now)
        ).getTime(),
    );
    await enqueueEmailToUsers(tx, {
      accountId: handoff.accountId,
      handoffId: handoff.id,
      userIds,
      reason,
      isDelivered: options.isEmailDelivered,
    });
    await enqueuePushToUsers(tx, {
      accountId: handoff.accountId,
      handoffId: handoff.id,
      userIds,
      reason,
      message:
        page.kind === "overdue"
          ? {
              title: `[${card.priority.toUpperCase()}] Unclaimed for ${waited}: ${card.problemSummary}`,
              body: `${card.handedOffBy.name}'s escalation is past its response target. Claim it or find someone who can.`,
            }
          : {
              title: `Claimed ${card.problemSummary}: no activity for ${waited}`,
              body: `${card.claimedBy?.name ?? "The claimer"} has logged nothing since. Is it still being worked?`,
            },
      isStaleOnceClaimed: page.kind === "overdue",
    });
  }

  return {
    [POLICY_TIMER_JOB]: { maxAttempts: 10, run: tick },
    [POLICY_REWAKE_JOB]: {
      maxAttempts: 5,
      async run(_payload, job) {
        await wakePolicyTimers(prisma, job.accountId, clock.now());
        return { ok: true };
      },
    },
  };
}
