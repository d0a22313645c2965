// The holder's work on a session: edit it, add notes and steps, grow and prune the branch tree,
// resolve and reopen. Each call is one change (see ./session-change.ts).
import type { BranchStatus, Prisma, SessionBranch } from "@handoff/db";
import type { CoreDeps } from "../../core-deps.ts";
import { AppError } from "../../domain/app-error.ts";
import {
  branchStatusToDb,
  confidenceToApi,
  confidenceToDb,
  entryKindToDb,
  toBranchNode,
} from "../../domain/enum-mapping.ts";
import type { TBranchStatus, TConfidenceTier, TEntryKind } from "../../schemas/enums.ts";
import type { TBranchNode, TSessionEntry, TSessionSummary } from "../../schemas/outputs.ts";
import type { TAuthedViewer } from "../auth/auth-service.ts";
import { handoffCardInclude, toHandoffCard } from "../handoffs/handoff-card.ts";
import { enqueuePsaNote } from "../psa/psa-notes.ts";
import { enqueueResolutionWebhooks } from "../webhooks/resolution-events.ts";
import { changeSession, type TLockedSession, type TSessionActor } from "./session-change.ts";
import { assertTeamInAccount, toSessionEntry } from "./session-service.ts";

type TWorkspaceDeps = Pick<CoreDeps, "prisma" | "bus" | "logger" | "jobs" | "clock">;

const quote = (text: string) => `“${text.length > 80 ? `${text.slice(0, 79)}…` : text}”`;
const sentence = (parts: string[]) => {
  const text = parts.join("; ");
  return text.charAt(0).toUpperCase() + text.slice(1);
};

function assertNotResolved(session: TLockedSession) {
  if (session.status === "RESOLVED") {
    throw new AppError("CONFLICT", "This session is resolved: reopen it to work on it again.");
  }
}

async function findBranch(tx: Prisma.TransactionClient, sessionId: string, branchId: string) {
  const branch = await tx.sessionBranch.findFirst({ where: { id: branchId, sessionId } });
  if (!branch) throw new AppError("NOT_FOUND", "No branch with that id in this session.");
  return branch;
}

/** The closest branch above `branch` still open, to carry on from when `branch` is given up. */
async function nearestOpenAncestor(tx: Prisma.TransactionClient, branch: SessionBranch) {
  const branches = await tx.sessionBranch.findMany({ where: { sessionId: branch.sessionId } });
  const byId = new Map(branches.map((each) => [each.id, each]));
  let parent = branch.parentId ? byId.get(branch.parentId) : undefined;
  while (parent && parent.status !== "OPEN") parent = parent.parentId ? byId.get(parent.parentId) : undefined;
  return parent ?? null;
}

export type TSessionUpdate = {
  problemSummary?: string | undefined;
  problemDomain?: string | undefined;
  confidenceTier?: TConfidenceTier | undefined;
  teamId?: string | null | undefined;
  psaTicketId?: string | null | undefined;
};

export async function updateSession(
  deps: TWorkspaceDeps,
  actor: TSessionActor,
  sessionId: string,
  input: TSessionUpdate,
): Promise<TSessionSummary> {
  const { session } = await changeSession(deps, actor, sessionId, async (tx, current) => {
    const data: Prisma.SessionUncheckedUpdateInput = {};
    const changes: string[] = [];
    if (input.problemSummary !== undefined && input.problemSummary !== current.problemSummary) {
      data.problemSummary = input.problemSummary;
      changes.push(`renamed it to ${quote(input.problemSummary)}`);
    }
    if (input.problemDomain !== undefined && input.problemDomain !== current.problemDomain) {
      data.problemDomain = input.problemDomain;
      changes.push(`set the domain to ${quote(input.problemDomain)}`);
    }
    if (
      input.confidenceTier !== undefined &&
      confidenceToDb(input.confidenceTier) !== current.confidenceTier
    ) {
      data.confidenceTier = confidenceToDb(input.confidenceTier);
      changes.push(
        `changed confidence from ${confidenceToApi(current.confidenceTier)} to ${input.confidenceTier}`,
      );
    }
    if (input.teamId !== undefined && input.teamId !== current.teamId) {
      data.teamId = input.teamId;
      changes.push(
        input.teamId
          ? `moved it to ${(await assertTeamInAccount(tx, actor.accountId, input.teamId)).name}`
          : "took it off its team",
      );
    }
    const psaTicketId = input.psaTicketId === undefined ? undefined : input.psaTicketId || null;
    if (psaTicketId !== undefined && psaTicketId !== current.psaTicketId) {
      data.psaTicketId = psaTicketId;
      changes.push(psaTicketId ? `linked ticket ${psaTicketId}` : "unlinked its ticket");
    }
    if (changes.length === 0) return { result: null, log: null };
    await tx.session.update({ where: { id: current.id }, data });
    return { result: null, log: { action: "UPDATED", summary: sentence(changes) } };
  });
  return session;
}

