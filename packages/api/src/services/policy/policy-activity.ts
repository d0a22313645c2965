// What a session change means for the escalation policy's clocks: work on a claimed escalation
// (an entry, a branch opened or changed) restarts its idle clock; resolving the session stops
// every pending page of its handoffs. Runs in the change's own transaction, under its lock.
import type { Prisma, SessionLogAction } from "@handoff/db";
import { armPolicyTimer, stopPolicyTimers } from "./policy-timers.ts";

const ACTIVITY: ReadonlySet<SessionLogAction> = new Set([
  "NOTE_ADDED",
  "STEP_ADDED",
  "BRANCH_OPENED",
  "BRANCH_CHANGED",
]);

export async function applyPolicyToSessionChange(
  tx: Prisma.TransactionClient,
  sessionId: string,
  action: SessionLogAction,
  now: Date,
): Promise<void> {
  if (action === "RESOLVED") {
    const handoffs = await tx.handoff.findMany({ where: { sessionId }, select: { id: true } });
    await stopPolicyTimers(tx, {
      handoffIds: handoffs.map((handoff) => handoff.id),
      why: "The session was resolved before it was delivered.",
    });
    return;
  }
  if (!ACTIVITY.has(action)) return;
  const claimed = await tx.handoff.findFirst({
    where: { sessionId, intent: "ESCALATE", claimedAt: { not: null }, cancelledAt: null },
    orderBy: { createdAt: "desc" },
    select: { id: true },
  });
  if (!claimed) return;
  await stopPolicyTimers(tx, {
    handoffIds: [claimed.id],
    why: "There was activity on the session before it was delivered.",
    clockAt: now,
    reasonPrefix: "idle:",
  });
  const handoff = await tx.handoff.findUniqueOrThrow({
    where: { id: claimed.id },
    include: { account: { select: { escalationPolicy: true } } },
  });
  await armPolicyTimer(tx, handoff);
}
