// Troubleshooting sessions of the caller's account: read one, create one.
import type { Prisma, PrismaClient } from "@handoff/db";
import type { CoreDeps } from "../../core-deps.ts";
import { AppError } from "../../domain/app-error.ts";
import {
  authorKindToApi,
  confidenceToDb,
  entryKindToApi,
  logActionToApi,
  toBranchNode,
} from "../../domain/enum-mapping.ts";
import type { TConfidenceTier } from "../../schemas/enums.ts";
import type { TSessionDetail, TSessionEntry, TSessionSummary } from "../../schemas/outputs.ts";
import type { TAuthedViewer } from "../auth/auth-service.ts";
import { appendEscalationEvents } from "../handoffs/event-log.ts";
import { publishInBackground } from "../handoffs/event-publisher.ts";
import { recordSessionChange } from "./session-change.ts";
import { sessionSummaryInclude, toSessionSummary } from "./session-summary.ts";

type TViewerRef = Pick<TAuthedViewer, "id" | "accountId">;

/** Loads a session of the caller's account; another account's session is NOT_FOUND, as if it did not exist. */
async function findSessionInAccount<TInclude extends Prisma.SessionInclude>(
  db: Prisma.TransactionClient,
  accountId: string,
  sessionId: string,
  include: TInclude,
): Promise<Prisma.SessionGetPayload<{ include: TInclude }>> {
  const session = await db.session.findFirst({ where: { id: sessionId, accountId }, include });
  if (!session) throw new AppError("NOT_FOUND", "No session with that id in your account.");
  return session as Prisma.SessionGetPayload<{ include: TInclude }>;
}

const person = { select: { id: true, name: true } } as const;

export async function getSession(
  prisma: PrismaClient,
  viewer: TViewerRef,
  sessionId: string,
): Promise<TSessionDetail> {
  const [session, latest] = await Promise.all([
    findSessionInAccount(prisma, viewer.accountId, sessionId, {
      ...sessionSummaryInclude,
      branches: { orderBy: { createdAt: "asc" } },
      messages: { orderBy: { createdAt: "asc" }, include: { author: person } },
      log: { orderBy: { createdAt: "asc" }, include: { actor: person } },
    }),
    // The latest handoff says whether a claim holds the session (an older one no longer does).
    prisma.handoff.findFirst({
      where: { sessionId, accountId: viewer.accountId },
      orderBy: { createdAt: "desc" },
      select: { id: true, claimedAt: true, cancelledAt: true, claimedBy: person },
    }),
  ]);
  return {
    ...toSessionSummary(session),
    activeBranchId: session.activeBranchId,
    branches: session.branches.map(toBranchNode),
    messages: session.messages.map(toSessionEntry),
    log: session.log.map((entry) => ({
      id: entry.id,
      action: logActionToApi(entry.action),
      summary: entry.summary,
      actor: entry.actor,
      at: entry.createdAt.toISOString(),
    })),
    claimedHandoff:
      latest?.claimedBy && latest.claimedAt && !latest.cancelledAt && session.status !== "RESOLVED"
        ? { id: latest.id, claimedBy: latest.claimedBy, claimedAt: latest.claimedAt.toISOString() }
        : null,
  };
}

export function toSessionEntry(
  message: Prisma.SessionMessageGetPayload<{ include: { author: typeof person } }>,
): TSessionEntry {
  return {
    id: message.id,
    branchId: message.branchId,
    kind: entryKindToApi(message.kind),
    author: message.author,
    authorKind: authorKindToApi(message.authorKind),
    body: message.body,
    createdAt: message.createdAt.toISOString(),
  };
}

export async function createSession(
  deps: Pick<CoreDeps, "prisma" | "bus" | "logger">,
  viewer: TViewerRef,
  input: {
    problemSummary: string;
    problemDomain: string;
    confidenceTier: TConfidenceTier;
    teamId?: string | undefined;
    psaTicketId?: string | undefined;
  },
): Promise<TSessionSummary> {
  const events = await deps.prisma.$transaction(async (tx) => {
    if (input.teamId) await assertTeamInAccount(tx, viewer.accountId, input.teamId);
    const session = await tx.session.create({
      data: {
        accountId: viewer.accountId,
        ownerId: viewer.id,
        teamId: input.teamId ?? null,
        problemSummary: input.problemSummary,
        problemDomain: input.problemDomain,
        confidenceTier: confidenceToDb(input.confidenceTier),
        psaTicketId: input.psaTicketId || null,
      },
    });
    const { event, logRow } = await recordSessionChange(tx, {
      accountId: viewer.accountId,
      sessionId: session.id,
      actorId: viewer.id,
      action: "CREATED",
      summary: "Opened the session",
    });
    return appendEscalationEvents(tx, viewer.accountId, [event], { sessionLog: logRow });
  });
  publishInBackground(deps, events);
  return events[0].session;
}

export async function assertTeamInAccount(db: Prisma.TransactionClient, accountId: string, teamId: string) {
  const team = await db.team.findFirst({ where: { id: teamId, accountId } });
  if (!team) throw new AppError("NOT_FOUND", "No team with that id in your account.");
  return team;
}
