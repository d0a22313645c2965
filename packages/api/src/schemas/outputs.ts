// The shapes clients depend on: sessions, queue cards, handoff context and stream events.
// Timestamps are ISO-8601 strings so a card is the same object in a query, in the
// event log and on the bus.
import type {
  TBranchStatus,
  TConfidenceTier,
  TEntryKind,
  THandoffIntent,
  THandoffPriority,
  TRole,
  TSessionLogAction,
  TSessionStatus,
} from "./enums.ts";

export type TPersonRef = { id: string; name: string };

export type TViewer = {
  id: string;
  name: string;
  email: string;
  role: TRole;
  isSeniorTech: boolean;
  account: { id: string; name: string };
  team: { id: string; name: string } | null;
};

/** What a queue card needs; carried by every handoff event. */
export type THandoffCard = {
  id: string;
  sessionId: string;
  intent: THandoffIntent;
  priority: THandoffPriority;
  problemSummary: string;
  problemDomain: string;
  notes: string | null;
  stepCount: number;
  confidenceTier: TConfidenceTier;
  psaTicketId: string | null;
  /** The ticket in the PSA, when the account has a ticket link (account.update). */
  psaTicketUrl: string | null;
  team: { id: string; name: string } | null;
  handedOffBy: TPersonRef;
  createdAt: string;
  claimedBy: TPersonRef | null;
  claimedAt: string | null;
  /** What the card shows of the handoff's assessment (escalations, once written; see TAssessment). */
  assessment: TAssessmentSummary | null;
  /** createdAt + the policy's target for its priority (ISO); moves when the policy changes. */
  dueAt: string;
  /** Missed its target: still waiting past dueAt, or claimed only after it. As of when it was sent. */
  overdue: boolean;
};

export type TAssessmentLevel = "low" | "medium" | "high";

/** Who wrote an assessment or a briefing: the configured language model, or rules applied to the snapshot. */
export type TWrittenBy = "model" | "rules";

export type TAssessmentSummary = {
  likelyCause: string;
  risk: TAssessmentLevel;
  confidence: TAssessmentLevel;
  source: TWrittenBy;
  /** The account's resolved sessions the assessment drew on (see session.similar), best first. */
  priorSessions: Array<{ sessionId: string; problemSummary: string }>;
};

/** What the language model (or, without one, rules) made of an escalated session. Plain text throughout. */
export type TAssessment = TAssessmentSummary & {
  /** Most useful first. */
  nextChecks: string[];
  riskReason: string;
  missingInformation: string[];
  /** The model that wrote it; null when rules did. */
  model: string | null;
  /** Why rules wrote it although a model is configured (its answer was unusable, or it never came). */
  fallbackReason: string | null;
  assessedAt: string;
};

/** The briefing for whoever takes the handoff over. */
export type TBriefing = {
  text: string;
  source: TWrittenBy;
  model: string | null;
  /** null: not stored, written from the snapshot as it is read. */
  writtenAt: string | null;
  /** A new one is being written (handoff.regenerateBriefing, or the model's first one); it arrives as handoff.briefed. */
  isRewriting: boolean;
};

export type TBranchNode = {
  id: string;
  parentId: string | null;
  label: string;
  status: TBranchStatus;
  outcome: string | null;
};

/** What a session's summary and a handoff's snapshot both say about it. */
export type TSessionFacts = {
  problemSummary: string;
  problemDomain: string;
  status: TSessionStatus;
  stepCount: number;
  confidenceTier: TConfidenceTier;
  psaTicketId: string | null;
};

/** Frozen at handoff time: what the session looked like when it was handed off. */
export type TSessionSnapshot = TSessionFacts & {
  activeBranchId: string | null;
  branches: TBranchNode[];
  recentMessages: Array<{ author: string; body: string; at: string }>;
};

export type THandoffDetail = Omit<THandoffCard, "assessment"> & {
  snapshot: TSessionSnapshot;
  assessment: TAssessment | null;
  releasedAt: string | null;
  /** Set when its session was resolved while it waited in the queue: it can no longer be claimed. */
  cancelledAt: string | null;
  briefing: TBriefing;
};

/** A background job as an ADMIN sees it (its payload holds only ids, so it is not shown). */
export type TJobSummary = {
  id: string;
  kind: string;
  status: "pending" | "running" | "done" | "dead";
  attempts: number;
  lastError: string | null;
  runAt: string;
  createdAt: string;
  updatedAt: string;
};

/** One of the viewer's devices that receive Web Push. */
export type TPushDevice = {
  id: string;
  endpoint: string;
  label: string | null;
  minPriority: THandoffPriority;
  createdAt: string;
  lastPushedAt: string | null;
};

/** What a sessions-list row needs; carried by every `session.updated` event. */
export type TSessionSummary = TSessionFacts & {
  id: string;
  psaTicketUrl: string | null;
  handoffCount: number;
  owner: TPersonRef;
  assignee: TPersonRef | null;
  /** Who may change the session (besides ADMIN+): the assignee, or the owner while there is none. */
  holder: TPersonRef;
  team: { id: string; name: string } | null;
  activeBranch: { id: string; label: string } | null;
  /** The handoff waiting in the queue (unclaimed, not cancelled), if any. */
  openHandoff: { id: string; intent: THandoffIntent; priority: THandoffPriority } | null;
  resolution: string | null;
  resolvedAt: string | null;
  createdAt: string;
  updatedAt: string;
};

