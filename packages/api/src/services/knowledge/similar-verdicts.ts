// A person's verdict on one match of session.similar ("this was it" / "not related"), one per
// person and pair, which the ranking then uses. Both sessions must be in the viewer's account.
import type { PrismaClient } from "@handoff/db";
import { AppError } from "../../domain/app-error.ts";
import type { TSimilarVerdict } from "../../schemas/outputs.ts";

export async function setSimilarVerdict(
  prisma: PrismaClient,
  viewer: { id: string; accountId: string },
  input: { sessionId: string; matchedSessionId: string; verdict: TSimilarVerdict | null },
): Promise<{ verdict: TSimilarVerdict | null }> {
  const { sessionId, matchedSessionId, verdict } = input;
  if (sessionId === matchedSessionId) {
    throw new AppError("BAD_REQUEST", "A session cannot be a match of itself.");
  }
  const sessions = await prisma.session.findMany({
    where: { id: { in: [sessionId, matchedSessionId] }, accountId: viewer.accountId },
    select: { id: true, status: true },
  });
  if (!sessions.some((session) => session.id === sessionId)) {
    throw new AppError("NOT_FOUND", "No session with that id in your account.");
  }
  const matched = sessions.find((session) => session.id === matchedSessionId);
  if (!matched) throw new AppError("NOT_FOUND", "No matched session with that id in your account.");
  if (matched.status !== "RESOLVED") {
    throw new AppError("BAD_REQUEST", "Only a resolved session can be a match: this one is not resolved.");
  }

  const pair = { userId: viewer.id, sessionId, matchedSessionId };
  if (verdict === null) {
    await prisma.similarSessionVerdict.deleteMany({ where: pair });
    return { verdict: null };
  }
  const stored = verdict === "this_was_it" ? "THIS_WAS_IT" : "NOT_RELATED";
  await prisma.similarSessionVerdict.upsert({
    where: { userId_sessionId_matchedSessionId: pair },
    create: { ...pair, accountId: viewer.accountId, verdict: stored },
    update: { verdict: stored },
  });
  return { verdict };
}
