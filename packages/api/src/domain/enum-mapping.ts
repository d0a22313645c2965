// The one place that maps the database's uppercase enums to the API's lowercase words
// (and the rows built mostly from them).
import type {
  BranchStatus,
  ConfidenceTier,
  HandoffIntent,
  HandoffPriority,
  MessageAuthorKind,
  MessageKind,
  Role,
  Session,
  SessionBranch,
  SessionLogAction,
  SessionStatus,
} from "@handoff/db";
import type {
  TBranchStatus,
  TConfidenceTier,
  TEntryKind,
  THandoffIntent,
  THandoffPriority,
  TRole,
  TSessionLogAction,
  TSessionStatus,
} from "../schemas/enums.ts";
import type { TBranchNode, TSessionEntry } from "../schemas/outputs.ts";

const toApi = <T extends string>(value: string) => value.toLowerCase() as T;
const toDb = <T extends string>(value: string) => value.toUpperCase() as T;

export const roleToApi = (value: Role) => toApi<TRole>(value);
export const intentToApi = (value: HandoffIntent) => toApi<THandoffIntent>(value);
export const intentToDb = (value: THandoffIntent) => toDb<HandoffIntent>(value);
export const priorityToApi = (value: HandoffPriority) => toApi<THandoffPriority>(value);
export const priorityToDb = (value: THandoffPriority) => toDb<HandoffPriority>(value);
export const sessionStatusToApi = (value: SessionStatus) => toApi<TSessionStatus>(value);
export const confidenceToApi = (value: ConfidenceTier) => toApi<TConfidenceTier>(value);
export const confidenceToDb = (value: TConfidenceTier) => toDb<ConfidenceTier>(value);
export const branchStatusToApi = (value: BranchStatus) => toApi<TBranchStatus>(value);
export const branchStatusToDb = (value: TBranchStatus) => toDb<BranchStatus>(value);
export const entryKindToApi = (value: MessageKind) => toApi<TEntryKind>(value);
export const entryKindToDb = (value: TEntryKind) => toDb<MessageKind>(value);
export const authorKindToApi = (value: MessageAuthorKind) => toApi<TSessionEntry["authorKind"]>(value);
export const logActionToApi = (value: SessionLogAction) => toApi<TSessionLogAction>(value);

/** The facts about a session that both its summary and a handoff snapshot show. */
export function toSessionFacts(
  session: Pick<
    Session,
    "problemSummary" | "problemDomain" | "status" | "stepCount" | "confidenceTier" | "psaTicketId"
  >,
) {
  return {
    problemSummary: session.problemSummary,
    problemDomain: session.problemDomain,
    status: sessionStatusToApi(session.status),
    stepCount: session.stepCount,
    confidenceTier: confidenceToApi(session.confidenceTier),
    psaTicketId: session.psaTicketId,
  };
}

export function toBranchNode(branch: SessionBranch): TBranchNode {
  return {
    id: branch.id,
    parentId: branch.parentId,
    label: branch.label,
    status: branchStatusToApi(branch.status),
    outcome: branch.outcome,
  };
}
