// Sessions that fill an account to a realistic size for timing session.similar: tickets drawn
// from the same templates with other seeds (so many of them share words with every query, as a
// busy account's history does), resolved or still open.
import { generateEvalSet } from "./generate.ts";
import { insertTickets, type TTicketOwner, type TTicketToInsert } from "./insert-tickets.ts";

function* fillerTickets(): Generator<TTicketToInsert> {
  for (let seed = 1_000; ; seed += 1) {
    const set = generateEvalSet(seed);
    yield* set.resolved;
    yield* set.queries;
  }
}

/** The cause of each resolved filler session, by session id: the filler's own true matches. */
export async function addFillerSessions(
  prisma: Parameters<typeof insertTickets>[0],
  owner: TTicketOwner,
  count: number,
): Promise<Map<string, string>> {
  const tickets = fillerTickets();
  const batch = Array.from({ length: count }, (_, index) => ({
    ...(tickets.next().value as TTicketToInsert),
    psaTicketId: `FILL-${index}`,
  }));
  const ids = await insertTickets(prisma, owner, batch);
  return new Map(
    batch.flatMap((ticket, index) => (ticket.resolution ? [[ids[index] as string, ticket.cause]] : [])),
  );
}