export async function addSessionEntry(
  deps: TWorkspaceDeps,
  actor: TSessionActor & Pick<TAuthedViewer, "name">,
  input: { sessionId: string; kind: TEntryKind; body: string; branchId?: string | null | undefined },
): Promise<TSessionEntry> {
  const { result } = await changeSession(deps, actor, input.sessionId, async (tx, session) => {
    assertNotResolved(session);
    // No branch given: the entry belongs to the branch being worked on.
    const branchId = input.branchId === undefined ? session.activeBranchId : input.branchId;
    const branch = branchId ? await findBranch(tx, session.id, branchId) : null;
    const message = await tx.sessionMessage.create({
      data: {
        sessionId: session.id,
        branchId: branch?.id ?? null,
        authorId: actor.id,
        authorKind: "ENGINEER",
        kind: entryKindToDb(input.kind),
        body: input.body,
      },
    });
    // The author is the actor: named from the login instead of read back in a statement of its own.
    const entry = toSessionEntry({ ...message, author: { id: actor.id, name: actor.name } });
    const where = branch ? ` on ${quote(branch.label)}` : "";
    if (input.kind === "note") {
      return { result: entry, log: { action: "NOTE_ADDED", summary: `Added a note${where}` } };
    }
    const { stepCount } = await tx.session.update({
      where: { id: session.id },
      data: { stepCount: { increment: 1 } },
    });
    return { result: entry, log: { action: "STEP_ADDED", summary: `Added step ${stepCount}${where}` } };
  });
  return result;
}

export async function openSessionBranch(
  deps: TWorkspaceDeps,
  actor: TSessionActor,
  input: { sessionId: string; parentId?: string | null | undefined; label: string },
): Promise<TBranchNode> {
  const { result } = await changeSession(deps, actor, input.sessionId, async (tx, session) => {
    assertNotResolved(session);
    const parent = input.parentId ? await findBranch(tx, session.id, input.parentId) : null;
    const branch = await tx.sessionBranch.create({
      data: { sessionId: session.id, parentId: parent?.id ?? null, label: input.label },
    });
    await tx.session.update({ where: { id: session.id }, data: { activeBranchId: branch.id } });
    const under = parent ? ` under ${quote(parent.label)}` : "";
    return {
      result: toBranchNode(branch),
      log: { action: "BRANCH_OPENED", summary: `Opened branch ${quote(branch.label)}${under}` },
    };
  });
  return result;
}

const BRANCH_STATUS_WORDS: Record<TBranchStatus, string> = {
  open: "open again",
  dead_end: "a dead end",
  resolved: "resolved",
};

export async function setSessionBranch(
  deps: TWorkspaceDeps,
  actor: TSessionActor,
  input: {
    sessionId: string;
    branchId: string;
    status?: TBranchStatus | undefined;
    outcome?: string | null | undefined;
    active?: true | undefined;
  },
): Promise<TBranchNode> {
  const { result } = await changeSession(deps, actor, input.sessionId, async (tx, session) => {
    assertNotResolved(session);
    const branch = await findBranch(tx, session.id, input.branchId);
    const label = quote(branch.label);
    const data: { status?: BranchStatus; outcome?: string | null } = {};
    const changes: string[] = [];
    if (input.status !== undefined && branchStatusToDb(input.status) !== branch.status) {
      data.status = branchStatusToDb(input.status);
      changes.push(`marked ${label} ${BRANCH_STATUS_WORDS[input.status]}`);
    }
    const outcome = input.outcome === undefined ? undefined : input.outcome || null;
    if (outcome !== undefined && outcome !== branch.outcome) {
      data.outcome = outcome;
      changes.push(
        outcome ? `noted the outcome of ${label}: ${quote(outcome)}` : `cleared the outcome of ${label}`,
      );
    }
    const isDeadEnd = (data.status ?? branch.status) === "DEAD_END";
    if (isDeadEnd && input.active === true) {
      throw new AppError("BAD_REQUEST", `${label} is a dead end: mark it open again before working on it.`);
    }
    const isActivating = input.active === true && session.activeBranchId !== branch.id;
    if (isActivating) changes.push(`made ${label} the active branch`);
    // New steps must not keep going "on" a branch that was just given up.
    const isGivenUpWhileActive = isDeadEnd && session.activeBranchId === branch.id;
    const nextActive = isGivenUpWhileActive ? await nearestOpenAncestor(tx, branch) : undefined;
    if (isGivenUpWhileActive) {
      changes.push(nextActive ? `went back to ${quote(nextActive.label)}` : "left no branch active");
    }
    if (changes.length === 0) return { result: toBranchNode(branch), log: null };

    const updated: SessionBranch = await tx.sessionBranch.update({ where: { id: branch.id }, data });
    if (isActivating || isGivenUpWhileActive) {
      const activeBranchId = isActivating ? branch.id : (nextActive?.id ?? null);
      await tx.session.update({ where: { id: session.id }, data: { activeBranchId } });
    }
    return { result: toBranchNode(updated), log: { action: "BRANCH_CHANGED", summary: sentence(changes) } };
  });
  return result;
}

