// session.list: one page of the account's sessions, newest activity first (with search words, best
// match first unless they are too common to rank, with highlighted passages), filtered by scope and
// status, paged with an opaque keyset cursor (stable under concurrent inserts).
import { Prisma, type PrismaClient, utcTimestampSql } from "@handoff/db";
import { AppError } from "../../domain/app-error.ts";
import type { TSessionScope, TSessionStatus } from "../../schemas/enums.ts";
import type { TSessionPage } from "../../schemas/outputs.ts";
import type { TAuthedViewer } from "../auth/auth-service.ts";
import { headlineSql, searchQuerySql, toTextParts } from "../knowledge/search-highlights.ts";
import { type TSessionSummarySource, toSessionSummary } from "./session-summary.ts";

type TListViewer = Pick<TAuthedViewer, "id" | "accountId"> & { team: { id: string } | null };

export type TSessionListQuery = {
  scope: TSessionScope;
  status?: TSessionStatus | TSessionStatus[] | undefined;
  search?: string | undefined;
  cursor?: string | undefined;
  limit: number;
};

/** rank: the search's ts_rank (ranked pages only); the page's position in its order. */
type TCursor = { rank: number | null; updatedAt: Date; id: string };

export async function listSessions(
  prisma: PrismaClient,
  viewer: TListViewer,
  query: TSessionListQuery,
): Promise<TSessionPage> {
  const ticketIds = await ticketIdsFound(prisma, viewer.accountId, query.search);
  const matchingIds = ticketIds ? null : await idsFromSearchIndex(prisma, query.search);
  if (matchingIds?.length === 0) return { items: [], nextCursor: null };
  const sql = sessionListSql(viewer, { ...query, ticketIds, matchingIds });
  const rows = await prisma.$queryRaw<TListRow[]>(sql);
  const page = rows.slice(0, query.limit);
  const last = page.at(-1);
  return {
    items: page.map((row) => ({
      ...toSessionSummary(row),
      summaryHighlight: toTextParts(row.summaryHeadline),
      snippet: toTextParts(row.headline),
    })),
    nextCursor: rows.length > query.limit && last ? formatCursor(last) : null,
  };
}

/**
 * A search that is exactly one ticket id of the account (as typed, or upper/lower-cased) lists that
 * ticket's sessions, the way a PSA's ticket box does, straight from the (accountId, psaTicketId)
 * index; anything else is a word search. Returns the ticket ids to match, or null.
 */
async function ticketIdsFound(
  prisma: PrismaClient,
  accountId: string,
  search: string | undefined,
): Promise<string[] | null> {
  const word = search?.trim() ?? "";
  if (word.length === 0 || /\s/.test(word)) return null;
  const ticketIds = [...new Set([word, word.toUpperCase(), word.toLowerCase()])];
  const found = await prisma.session.findFirst({
    where: { accountId, psaTicketId: { in: ticketIds } },
    select: { id: true },
  });
  return found ? ticketIds : null;
}

/** Matches the search index may return before the words count as common (see idsFromSearchIndex). */
const SEARCH_INDEX_CAP = 500;

/**
 * Every session (of any account) the search matches (see matchCondition), read from the full-text
 * and trigram indexes, or null when they cannot serve the search: a word shorter than a trigram, or words so common
 * that more than SEARCH_INDEX_CAP sessions match. A rare word is the planner's blind spot: it reads
 * the account's sessions newest first until 26 match, which for a word nowhere to be found is all
 * of them; forced onto the index (sequential scans off for this one statement, and no other index
 * applies), it costs a few posting lists. Common words take the newest-first path, which is then fast.
 */
async function idsFromSearchIndex(
  prisma: PrismaClient,
  search: string | undefined,
): Promise<string[] | null> {
  const words = searchWords(search);
  if (words.length === 0 || words.some((word) => word.replace(/\\(.)/g, "$1").length < 3)) return null;
  const [, rows] = await prisma.$transaction([
    prisma.$executeRaw`SET LOCAL enable_seqscan = off`,
    prisma.$queryRaw<{ id: string }[]>`
      SELECT "id" FROM "Session" WHERE ${matchCondition(search ?? "", words)}
      LIMIT ${SEARCH_INDEX_CAP + 1}`,
  ]);
  return rows.length > SEARCH_INDEX_CAP ? null : rows.map((row) => row.id);
}

/** Each word must appear somewhere; searchText is lowercased and trigram-indexed. */
function wordConditions(words: string[]): Prisma.Sql[] {
  return words.map((word) => Prisma.sql`"searchText" LIKE ${`%${word}%`}`);
}

