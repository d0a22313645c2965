// Enum values as they travel over the API: lowercase words (DESIGN.md), mapped to and from
// the database's uppercase Prisma enums in one place (../domain/enum-mapping.ts).
import { z } from "zod";
import { HANDOFF_PRIORITIES } from "../shared/constants.ts";

export const ZRole = z.enum(["owner", "admin", "engineer", "viewer"]);
export type TRole = z.infer<typeof ZRole>;

export const ZHandoffIntent = z.enum(["park", "escalate"]);
export type THandoffIntent = z.infer<typeof ZHandoffIntent>;

export const ZHandoffPriority = z.enum(HANDOFF_PRIORITIES);
export type THandoffPriority = z.infer<typeof ZHandoffPriority>;

export const ZSessionStatus = z.enum(["active", "paused", "escalated", "resolved"]);
export type TSessionStatus = z.infer<typeof ZSessionStatus>;

export const ZConfidenceTier = z.enum(["low", "medium", "high"]);
export type TConfidenceTier = z.infer<typeof ZConfidenceTier>;

export const ZBranchStatus = z.enum(["open", "dead_end", "resolved"]);
export type TBranchStatus = z.infer<typeof ZBranchStatus>;

/** A session entry: a note, or a step (steps count in the session's stepCount). */
export const ZEntryKind = z.enum(["note", "step"]);
export type TEntryKind = z.infer<typeof ZEntryKind>;

/**
 * Which sessions `session.list` shows: "mine" (owned or held by me), "team" (my team's; none when
 * I have no team), "account" (every session of the account).
 */
export const ZSessionScope = z.enum(["mine", "team", "account"]);
export type TSessionScope = z.infer<typeof ZSessionScope>;

export const ZSessionLogAction = z.enum([
  "created",
  "updated",
  "note_added",
  "step_added",
  "branch_opened",
  "branch_changed",
  "parked",
  "escalated",
  "claimed",
  "released",
  "resolved",
  "reopened",
]);
export type TSessionLogAction = z.infer<typeof ZSessionLogAction>;
