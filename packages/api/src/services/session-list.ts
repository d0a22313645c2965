// session.list: one page of the account's sessions, newest activity first, filtered by scope,
// status and search words, paged with an opaque keyset cursor (stable under concurrent inserts).
import { Prisma, type PrismaClient } from "@handoff/db";
import { AppError } from "../domain/app-error.ts";
import type { TSessionScope, TSessionStatus } from "../schemas/enums.ts";
import type { TSessionPage } from "../schemas/outputs.ts";
import type { TAuthedViewer } from "./auth-service.ts";
import { type TSessionSummarySource, toSessionSummary } from "./session-summary.ts";

type TListViewer = Pick<TAuthedViewer, "id" | "accountId"> & { team: { id: string } | null };

export type TSessionListQuery = {
  scope: TSessionScope;
  status?: TSessionStatus | TSessionStatus[] | undefined;
  search?: string | undefined;
  cursor?: string | undefined;
  limit: number;
};

type TCursor = { updatedAt: Date; id: string };

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
    items: page.map(toSessionSummary),
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
 * Every session (of any account) whose search text holds all the words, read from the trigram index,
 * or null when the index cannot serve the search: a word shorter than a trigram, or words so common
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
      SELECT "id" FROM "Session" WHERE ${Prisma.join(wordConditions(words), " AND ")}
      LIMIT ${SEARCH_INDEX_CAP + 1}`,
  ]);
  return rows.length > SEARCH_INDEX_CAP ? null : rows.map((row) => row.id);
}

/** Each word must appear somewhere; searchText is lowercased and trigram-indexed. */
function wordConditions(words: string[]): Prisma.Sql[] {
  return words.map((word) => Prisma.sql`"searchText" LIKE ${`%${word}%`}`);
}

/**
 * The one query behind a page (one row more than the limit, to tell whether another page follows).
 * Exported for the search bench, which prints its plan.
 */
export function sessionListSql(
  viewer: TListViewer,
  query: TSessionListQuery & { ticketIds?: string[] | null; matchingIds?: string[] | null },
): Prisma.Sql {
  const after = query.cursor ? parseCursor(query.cursor) : null;
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
    ...(after
      ? [
          Prisma.sql`("updatedAt", "id") < (${after.updatedAt.toISOString()}::timestamptz AT TIME ZONE 'UTC', ${after.id})`,
        ]
      : []),
  ];
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
      ), '[]') AS "handoffs"
    FROM (
      SELECT ${SUMMARY_COLUMNS} FROM "Session"
      WHERE ${Prisma.join(conditions, " AND ")}
      ORDER BY "updatedAt" DESC, "id" DESC
      LIMIT ${query.limit + 1}
    ) s
    ORDER BY s."updatedAt" DESC, s."id" DESC`;
}

function searchConditions(query: {
  search?: string | undefined;
  ticketIds?: string[] | null;
  matchingIds?: string[] | null;
}): Prisma.Sql[] {
  if (query.ticketIds) return [Prisma.sql`"psaTicketId" IN (${Prisma.join(query.ticketIds)})`];
  if (query.matchingIds?.length) return [Prisma.sql`"id" IN (${Prisma.join(query.matchingIds)})`];
  return wordConditions(searchWords(query.search));
}

/** The list row: the session's own columns (not its search text) and what sessionSummaryInclude loads. */
type TListRow = TSessionSummarySource;

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
  return Buffer.from(JSON.stringify([row.updatedAt.toISOString(), row.id])).toString("base64url");
}

function parseCursor(cursor: string): TCursor {
  try {
    const [updatedAt, id] = JSON.parse(Buffer.from(cursor, "base64url").toString("utf8")) as unknown[];
    const at = new Date(String(updatedAt));
    if (typeof id === "string" && typeof updatedAt === "string" && !Number.isNaN(at.getTime())) {
      return { updatedAt: at, id };
    }
  } catch {
    // fall through to the error below
  }
  throw new AppError("BAD_REQUEST", "That page cursor is not valid; reload the list.");
}
