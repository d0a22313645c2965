// Builds the sessions-list row (TSessionSummary) from a session row: the one shape queries,
// the event log and the bus share, so timestamps are ISO strings.
import type { Prisma } from "@handoff/db";
import { intentToApi, priorityToApi, toSessionFacts } from "../../domain/enum-mapping.ts";
import { holderOf } from "../../domain/holder.ts";
import { psaTicketUrl } from "../../domain/psa-ticket-url.ts";
import type { TSessionSummary } from "../../schemas/outputs.ts";

const person = { select: { id: true, name: true } } as const;

export const sessionSummaryInclude = {
  account: { select: { psaTicketUrlTemplate: true } },
  owner: person,
  assignee: person,
  team: { select: { id: true, name: true } },
  activeBranch: { select: { id: true, label: true } },
  handoffs: {
    where: { claimedAt: null, cancelledAt: null },
    select: { id: true, intent: true, priority: true },
    take: 1,
  },
} satisfies Prisma.SessionInclude;

export type TSessionWithSummary = Prisma.SessionGetPayload<{ include: typeof sessionSummaryInclude }>;

/** What a summary is built from: a row loaded with sessionSummaryInclude, or the list's one-query row. */
export type TSessionSummarySource = Omit<TSessionWithSummary, "searchText">;

export function toSessionSummary(session: TSessionSummarySource): TSessionSummary {
  const open = session.handoffs[0];
  return {
    id: session.id,
    ...toSessionFacts(session),
    psaTicketUrl: psaTicketUrl(session.account.psaTicketUrlTemplate, session.psaTicketId),
    handoffCount: session.handoffCount,
    owner: session.owner,
    assignee: session.assignee,
    holder: holderOf(session),
    team: session.team,
    activeBranch: session.activeBranch,
    openHandoff: open
      ? { id: open.id, intent: intentToApi(open.intent), priority: priorityToApi(open.priority) }
      : null,
    resolution: session.resolution,
    resolvedAt: session.resolvedAt?.toISOString() ?? null,
    createdAt: session.createdAt.toISOString(),
    updatedAt: session.updatedAt.toISOString(),
  };
}

export async function loadSessionSummary(
  db: Prisma.TransactionClient,
  sessionId: string,
): Promise<TSessionSummary> {
  return toSessionSummary(
    await db.session.findUniqueOrThrow({ where: { id: sessionId }, include: sessionSummaryInclude }),
  );
}
