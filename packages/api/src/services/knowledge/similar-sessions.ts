// session.similar: the account's resolved sessions most like one session, best first, with what
// fixed each, ranked in one SQL statement over the maintained search vector (see the
// session_knowledge migration) by the similar_sessions function (see its migration, which says how
// it ranks; the latest one that replaces it sets how many candidates it reads). It never reads
// another account's sessions.
import type { PrismaClient } from "@handoff/db";
import { AppError } from "../../domain/app-error.ts";
import type { TSimilarSession, TSimilarVerdict } from "../../schemas/outputs.ts";

type TSimilarRow = {
  sessionId: string;
  problemSummary: string;
  problemDomain: string;
  resolvedById: string | null;
  resolvedByName: string | null;
  resolvedAt: Date;
  resolution: string | null;
  fixLabel: string | null;
  fixOutcome: string | null;
  score: number;
  verdict: "THIS_WAS_IT" | "NOT_RELATED" | null;
};

export async function findSimilarSessions(
  prisma: Pick<PrismaClient, "$queryRaw" | "session">,
  /**
   * id: whose verdicts to return with the matches. null: nobody's, for background work, which asks
   * about its own handoff's session and so never about one outside the account.
   */
  viewer: { id: string | null; accountId: string },
  sessionId: string,
  limit: number,
): Promise<TSimilarSession[]> {
  const rows = await prisma.$queryRaw<TSimilarRow[]>`
    SELECT * FROM similar_sessions(${sessionId}, ${viewer.accountId}, ${viewer.id}, ${limit}::int)`;
  // A user's empty answer may be a session of another account: that is NOT_FOUND, not "nothing similar".
  if (rows.length === 0 && viewer.id !== null)
    await assertSessionInAccount(prisma, viewer.accountId, sessionId);
  return rows.map(toSimilarSession);
}

async function assertSessionInAccount(
  prisma: Pick<PrismaClient, "session">,
  accountId: string,
  sessionId: string,
): Promise<void> {
  const found = await prisma.session.findFirst({ where: { id: sessionId, accountId }, select: { id: true } });
  if (!found) throw new AppError("NOT_FOUND", "No session with that id in your account.");
}

function toSimilarSession(row: TSimilarRow): TSimilarSession {
  return {
    sessionId: row.sessionId,
    problemSummary: row.problemSummary,
    problemDomain: row.problemDomain,
    resolvedBy:
      row.resolvedById && row.resolvedByName ? { id: row.resolvedById, name: row.resolvedByName } : null,
    resolvedAt: row.resolvedAt.toISOString(),
    resolution: row.resolution,
    fix: row.fixLabel ? { label: row.fixLabel, outcome: row.fixOutcome } : null,
    score: Math.round(Number(row.score) * 1000) / 1000,
    verdict: row.verdict ? verdictToApi(row.verdict) : null,
  };
}

function verdictToApi(verdict: "THIS_WAS_IT" | "NOT_RELATED"): TSimilarVerdict {
  return verdict === "THIS_WAS_IT" ? "this_was_it" : "not_related";
}
