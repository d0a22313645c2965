// Writes tickets as sessions in bulk (createMany, so a 50,000-session account loads in minutes on a
// shared machine): each with its notes and steps as entries, its dead ends and fixing branch as
// branches, resolved `resolvedDaysAgo` back when it has a resolution, open otherwise. The
// triggers build every session's search index exactly as they do for sessions worked through the
// API (a statement's new entries and branches rebuild their sessions).
import type { PrismaClient } from "@handoff/db";
import type { TEvalTicket, TResolvedEvalTicket } from "./eval-set.ts";

const DAY_MS = 86_400_000;
const CHUNK = 500;

export type TTicketToInsert = TEvalTicket &
  Partial<Pick<TResolvedEvalTicket, "fix" | "resolution" | "resolvedDaysAgo">>;
export type TTicketOwner = { accountId: string; teamId: string; userId: string };

/** Session ids, in the order of `tickets`. */
export async function insertTickets(
  prisma: Pick<PrismaClient, "session" | "sessionMessage" | "sessionBranch">,
  owner: TTicketOwner,
  tickets: TTicketToInsert[],
): Promise<string[]> {
  const ids: string[] = [];
  const now = Date.now();
  for (let start = 0; start < tickets.length; start += CHUNK) {
    const chunk = tickets.slice(start, start + CHUNK);
    const created = await prisma.session.createManyAndReturn({
      data: chunk.map((ticket, offset) => {
        const at = new Date(now - (ticket.resolvedDaysAgo ?? 0) * DAY_MS - (start + offset) * 1_000);
        return {
          accountId: owner.accountId,
          ownerId: owner.userId,
          teamId: owner.teamId,
          problemSummary: ticket.summary,
          problemDomain: ticket.domain,
          psaTicketId: ticket.psaTicketId ?? null,
          status: ticket.resolution ? ("RESOLVED" as const) : ("ACTIVE" as const),
          resolution: ticket.resolution ?? null,
          resolvedAt: ticket.resolution ? at : null,
          stepCount: ticket.steps.length,
          updatedAt: at,
        };
      }),
      select: { id: true },
    });
    const withTicket = created.map(({ id }, offset) => ({ id, ticket: chunk[offset] as TTicketToInsert }));
    await prisma.sessionMessage.createMany({
      data: withTicket.flatMap(({ id, ticket }) => [
        ...ticket.notes.map((body) => ({ sessionId: id, authorId: owner.userId, body })),
        ...ticket.steps.map((body) => ({
          sessionId: id,
          authorId: owner.userId,
          body,
          kind: "STEP" as const,
        })),
      ]),
    });
    await prisma.sessionBranch.createMany({
      data: withTicket.flatMap(({ id, ticket }) => [
        ...ticket.deadEnds.map((line) => ({ sessionId: id, ...line, status: "DEAD_END" as const })),
        ...(ticket.fix ? [{ sessionId: id, ...ticket.fix, status: "RESOLVED" as const }] : []),
      ]),
    });
    ids.push(...created.map(({ id }) => id));
  }
  return ids;
}
