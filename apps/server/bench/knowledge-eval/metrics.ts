// Precision@k and recall@k of a ranking against known true matches, as the knowledge bench prints
// them. For each query, `shown` is the first k matches session.similar returns (it may return fewer:
// it leaves out weak matches) and `relevant` its true matches (resolved tickets with its cause):
//   precision@k(q) = |shown ∩ relevant| / |shown|: of what the card shows, the share that is right.
//                    Showing nothing is right (1) when nothing relevant exists, and wrong (0) otherwise.
//   recall@k(q)    = |shown ∩ relevant| / min(k, |relevant|): of the true matches that fit in k places,
//                    the share shown. Queries with no true match have no recall and are left out of it.
// Both are averaged over the queries (macro average), so every query counts the same.

export type TQueryRanking = { query: string; shown: string[]; relevant: ReadonlySet<string> };

export type TQueryScore = { query: string; hits: number; precision: number; recall: number | null };

export type TRankingScore = {
  k: number;
  precision: number;
  recall: number;
  /** Queries averaged for precision (all) and for recall (those with a true match). */
  queries: number;
  recallQueries: number;
  perQuery: TQueryScore[];
  rankings: TQueryRanking[];
};

export function scoreQuery(ranking: TQueryRanking, k: number): TQueryScore {
  const shown = ranking.shown.slice(0, k);
  const hits = shown.filter((key) => ranking.relevant.has(key)).length;
  const precision = shown.length === 0 ? (ranking.relevant.size === 0 ? 1 : 0) : hits / shown.length;
  const recall = ranking.relevant.size === 0 ? null : hits / Math.min(k, ranking.relevant.size);
  return { query: ranking.query, hits, precision, recall };
}

export function scoreRankings(rankings: TQueryRanking[], k: number): TRankingScore {
  if (rankings.length === 0) throw new Error("no queries to score");
  const perQuery = rankings.map((ranking) => scoreQuery(ranking, k));
  const recalls = perQuery.flatMap((score) => (score.recall === null ? [] : [score.recall]));
  const mean = (values: number[]) =>
    values.length === 0 ? Number.NaN : values.reduce((sum, value) => sum + value, 0) / values.length;
  return {
    k,
    precision: mean(perQuery.map((score) => score.precision)),
    recall: mean(recalls),
    queries: perQuery.length,
    recallQueries: recalls.length,
    perQuery,
    rankings,
  };
}
