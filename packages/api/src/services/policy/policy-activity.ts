// What a session change means for the escalation policy's clocks: work on a claimed escalation
// (an entry, a branch opened or changed) restarts its idle clock; resolving the session stops
// every pending page of its handoffs. Runs in the change's own transaction, under its lock, and
// resolves to the timer jobs the change writes with its events.
import type { Prisma, SessionLogAction } from "@handoff/db";
import type { TJobRequest } from "../jobs/job-queue.ts";
import { policyTimerJobs, stopPolicyTimers } from "./policy-timers.ts";

const ACTIVITY: ReadonlySet<SessionLogAction> = new Set([
  "NOTE_ADDED",
  "STEP_ADDED",
  "BRANCH_OPENED",
  "BRANCH_CHANGED",
]);

/**
 * The session's claimed escalation, whose idle clock its activity restarts: read with the session
 * under its lock (lockSession's include), as no change of the session can claim or cancel meanwhile.
 */
export const claimedEscalation = {
  where: { intent: "ESCALATE", claimedAt: { not: null }, cancelledAt: null },
  orderBy: { createdAt: "desc" },
  take: 1,
  select: { id: true },
} satisfies Prisma.Session$handoffsArgs;

export async function applyPolicyToSessionChange(
  tx: Prisma.TransactionClient,
  change: { sessionId: string; action: SessionLogAction; now: Date; claimedEscalationId: string | null },
): Promise<TJobRequest[]> {
  if (change.action === "RESOLVED") {
    const handoffs = await tx.handoff.findMany({
      where: { sessionId: change.sessionId },
      select: { id: true },
    });
    await stopPolicyTimers(tx, {
      handoffIds: handoffs.map((handoff) => handoff.id),
      why: "The session was resolved before it was delivered.",
    });
    return [];
  }
  if (!ACTIVITY.has(change.action) || !change.claimedEscalationId) return [];
  await stopPolicyTimers(tx, {
    handoffIds: [change.claimedEscalationId],
    why: "There was activity on the session before it was delivered.",
    clockAt: change.now,
    reasonPrefix: "idle:",
  });
  const handoff = await tx.handoff.findUniqueOrThrow({
    where: { id: change.claimedEscalationId },
    include: { account: { select: { escalationPolicy: true } } },
  });
  return policyTimerJobs(handoff);
}
