// Writes one troubleshooting session with its tree of branches, notes and steps, and the session
// log that working it would have left, for the demo seed and the test helpers. Timestamps start
// `startedMinutesAgo` back and advance a few minutes per action. The branch marked isActive
// becomes the session's activeBranchId.
import { randomUUID } from "node:crypto";
import type {
  Prisma,
  Session,
  SessionBranch,
  SessionLogAction,
  SessionMessage,
} from "./generated/prisma/client.ts";
import type {
  BranchStatus,
  ConfidenceTier,
  MessageAuthorKind,
  MessageKind,
  SessionStatus,
} from "./generated/prisma/enums.ts";

export type MessageSpec = {
  body: string;
  authorId?: string | null;
  authorKind?: MessageAuthorKind;
  /** A note (default) or a step; steps count in the session's stepCount. */
  kind?: MessageKind;
};

export type BranchSpec = {
  label: string;
  status?: BranchStatus;
  outcome?: string;
  isActive?: boolean;
  messages?: MessageSpec[];
  children?: BranchSpec[];
};

export type SessionSpec = {
  accountId: string;
  ownerId: string;
  teamId?: string | null;
  assigneeId?: string | null;
  problemSummary: string;
  problemDomain: string;
  status?: SessionStatus;
  resolution?: string | null;
  confidenceTier?: ConfidenceTier;
  psaTicketId?: string | null;
  /** Defaults to the number of steps. */
  stepCount?: number;
  /** When work on it began; defaults to two hours ago. */
  startedMinutesAgo?: number;
  /** Messages on the session itself, not tied to a branch. */
  messages?: MessageSpec[];
  branches: BranchSpec[];
};

export type SessionTree = { session: Session; branches: SessionBranch[]; messages: SessionMessage[] };

const MINUTES_PER_ACTION = 4;

/**
 * Works on the client or inside an interactive transaction. Ids are made here, so the whole tree
 * is written in a handful of statements (the demo seed runs on a cold embedded database).
 */
export async function createSessionTree(
  prisma: Prisma.TransactionClient,
  spec: SessionSpec,
): Promise<SessionTree> {
  const { branches: branchSpecs, messages: sessionMessages = [], startedMinutesAgo = 120, ...fields } = spec;
  const sessionId = randomUUID();
  const worker = fields.assigneeId ?? fields.ownerId;
  let clock = Date.now() - startedMinutesAgo * 60_000;
  const createdAt = new Date(clock);
  const tick = () => {
    clock = Math.min(clock + MINUTES_PER_ACTION * 60_000, Date.now());
    return new Date(clock);
  };
  const branches: Prisma.SessionBranchCreateManyInput[] = [];
  const messages: Prisma.SessionMessageCreateManyInput[] = [];
  const log: Prisma.SessionLogEntryCreateManyInput[] = [
    { sessionId, actorId: fields.ownerId, action: "CREATED", summary: "Opened the session", createdAt },
  ];
  const addLog = (action: SessionLogAction, summary: string, actorId: string | null = worker) =>
    log.push({ sessionId, actorId, action, summary, createdAt: tick() });
  let activeBranchId: string | null = null;
  let steps = 0;

  const addMessages = (specs: MessageSpec[], branch: { id: string; label: string } | null) => {
    for (const message of specs) {
      const kind = message.kind ?? "NOTE";
      const authorId = message.authorId ?? null;
      messages.push({
        sessionId,
        branchId: branch?.id ?? null,
        authorId,
        authorKind: message.authorKind ?? (authorId ? "ENGINEER" : "SYSTEM"),
        kind,
        body: message.body,
        createdAt: tick(),
      });
      if (kind === "STEP") steps += 1;
      // Only people's entries are changes of the session; an assistant's suggestion is not.
      if (!authorId) continue;
      const where = branch ? ` on “${branch.label}”` : "";
      if (kind === "STEP") addLog("STEP_ADDED", `Added step ${steps}${where}`, authorId);
      else addLog("NOTE_ADDED", `Added a note${where}`, authorId);
    }
  };
  const addBranches = (specs: BranchSpec[], parent: { id: string; label: string } | null) => {
    for (const branchSpec of specs) {
      const branch = { id: randomUUID(), label: branchSpec.label };
      const status = branchSpec.status ?? "OPEN";
      branches.push({
        ...branch,
        sessionId,
        parentId: parent?.id ?? null,
        status,
        outcome: branchSpec.outcome ?? null,
        createdAt: tick(),
      });
      addLog("BRANCH_OPENED", `Opened branch “${branch.label}”${parent ? ` under “${parent.label}”` : ""}`);
      if (branchSpec.isActive) activeBranchId = branch.id;
      addMessages(branchSpec.messages ?? [], branch);
      addBranches(branchSpec.children ?? [], branch);
      if (status !== "OPEN") {
        addLog(
          "BRANCH_CHANGED",
          `Marked “${branch.label}” ${status === "DEAD_END" ? "a dead end" : "resolved"}`,
        );
      }
    }
  };

  addMessages(sessionMessages, null);
  addBranches(branchSpecs, null);
  const isResolved = fields.status === "RESOLVED";
  if (isResolved) addLog("RESOLVED", "Resolved the session");

  await prisma.session.create({
    data: { ...fields, id: sessionId, stepCount: fields.stepCount ?? steps, createdAt },
  });
  const createdBranches = await prisma.sessionBranch.createManyAndReturn({ data: branches });
  const createdMessages = await prisma.sessionMessage.createManyAndReturn({ data: messages });
  await prisma.sessionLogEntry.createMany({ data: log });
  const session = await prisma.session.update({
    where: { id: sessionId },
    data: { activeBranchId, resolvedAt: isResolved ? new Date(clock) : null, updatedAt: new Date(clock) },
  });
  return { session, branches: createdBranches, messages: createdMessages };
}
