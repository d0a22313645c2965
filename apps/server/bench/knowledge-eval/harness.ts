// Runs a knowledge evaluation set: loads its tickets as sessions (insert-tickets.ts), asks
// session.similar through the real server and @trpc/client for each query, and scores the answers
// (metrics.ts).
import type { TestClient } from "../../src/testing/index.ts";
import { type TEvalSet, trueMatches } from "./eval-set.ts";
import { insertTickets, type TTicketOwner } from "./insert-tickets.ts";
import { scoreRankings, type TQueryRanking, type TRankingScore } from "./metrics.ts";

/** Session ids by ticket key. */
export type TLoadedEvalSet = { set: TEvalSet; ids: Map<string, string> };

/** The resolved tickets as resolved sessions, the queries as open sessions worked so far. */
export async function loadEvalSet(
  prisma: Parameters<typeof insertTickets>[0],
  owner: TTicketOwner,
  set: TEvalSet,
): Promise<TLoadedEvalSet> {
  const tickets = [...set.resolved, ...set.queries];
  const ids = await insertTickets(prisma, owner, tickets);
  return { set, ids: new Map(tickets.map((ticket, index) => [ticket.key, ids[index] as string])) };
}

/**
 * session.similar's first k matches for every query, as ticket keys (other sessions by id).
 * `others`: resolved sessions besides the set's (the filler), with their causes: true matches too.
 */
export async function rankQueries(
  client: Pick<TestClient, "session">,
  loaded: TLoadedEvalSet,
  k: number,
  others: ReadonlyMap<string, string> = new Map(),
): Promise<TQueryRanking[]> {
  const keysById = new Map([...loaded.ids].map(([key, id]) => [id, key]));
  const relevant = trueMatches(loaded.set);
  const othersByCause = new Map<string, string[]>();
  for (const [id, cause] of others) {
    const ids = othersByCause.get(cause) ?? [];
    ids.push(id);
    othersByCause.set(cause, ids);
  }
  const rankings: TQueryRanking[] = [];
  for (const query of loaded.set.queries) {
    const { items } = await client.session.similar({ sessionId: idOf(loaded, query.key), limit: k });
    const otherMatches = othersByCause.get(query.cause) ?? [];
    rankings.push({
      query: query.key,
      shown: items.map((item) => keysById.get(item.sessionId) ?? item.sessionId),
      relevant: new Set([...(relevant.get(query.key) ?? []), ...otherMatches]),
    });
  }
  return rankings;
}

export async function evaluate(
  client: Pick<TestClient, "session">,
  loaded: TLoadedEvalSet,
  k: number,
  others?: ReadonlyMap<string, string>,
): Promise<TRankingScore> {
  return scoreRankings(await rankQueries(client, loaded, k, others), k);
}

export function idOf(loaded: TLoadedEvalSet, key: string): string {
  const id = loaded.ids.get(key);
  if (!id) throw new Error(`ticket ${key} was not loaded`);
  return id;
}
