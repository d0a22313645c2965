// The park/escalate dialog's draft for one session: restored when the dialog reopens (after
// Escape, a click outside, a reload), gone only after a submit or an explicit Discard.
import { HANDOFF_PRIORITIES, type THandoffPriority } from "@handoff/api/client-contract";
import { readDraft, removeDraft, writeDraft } from "../lib/drafts.ts";

export type THandoffDraft = { notes: string; priority: THandoffPriority };

const EMPTY: THandoffDraft = { notes: "", priority: "normal" };

function draftName(sessionId: string): string {
  return `handoff:${sessionId}`;
}

/** The stored draft, or null when there is none worth restoring. */
export function loadHandoffDraft(userId: string, sessionId: string): THandoffDraft | null {
  const stored = readDraft(userId, draftName(sessionId)) as Partial<THandoffDraft> | null;
  if (!stored || typeof stored.notes !== "string") return null;
  const priority = HANDOFF_PRIORITIES.find((known) => known === stored.priority) ?? EMPTY.priority;
  return { notes: stored.notes, priority };
}

/** Saves a draft with something in it; an untouched one is removed rather than kept. */
export function saveHandoffDraft(userId: string, sessionId: string, draft: THandoffDraft): void {
  if (draft.notes.trim() === "" && draft.priority === EMPTY.priority) discardHandoffDraft(userId, sessionId);
  else writeDraft(userId, draftName(sessionId), draft);
}

export function discardHandoffDraft(userId: string, sessionId: string): void {
  removeDraft(userId, draftName(sessionId));
}

export function emptyHandoffDraft(): THandoffDraft {
  return { ...EMPTY };
}
