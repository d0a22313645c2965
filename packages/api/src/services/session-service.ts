// Troubleshooting sessions of the caller's account: list, read, create.
import type { Prisma, PrismaClient } from "@handoff/db";
import { AppError } from "../domain/app-error.ts";
import {
  confidenceToDb,
  intentToApi,
  priorityToApi,
  toBranchNode,
  toSessionFacts,
} from "../domain/enum-mapping.ts";
import type { TConfidenceTier } from "../schemas/enums.ts";
import type { TAuthedViewer } from "./auth-service.ts";

type TViewerRef = Pick<TAuthedViewer, "id" | "accountId">;

const summaryInclude = {
  owner: { select: { id: true, name: true } },
  assignee: { select: { id: true, name: true } },
  team: { select: { id: true, name: true } },
  handoffs: {
    where: { claimedAt: null, cancelledAt: null },
    select: { id: true, intent: true, priority: true },
    take: 1,
  },
} satisfies Prisma.SessionInclude;

type TSessionWithSummary = Prisma.SessionGetPayload<{ include: typeof summaryInclude }>;

function toSessionSummary(session: TSessionWithSummary) {
  const open = session.handoffs[0];
  return {
    id: session.id,
    ...toSessionFacts(session),
    handoffCount: session.handoffCount,
    owner: session.owner,
    assignee: session.assignee,
    team: session.team,
    openHandoff: open
      ? { id: open.id, intent: intentToApi(open.intent), priority: priorityToApi(open.priority) }
      : null,
    createdAt: session.createdAt,
    updatedAt: session.updatedAt,
  };
}

export type TSessionSummary = ReturnType<typeof toSessionSummary>;

/** Loads a session of the caller's account or explains why not. */
export async function findSessionInAccount<TInclude extends Prisma.SessionInclude>(
  db: Prisma.TransactionClient,
  accountId: string,
  sessionId: string,
  include: TInclude,
): Promise<Prisma.SessionGetPayload<{ include: TInclude }>> {
  const session = await db.session.findUnique({ where: { id: sessionId }, include });
  if (!session) throw new AppError("NOT_FOUND", "No session with that id.");
  if (session.accountId !== accountId)
    throw new AppError("FORBIDDEN", "That session belongs to another account.");
  return session as Prisma.SessionGetPayload<{ include: TInclude }>;
}

export async function listSessions(prisma: PrismaClient, viewer: TViewerRef, scope: "mine" | "account") {
  const sessions = await prisma.session.findMany({
    where: {
      accountId: viewer.accountId,
      ...(scope === "mine" && { OR: [{ ownerId: viewer.id }, { assigneeId: viewer.id }] }),
    },
    orderBy: { updatedAt: "desc" },
    include: summaryInclude,
    take: 200,
  });
  return sessions.map(toSessionSummary);
}

export async function getSession(prisma: PrismaClient, viewer: TViewerRef, sessionId: string) {
  const session = await findSessionInAccount(prisma, viewer.accountId, sessionId, {
    ...summaryInclude,
    branches: { orderBy: { createdAt: "asc" } },
    messages: { orderBy: { createdAt: "asc" }, include: { author: { select: { id: true, name: true } } } },
  });
  return {
    ...toSessionSummary(session),
    activeBranchId: session.activeBranchId,
    branches: session.branches.map(toBranchNode),
    messages: session.messages.map((message) => ({
      id: message.id,
      branchId: message.branchId,
      author: message.author,
      authorKind: message.authorKind.toLowerCase(),
      body: message.body,
      createdAt: message.createdAt,
    })),
  };
}

export async function createSession(
  prisma: PrismaClient,
  viewer: TViewerRef,
  input: {
    problemSummary: string;
    problemDomain: string;
    confidenceTier: TConfidenceTier;
    teamId?: string | undefined;
    psaTicketId?: string | undefined;
  },
) {
  if (input.teamId) {
    const team = await prisma.team.findFirst({ where: { id: input.teamId, accountId: viewer.accountId } });
    if (!team) throw new AppError("NOT_FOUND", "No team with that id in your account.");
  }
  const session = await prisma.session.create({
    data: {
      accountId: viewer.accountId,
      ownerId: viewer.id,
      teamId: input.teamId ?? null,
      problemSummary: input.problemSummary,
      problemDomain: input.problemDomain,
      confidenceTier: confidenceToDb(input.confidenceTier),
      psaTicketId: input.psaTicketId ?? null,
    },
    include: summaryInclude,
  });
  return toSessionSummary(session);
}