/**
 * A session matches when its search vector matches the words as a text search (stemmed: "prompts"
 * finds "prompting"), or when its text holds every word as typed (part of a word, a ticket id, an
 * error code the text search splits differently, an owner's email).
 */
function matchCondition(search: string, words: string[]): Prisma.Sql {
  return Prisma.sql`("searchVector" @@ ${searchQuerySql(search)} OR (${Prisma.join(wordConditions(words), " AND ")}))`;
}

/** How well a session matches the search: full-text rank (summary words weigh most). */
function rankSql(search: string): Prisma.Sql {
  return Prisma.sql`COALESCE(ts_rank("searchVector", ${searchQuerySql(search)}), 0)::float8`;
}

/**
 * The one query behind a page (one row more than the limit, to tell whether another page follows).
 * Exported for the search bench, which prints its plan.
 */
export function sessionListSql(
  viewer: TListViewer,
  query: TSessionListQuery & { ticketIds?: string[] | null; matchingIds?: string[] | null },
): Prisma.Sql {
  const search = query.ticketIds ? "" : (query.search?.trim() ?? "");
  const hasHighlights = searchWords(search).length > 0;
  // Ranked when the indexes found the matches; ranking more would read every session of the account.
  const isRanked = hasHighlights && Boolean(query.matchingIds?.length);
  const after = query.cursor ? parseCursor(query.cursor, isRanked) : null;
  const rank = isRanked ? rankSql(search) : Prisma.sql`NULL::float8`;
  const statuses = query.status === undefined ? [] : [query.status].flat();
  const conditions = [
    Prisma.sql`"accountId" = ${viewer.accountId}`,
    scopeFilter(viewer, query.scope),
    ...(statuses.length > 0
      ? [
          Prisma.sql`"status" IN (${Prisma.join(statuses.map((status) => Prisma.sql`${status.toUpperCase()}::"SessionStatus"`))})`,
        ]
      : []),
    ...searchConditions(query),
    ...(after ? [afterCursor(after, rank)] : []),
  ];
  const order = isRanked
    ? Prisma.sql`"rank" DESC, "updatedAt" DESC, "id" DESC`
    : Prisma.sql`"updatedAt" DESC, "id" DESC`;
  const highlights = hasHighlights
    ? Prisma.sql`${headlineSql(Prisma.sql`s."problemSummary"`, searchQuerySql(search), true)} AS "summaryHeadline",
      ${headlineSql(
        Prisma.sql`concat_ws(' · ',
          (SELECT string_agg(concat_ws(': ', b."label", b."outcome"), ' · ' ORDER BY b."createdAt") FROM "SessionBranch" b WHERE b."sessionId" = s."id"),
          (SELECT string_agg(m."body", ' · ' ORDER BY m."createdAt") FROM "SessionMessage" m WHERE m."sessionId" = s."id"),
          s."resolution")`,
        searchQuerySql(search),
        false,
      )} AS "headline"`
    : Prisma.sql`NULL AS "summaryHeadline", NULL AS "headline"`;
  // One query for the page and everything its rows show (rather than one per relation), the page
  // cut first; the rows' people, team and branch are looked up by primary key (26 rows at most)
  // rather than joined, which keeps the statement cheap to plan: PGlite plans every one afresh.
  return Prisma.sql`
    SELECT s.*,
      (SELECT json_build_object('psaTicketUrlTemplate', a."psaTicketUrlTemplate") FROM "Account" a WHERE a."id" = s."accountId") AS "account",
      (SELECT json_build_object('id', o."id", 'name', o."name") FROM "User" o WHERE o."id" = s."ownerId") AS "owner",
      (SELECT json_build_object('id', u."id", 'name', u."name") FROM "User" u WHERE u."id" = s."assigneeId") AS "assignee",
      (SELECT json_build_object('id', t."id", 'name', t."name") FROM "Team" t WHERE t."id" = s."teamId") AS "team",
      (SELECT json_build_object('id', b."id", 'label', b."label") FROM "SessionBranch" b WHERE b."id" = s."activeBranchId") AS "activeBranch",
      COALESCE((
        SELECT json_agg(json_build_object('id', h."id", 'intent', h."intent", 'priority', h."priority"))
        FROM "Handoff" h
        WHERE h."sessionId" = s."id" AND h."claimedAt" IS NULL AND h."cancelledAt" IS NULL
      ), '[]') AS "handoffs",
      ${highlights}
    FROM (
      SELECT ${SUMMARY_COLUMNS}, ${rank} AS "rank" FROM "Session"
      WHERE ${Prisma.join(conditions, " AND ")}
      ORDER BY ${order}
      LIMIT ${query.limit + 1}
    ) s
    ORDER BY ${order}`;
}

