-- session.similar's ranking (see the similar_sessions_function migration, which says how it ranks)
-- with a smaller candidate set: the rarest words and the codes each reach about 600 sessions (was
-- 1,000), and the best 100 by the cheap parts are ranked by all the words (was 160). Reading and
-- preranking the candidates is most of the function's time at 50,000 sessions; on the labelled
-- evaluation set precision@3 and recall@3 are unchanged (0.826 / 0.887), and at 50,000 sessions the
-- share of the top 3 with the query's cause is 0.895 (was 0.891), while the p50 fell by about a
-- sixth and the p95 by about a fifth (bench:knowledge, docs/benchmarks.md).
CREATE OR REPLACE FUNCTION similar_sessions(session_id text, account_id text, viewer_id text, result_limit int)
RETURNS TABLE (
  "sessionId" text, "problemSummary" text, "problemDomain" text, "resolution" text,
  "resolvedAt" timestamp(3), "score" float8, "verdict" text,
  "resolvedById" text, "resolvedByName" text, "fixLabel" text, "fixOutcome" text
)
LANGUAGE plpgsql STABLE
SET plan_cache_mode = force_generic_plan
AS $function$
#variable_conflict use_column
BEGIN
RETURN QUERY
  WITH target AS (
    SELECT t."id", t."accountId", t."problemSummary", lower(t."problemDomain") AS "domain", t."searchVector"
    FROM "Session" t
    WHERE t."id" = session_id AND t."accountId" = account_id
  ),
  stats AS (
    -- The planner's statistics of the search vectors, as ANALYZE gathers them: the most common
    -- lexemes, their frequencies (then the least and greatest of them), and the number of sessions.
    -- Empty until the table has been analysed, when every word counts as rare.
    SELECT st."most_common_elems"::text::text[] AS "lexemes", st."most_common_elem_freqs" AS "frequencies",
      greatest(c."reltuples", 0)::float8 AS "sessions"
    FROM pg_stats st
    JOIN pg_class c ON c."oid" = '"Session"'::regclass
    WHERE st."schemaname" = current_schema() AND st."tablename" = 'Session'
      AND st."attname" = 'searchVector'
  ),
  uncommon AS (
    -- A word not among the common ones is in fewer sessions than the least common of them: taken
    -- as half as many (as the planner takes it).
    SELECT stats."frequencies"[cardinality(stats."lexemes") + 1] * stats."sessions" / 2 AS "rows" FROM stats
  ),
  words AS (
    -- The session's lexemes as tsquery literals (quotes and backslashes escaped), strongest first.
    SELECT u."lexeme", '''' || replace(replace(u."lexeme", '\', '\\'), '''', '''''') || '''' AS "literal",
      (SELECT min(w) FROM unnest(u."weights") w) AS "weight", cardinality(u."positions") AS "count",
      -- About how many sessions have the word.
      COALESCE(
        (SELECT stats."frequencies"[array_position(stats."lexemes", u."lexeme")] * stats."sessions" FROM stats),
        (SELECT "rows" FROM uncommon),
        0
      )::float8 AS "rows"
    FROM target CROSS JOIN unnest(target."searchVector") u
  ),
  chosen AS (
    SELECT *, "literal"::tsquery AS "term" FROM words WHERE "weight" <= 'C'
    ORDER BY "weight", "count" DESC, "lexeme" LIMIT 40 -- the query words
  ),
  query AS (
    SELECT
      (SELECT string_agg("literal", ' | ')::tsquery FROM chosen) AS "words",
      -- Candidates are found by the rarest words, as many as the reach allows (at least one):
      -- a word most sessions have would make most sessions candidates to rank.
      (SELECT string_agg(f."literal", ' | ')::tsquery FROM (
        SELECT "literal", sum("rows") OVER (ORDER BY "rows", "lexeme") AS "reach",
          row_number() OVER (ORDER BY "rows", "lexeme") AS "rank"
        FROM chosen
      ) f WHERE f."reach" <= 600::float8 OR f."rank" <= 1) AS "find", -- the reach; at least the rarest word
      -- Codes (a word with a digit) tell a problem apart only while few sessions have them: a
      -- time of day or a common port number does not. The rarest first, as many as reach about
      -- as many sessions together as the words do.
      (SELECT string_agg(c."literal", ' | ')::tsquery FROM (
        SELECT "literal", sum("rows") OVER (ORDER BY "rows", "lexeme") AS "reach"
        FROM words WHERE "lexeme" ~ '[0-9]' AND length("lexeme") >= 4
      ) c WHERE c."reach" <= 600::float8) AS "codes" -- the reach
  ),
  confirmed AS (
    SELECT v."matchedSessionId" AS "id" FROM "SimilarSessionVerdict" v, target
    WHERE v."sessionId" = target."id" AND v."verdict" = 'THIS_WAS_IT'
  ),
  candidates AS (
    -- What the ranking needs of each candidate, read once: the sessions found by the rarest words
    -- or the codes, and every match confirmed for this session.
    SELECT s."id", s."problemSummary", s."problemDomain", s."resolution", s."searchVector",
      COALESCE(s."resolvedAt", s."updatedAt") AS "resolvedAt", s."id" IN (SELECT "id" FROM confirmed) AS "isConfirmed"
    FROM "Session" s, target, query
    WHERE s."accountId" = target."accountId" AND s."status" = 'RESOLVED' AND s."id" <> target."id"
      AND (s."searchVector" @@ query."find" OR s."searchVector" @@ query."codes")
    UNION ALL
    SELECT s."id", s."problemSummary", s."problemDomain", s."resolution", s."searchVector",
      COALESCE(s."resolvedAt", s."updatedAt"), TRUE
    FROM "Session" s, target, query
    WHERE s."id" IN (SELECT "id" FROM confirmed)
      AND s."accountId" = target."accountId" AND s."status" = 'RESOLVED' AND s."id" <> target."id"
      AND (s."searchVector" @@ query."find" OR s."searchVector" @@ query."codes") IS NOT TRUE
  ),
  preranked AS (
    -- The candidates by the cheap parts of the score and their rank by the rarest words alone (a
    -- few words, where the full rank weighs all the chosen ones): the full rank only for the best.
    SELECT * FROM (
      SELECT c.*,
        CASE WHEN c."searchVector" @@ query."codes" THEN 0.6::float8 ELSE 0 END -- codes
          + CASE WHEN lower(c."problemDomain") = target."domain" THEN 0.3::float8 ELSE 0 END -- the same domain
          + 0.15::float8 * exp(-extract(epoch FROM now() - c."resolvedAt")::float8 / 11232000::float8) -- recency: 130 days
          AS "cheapScore",
        1::float8 * COALESCE(ts_rank(c."searchVector", query."find", 32), 0)::float8 AS "findRank"
      FROM candidates c CROSS JOIN target CROSS JOIN query
    ) p
    ORDER BY p."isConfirmed" DESC, p."findRank" + p."cheapScore" DESC
    LIMIT 100 -- preranked: 2.5 × the shortlist
  ),
  shortlist AS (
    -- The full word rank for the preranked; the trigram and verdict parts only for the best of
    -- them (and every confirmed match).
    SELECT c."id", c."problemSummary", c."problemDomain", c."resolution", c."searchVector", c."resolvedAt",
      1::float8 * COALESCE(ts_rank(c."searchVector", query."words", 32), 0)::float8 + c."cheapScore"
        AS "textScore"
    FROM preranked c CROSS JOIN query
    ORDER BY c."isConfirmed" DESC, "textScore" DESC
    LIMIT 40 -- the shortlist
  ),
  shared AS (
    -- Which of the session's words each shortlisted session has, with a word's weight: how rare
    -- it is among the shortlist (inverse document frequency). Words every candidate has (the
    -- symptom: "outlook", "password", "prompt") tell nothing apart, words few have (the cause:
    -- "authenticator", "licence") do.
    SELECT m."id", m."lexeme",
      ln(((SELECT count(*) FROM shortlist) + 1)::float8 / (count(*) OVER (PARTITION BY m."lexeme") + 0.5)) AS "idf"
    FROM (SELECT sl."id", ch."lexeme" FROM shortlist sl JOIN chosen ch ON sl."searchVector" @@ ch."term") m
  ),
  distinct_overlap AS (
    -- The share of the session's telling words a candidate has, weighted by rarity: 0 to 1.
    SELECT "id", sum("idf") / NULLIF((SELECT sum("idf") FROM (SELECT DISTINCT "lexeme", "idf" FROM shared) r), 0) AS "overlap"
    FROM shared
    GROUP BY "id"
  ),
  scored AS (
    SELECT sl."id", sl."problemSummary", sl."problemDomain", sl."resolution", sl."resolvedAt",
      sl."textScore"
        + 1.5::float8 * COALESCE(o."overlap", 0)::float8 -- rare words
        + 0.6::float8 * similarity(sl."problemSummary", target."problemSummary")::float8 -- summary
        + CASE WHEN verdicts."confirmed" > 0 THEN 2::float8 ELSE 0 END -- confirmed here
        + 0.1::float8 * least(helped."count", 5) -- confirmed elsewhere
        AS "score",
      verdicts."mine"
    FROM shortlist sl
    LEFT JOIN distinct_overlap o ON o."id" = sl."id"
    CROSS JOIN target
    CROSS JOIN LATERAL (
      SELECT count(*) FILTER (WHERE v."verdict" = 'THIS_WAS_IT') AS "confirmed",
        count(*) FILTER (WHERE v."verdict" = 'NOT_RELATED') AS "rejected",
        max(v."verdict"::text) FILTER (WHERE v."userId" = viewer_id) AS "mine"
      FROM "SimilarSessionVerdict" v
      WHERE v."sessionId" = target."id" AND v."matchedSessionId" = sl."id"
    ) verdicts
    CROSS JOIN LATERAL (
      SELECT count(*) AS "count" FROM "SimilarSessionVerdict" v
      WHERE v."matchedSessionId" = sl."id" AND v."verdict" = 'THIS_WAS_IT' AND v."sessionId" <> target."id"
    ) helped
    WHERE verdicts."rejected" <= verdicts."confirmed"
  ),
  ranked AS (
    SELECT * FROM scored WHERE "score" >= 0.3::float8 -- the least score shown
    ORDER BY "score" DESC, "resolvedAt" DESC, "id"
    LIMIT result_limit
  )
  SELECT r."id" AS "sessionId", r."problemSummary", r."problemDomain", r."resolution", r."resolvedAt",
    r."score"::float8 AS "score", r."mine" AS "verdict",
    resolver."id" AS "resolvedById", resolver."name" AS "resolvedByName",
    fix."label" AS "fixLabel", fix."outcome" AS "fixOutcome"
  FROM ranked r
  LEFT JOIN LATERAL (
    SELECT u."id", u."name" FROM "SessionLogEntry" l JOIN "User" u ON u."id" = l."actorId"
    WHERE l."sessionId" = r."id" AND l."action" = 'RESOLVED'
    ORDER BY l."createdAt" DESC LIMIT 1
  ) resolver ON TRUE
  LEFT JOIN LATERAL (
    SELECT b."label", b."outcome" FROM "SessionBranch" b
    WHERE b."sessionId" = r."id" AND b."status" = 'RESOLVED'
    ORDER BY b."createdAt" DESC LIMIT 1
  ) fix ON TRUE
  ORDER BY r."score" DESC, r."resolvedAt" DESC, r."id";
END
$function$;
