// session.list: one page of the account's sessions, newest activity first, filtered by scope,
// status and search words, paged with an opaque keyset cursor (stable under concurrent inserts).
import type { Prisma, PrismaClient, SessionStatus } from "@handoff/db";
import { AppError } from "../domain/app-error.ts";
import type { TSessionScope, TSessionStatus } from "../schemas/enums.ts";
import type { TSessionPage } from "../schemas/outputs.ts";
import type { TAuthedViewer } from "./auth-service.ts";
import { sessionSummaryInclude, toSessionSummary } from "./session-summary.ts";

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
  const after = query.cursor ? parseCursor(query.cursor) : null;
  const statuses = query.status === undefined ? [] : [query.status].flat();
  const where: Prisma.SessionWhereInput = {
    accountId: viewer.accountId,
    ...scopeFilter(viewer, query.scope),
    ...(statuses.length > 0 && { status: { in: statuses.map((s) => s.toUpperCase() as SessionStatus) } }),
    AND: [
      // Each word must appear somewhere; searchText is lowercased and trigram-indexed.
      ...searchWords(query.search).map((word) => ({ searchText: { contains: word } })),
      ...(after
        ? [
            {
              OR: [
                { updatedAt: { lt: after.updatedAt } },
                { updatedAt: after.updatedAt, id: { lt: after.id } },
              ],
            },
          ]
        : []),
    ],
  };
  const rows = await prisma.session.findMany({
    where,
    orderBy: [{ updatedAt: "desc" }, { id: "desc" }],
    include: sessionSummaryInclude,
    take: query.limit + 1,
  });
  const page = rows.slice(0, query.limit);
  const last = page.at(-1);
  return {
    items: page.map(toSessionSummary),
    nextCursor: rows.length > query.limit && last ? formatCursor(last) : null,
  };
}

function scopeFilter(viewer: TListViewer, scope: TSessionScope): Prisma.SessionWhereInput {
  switch (scope) {
    case "mine":
      return { OR: [{ ownerId: viewer.id }, { assigneeId: viewer.id }] };
    case "team":
      // No team, no team sessions (rather than everyone's team-less ones).
      return viewer.team ? { teamId: viewer.team.id } : { id: { in: [] } };
    case "account":
      return {};
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