/** A verdict on a similar session: it was the answer, or it only shares words. */
export type TSimilarVerdict = "this_was_it" | "not_related";

/** A resolved session of the account like another one, with what fixed it (session.similar). */
export type TSimilarSession = {
  sessionId: string;
  problemSummary: string;
  problemDomain: string;
  /** Who resolved it (null: the resolver's account was deleted). */
  resolvedBy: TPersonRef | null;
  resolvedAt: string;
  resolution: string | null;
  /** The branch marked resolved, if any: what fixed it. */
  fix: { label: string; outcome: string | null } | null;
  /** Higher is closer; only comparable within one answer. */
  score: number;
  /** The viewer's own verdict on this match, if any. */
  verdict: TSimilarVerdict | null;
};

export type TSessionEntry = {
  id: string;
  branchId: string | null;
  kind: TEntryKind;
  author: TPersonRef | null;
  authorKind: "engineer" | "system" | "assistant";
  body: string;
  createdAt: string;
};

/** One row of the session log: who changed what, when. */
export type TSessionLogEntry = {
  id: string;
  action: TSessionLogAction;
  summary: string;
  actor: TPersonRef | null;
  at: string;
};

export type TSessionDetail = TSessionSummary & {
  activeBranchId: string | null;
  branches: TBranchNode[];
  /** Notes and steps, oldest first. */
  messages: TSessionEntry[];
  /** Oldest first. */
  log: TSessionLogEntry[];
  /**
   * The claim that holds the session, while its latest handoff is claimed and it is not resolved:
   * the claimer (or an admin) may release it back to the queue (`handoff.release`).
   */
  claimedHandoff: { id: string; claimedBy: TPersonRef; claimedAt: string } | null;
};

/** Text with the parts a search matched marked, to render as highlights (never as markup). */
export type TTextPart = { text: string; isMatch: boolean };

/** A row of session.list; with a search, what matched it (null: nothing to highlight there). */
export type TSessionListItem = TSessionSummary & {
  summaryHighlight: TTextPart[] | null;
  /** The best passage of its steps, notes, lines of enquiry and resolution. */
  snippet: TTextPart[] | null;
};

export type TSessionPage = { items: TSessionListItem[]; nextCursor: string | null };

export type TAccountSettings = { id: string; name: string; psaTicketUrlTemplate: string | null };

export type THandoffEventType =
  | "handoff.created"
  | "handoff.claimed"
  | "handoff.released"
  | "handoff.cancelled"
  /** The assessment was written: the card now carries it. */
  | "handoff.assessed"
  /** A briefing was written: handoff.byId has it. */
  | "handoff.briefed";
export type TSessionEventType = "session.updated";
export type TEscalationEventType = THandoffEventType | TSessionEventType;

export type TEscalationEvent =
  | { kind: "handoff"; type: THandoffEventType; seq: number; at: string; handoff: THandoffCard }
  | { kind: "session"; type: TSessionEventType; seq: number; at: string; session: TSessionSummary }
  /** The client's lastEventId came from another event log (e.g. a reset database): refetch the queue. */
  | { kind: "resync"; reason: string };

/** A user as the admin screens show them. "invited": has not used their invitation yet. */
export type TUserStatus = "active" | "invited" | "deactivated";

export type TUserSummary = {
  id: string;
  name: string;
  email: string;
  role: TRole;
  isSeniorTech: boolean;
  team: { id: string; name: string } | null;
  status: TUserStatus;
  /** The open invitation of an invited user: when its link stops working. */
  inviteExpiresAt: string | null;
  createdAt: string;
};

export type TTeamSummary = { id: string; name: string; memberCount: number; createdAt: string };

export type TNotificationStatus = "pending" | "sent" | "failed" | "skipped";

/** One delivery in the notification log: who got which message, on which channel, and how it went. */
export type TNotificationLogEntry = {
  id: string;
  kind: "escalation" | "invite";
  /** "email" or "push". */
  channel: string;
  /** Why it was sent: "escalated", "claimed", a re-page ("overdue:2"), or "invite". */
  reason: string;
  recipient: { id: string; name: string; email: string };
  /** What it was about: the handoff's problem summary, or the invitation. */
  subject: string;
  handoff: { id: string; problemSummary: string } | null;
  status: TNotificationStatus;
  attempts: number;
  lastError: string | null;
  createdAt: string;
  updatedAt: string;
  /** A failed delivery whose job gave up: `job.retry({ jobId })` sends it again. */
  retryJobId: string | null;
};

export type TNotificationPage = { items: TNotificationLogEntry[]; nextCursor: string | null };

/** What a presence is about: a handoff's page or a session's page. */
export type TPresenceTarget = { kind: "handoff" | "session"; id: string };

/** Who is looking at one target now (everyone, the caller too); an empty list: nobody any more. */
export type TPresenceChange = { target: TPresenceTarget; viewers: TPersonRef[] };
