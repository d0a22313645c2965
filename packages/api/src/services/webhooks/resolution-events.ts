// What resolving a session tells webhooks: `session.resolved`, and `handoff.resolved` for its
// latest handoff (the escalation the resolution ends; `withdrawn` when it was still waiting in
// the queue). Called in the resolve's own transaction.
import type { Prisma } from "@handoff/db";
import { handoffCardInclude, toHandoffCard } from "../handoffs/handoff-card.ts";
import { enqueueWebhookEvent, handoffWebhookEvent } from "./webhook-outbox.ts";

export async function enqueueResolutionWebhooks(
  tx: Prisma.TransactionClient,
  resolved: {
    accountId: string;
    session: { id: string; problemSummary: string; problemDomain: string; psaTicketId: string | null };
    resolution: string;
    resolvedAt: Date;
    resolverId: string;
  },
): Promise<boolean> {
  const resolver = await tx.user.findUniqueOrThrow({
    where: { id: resolved.resolverId },
    select: { id: true, name: true },
  });
  const at = resolved.resolvedAt.toISOString();
  const resolution = { resolution: resolved.resolution, resolvedBy: resolver.name, resolvedAt: at };
  const { id, problemSummary, problemDomain, psaTicketId } = resolved.session;
  const hasSessionEvent = await enqueueWebhookEvent(tx, {
    accountId: resolved.accountId,
    type: "session.resolved",
    key: `session.resolved/${id}/${at}`,
    data: {
      session: { id, problemSummary, problemDomain, psaTicketId, ...resolution, resolvedBy: resolver },
    },
  });
  const latest = await tx.handoff.findFirst({
    where: { sessionId: resolved.session.id },
    orderBy: { createdAt: "desc" },
    include: handoffCardInclude,
  });
  if (!latest) return hasSessionEvent;
  const hasHandoffEvent = await enqueueWebhookEvent(
    tx,
    handoffWebhookEvent(resolved.accountId, "handoff.resolved", toHandoffCard(latest), at, {
      ...resolution,
      withdrawn: latest.claimedAt === null,
    }),
  );
  return hasSessionEvent || hasHandoffEvent;
}