/**
 * Resolves the session; a handoff of it still waiting in the queue is withdrawn (handoff.cancelled).
 * With a PSA ticket and connection, the resolution goes to the ticket as a note (a job).
 */
export async function resolveSession(
  deps: TWorkspaceDeps,
  actor: TSessionActor,
  input: { sessionId: string; resolution: string },
): Promise<TSessionSummary> {
  const { session, result: hasJobs } = await changeSession(
    deps,
    actor,
    input.sessionId,
    async (tx, current) => {
      if (current.status === "RESOLVED") throw new AppError("CONFLICT", "This session is already resolved.");
      const now = new Date();
      await tx.session.update({
        where: { id: current.id },
        data: { status: "RESOLVED", resolution: input.resolution, resolvedAt: now },
      });
      const hasPsaNote = await enqueueResolutionNote(tx, actor, current, input.resolution, now);
      const open = await tx.handoff.findFirst({
        where: { sessionId: current.id, claimedAt: null, cancelledAt: null },
      });
      const cancelled =
        open &&
        (await tx.handoff.update({
          where: { id: open.id },
          data: { cancelledAt: now },
          include: handoffCardInclude,
        }));
      const hasWebhooks = await enqueueResolutionWebhooks(tx, {
        accountId: actor.accountId,
        session: current,
        resolution: input.resolution,
        resolvedAt: now,
        resolverId: actor.id,
      });
      const hasJobs = hasPsaNote || hasWebhooks;
      if (!open || !cancelled)
        return { result: hasJobs, log: { action: "RESOLVED", summary: "Resolved the session" } };

      const event = { type: "handoff.cancelled" as const, handoff: toHandoffCard(cancelled) };
      const withdrawn = open.intent === "ESCALATE" ? "escalation" : "parked handoff";
      return {
        result: hasJobs,
        log: {
          action: "RESOLVED",
          summary: `Resolved the session; its ${withdrawn} left the queue`,
        },
        events: [event],
      };
    },
  );
  if (hasJobs) deps.jobs.kick();
  return session;
}

/** The resolution note for the session's PSA ticket, shown on its latest handoff's page. */
async function enqueueResolutionNote(
  tx: Prisma.TransactionClient,
  actor: TSessionActor,
  session: TLockedSession,
  resolution: string,
  resolvedAt: Date,
): Promise<boolean> {
  if (!session.psaTicketId) return false;
  const latest = await tx.handoff.findFirst({
    where: { sessionId: session.id },
    orderBy: { createdAt: "desc" },
    select: { id: true },
  });
  const resolver = await tx.user.findUniqueOrThrow({ where: { id: actor.id }, select: { name: true } });
  return enqueuePsaNote(tx, {
    accountId: actor.accountId,
    sessionId: session.id,
    handoffId: latest?.id ?? null,
    ticketId: session.psaTicketId,
    kind: "RESOLVED",
    key: `resolved/${session.id}/${resolvedAt.getTime()}`,
    details: { resolvedBy: resolver.name, resolution },
  });
}

export async function reopenSession(
  deps: TWorkspaceDeps,
  actor: TSessionActor,
  sessionId: string,
): Promise<TSessionSummary> {
  const { session } = await changeSession(deps, actor, sessionId, async (tx, current) => {
    if (current.status !== "RESOLVED") throw new AppError("CONFLICT", "This session is not resolved.");
    await tx.session.update({
      where: { id: current.id },
      data: { status: "ACTIVE", resolution: null, resolvedAt: null },
    });
    return { result: null, log: { action: "REOPENED", summary: "Reopened the session" } };
  });
  return session;
}