function searchConditions(query: {
  search?: string | undefined;
  ticketIds?: string[] | null;
  matchingIds?: string[] | null;
}): Prisma.Sql[] {
  if (query.ticketIds) return [Prisma.sql`"psaTicketId" IN (${Prisma.join(query.ticketIds)})`];
  if (query.matchingIds?.length) return [Prisma.sql`"id" IN (${Prisma.join(query.matchingIds)})`];
  const words = searchWords(query.search);
  return words.length > 0 ? [matchCondition(query.search ?? "", words)] : [];
}

/** Rows after the cursor's, in the page's order (ranked: by rank first). */
function afterCursor(after: TCursor, rank: Prisma.Sql): Prisma.Sql {
  const updatedAt = utcTimestampSql(after.updatedAt);
  return after.rank === null
    ? Prisma.sql`("updatedAt", "id") < (${updatedAt}, ${after.id})`
    : Prisma.sql`(${rank}, "updatedAt", "id") < (${after.rank}::float8, ${updatedAt}, ${after.id})`;
}

/**
 * The list row: the session's own columns (not its search text), what sessionSummaryInclude loads,
 * and with a search its rank and highlighted passages.
 */
type TListRow = TSessionSummarySource & {
  rank: number | null;
  summaryHeadline: string | null;
  headline: string | null;
};

const SUMMARY_COLUMNS = Prisma.raw(
  [
    "id",
    "accountId",
    "teamId",
    "ownerId",
    "assigneeId",
    "problemSummary",
    "problemDomain",
    "status",
    "stepCount",
    "confidenceTier",
    "activeBranchId",
    "psaTicketId",
    "handoffCount",
    "resolution",
    "resolvedAt",
    "createdAt",
    "updatedAt",
  ]
    .map((column) => `"${column}"`)
    .join(", "),
);

/**
 * The problem domains the account's sessions use, most used first (ties by name): suggestions for
 * a new session. Counted on the (accountId, problemDomain) index, without reading the sessions.
 */
export async function listKnownDomains(
  prisma: PrismaClient,
  accountId: string,
  limit: number,
): Promise<string[]> {
  const rows = await prisma.session.groupBy({
    by: ["problemDomain"],
    where: { accountId },
    _count: { _all: true },
    orderBy: [{ _count: { problemDomain: "desc" } }, { problemDomain: "asc" }],
    take: limit,
  });
  return rows.map((row) => row.problemDomain);
}

function scopeFilter(viewer: TListViewer, scope: TSessionScope): Prisma.Sql {
  switch (scope) {
    case "mine":
      return Prisma.sql`("ownerId" = ${viewer.id} OR "assigneeId" = ${viewer.id})`;
    case "team":
      // No team, no team sessions (rather than everyone's team-less ones).
      return viewer.team ? Prisma.sql`"teamId" = ${viewer.team.id}` : Prisma.sql`FALSE`;
    case "account":
      return Prisma.sql`TRUE`;
  }
}

/** Lowercased words, escaped so that LIKE matches its wildcards (% _) and escape (\\) literally. */
function searchWords(search: string | undefined): string[] {
  if (!search) return [];
  return search
    .toLowerCase()
    .split(/\s+/)
    .filter((word) => word.length > 0)
    .slice(0, 8)
    .map((word) => word.replace(/[\\%_]/g, (char) => `\\${char}`));
}

function formatCursor(row: TCursor): string {
  const position = [row.updatedAt.toISOString(), row.id];
  const json = JSON.stringify(row.rank === null ? position : [...position, row.rank]);
  return Buffer.from(json).toString("base64url");
}

/** A ranked page's cursor also holds the rank; one from the other kind of page is refused. */
function parseCursor(cursor: string, isRanked: boolean): TCursor {
  try {
    const [updatedAt, id, rank = null] = JSON.parse(
      Buffer.from(cursor, "base64url").toString("utf8"),
    ) as unknown[];
    const at = new Date(String(updatedAt));
    const isRankValid = isRanked ? typeof rank === "number" && Number.isFinite(rank) : rank === null;
    if (
      typeof id === "string" &&
      typeof updatedAt === "string" &&
      !Number.isNaN(at.getTime()) &&
      isRankValid
    ) {
      return { rank: rank as number | null, updatedAt: at, id };
    }
  } catch {
    // fall through to the error below
  }
  throw new AppError("BAD_REQUEST", "That page cursor is not valid; reload the list.");
}
