// Writes one troubleshooting session with its tree of branches and messages, for the demo
// seed and the test helpers. The branch marked isActive becomes the session's activeBranchId.
import type { Prisma, Session, SessionBranch, SessionMessage } from "./generated/prisma/client.ts";
import type {
  BranchStatus,
  ConfidenceTier,
  MessageAuthorKind,
  SessionStatus,
} from "./generated/prisma/enums.ts";

export type MessageSpec = { body: string; authorId?: string | null; authorKind?: MessageAuthorKind };

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
  confidenceTier?: ConfidenceTier;
  psaTicketId?: string | null;
  /** Defaults to the number of branches. */
  stepCount?: number;
  /** Messages on the session itself, not tied to a branch. */
  messages?: MessageSpec[];
  branches: BranchSpec[];
};

export type SessionTree = { session: Session; branches: SessionBranch[]; messages: SessionMessage[] };

/** Works on the client or inside an interactive transaction. */
export async function createSessionTree(
  prisma: Prisma.TransactionClient,
  spec: SessionSpec,
): Promise<SessionTree> {
  const { branches: branchSpecs, messages: sessionMessages = [], ...fields } = spec;
  const created = await prisma.session.create({
    data: { ...fields, stepCount: fields.stepCount ?? countBranches(branchSpecs) },
  });
  const branches: SessionBranch[] = [];
  const messages: SessionMessage[] = [];
  let activeBranchId: string | null = null;

  const addMessages = async (specs: MessageSpec[], branchId: string | null) => {
    for (const message of specs) {
      messages.push(
        await prisma.sessionMessage.create({
          data: {
            sessionId: created.id,
            branchId,
            authorId: message.authorId ?? null,
            authorKind: message.authorKind ?? (message.authorId ? "ENGINEER" : "SYSTEM"),
            body: message.body,
          },
        }),
      );
    }
  };
  const addBranches = async (specs: BranchSpec[], parentId: string | null) => {
    for (const branchSpec of specs) {
      const branch = await prisma.sessionBranch.create({
        data: {
          sessionId: created.id,
          parentId,
          label: branchSpec.label,
          status: branchSpec.status ?? "OPEN",
          outcome: branchSpec.outcome ?? null,
        },
      });
      branches.push(branch);
      if (branchSpec.isActive) activeBranchId = branch.id;
      await addMessages(branchSpec.messages ?? [], branch.id);
      await addBranches(branchSpec.children ?? [], branch.id);
    }
  };

  await addMessages(sessionMessages, null);
  await addBranches(branchSpecs, null);
  const session = activeBranchId
    ? await prisma.session.update({ where: { id: created.id }, data: { activeBranchId } })
    : created;
  return { session, branches, messages };
}

function countBranches(specs: BranchSpec[]): number {
  return specs.reduce((sum, spec) => sum + 1 + countBranches(spec.children ?? []), 0);
}
