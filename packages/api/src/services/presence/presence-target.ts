// The handoff or session a presence is about, checked to be the caller's account's.
import type { PrismaClient } from "@handoff/db";
import { AppError } from "../../domain/app-error.ts";
import type { TPresenceTarget } from "../../schemas/outputs.ts";

export async function findPresenceTarget(
  prisma: PrismaClient,
  accountId: string,
  input: { handoffId: string } | { sessionId: string },
): Promise<TPresenceTarget> {
  if ("handoffId" in input) {
    const handoff = await prisma.handoff.findFirst({
      where: { id: input.handoffId, accountId },
      select: { id: true },
    });
    if (!handoff) throw new AppError("NOT_FOUND", "No handoff with that id in your account.");
    return { kind: "handoff", id: handoff.id };
  }
  const session = await prisma.session.findFirst({
    where: { id: input.sessionId, accountId },
    select: { id: true },
  });
  if (!session) throw new AppError("NOT_FOUND", "No session with that id in your account.");
  return { kind: "session", id: session.id };
}
