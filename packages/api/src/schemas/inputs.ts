// Input schemas of every procedure. Imports nothing from the server side. The web app does not
// load them (zod stays out of the browser): it shows the field messages the server answers with.
import { z } from "zod";
import { LIMITS } from "./constants.ts";
import { ZConfidenceTier, ZHandoffIntent, ZHandoffPriority } from "./enums.ts";

const ZId = z.string().trim().min(1, "An id is required").max(64, "That id is too long");

export const ZLoginInput = z.object({
  email: z.string().trim().toLowerCase().max(LIMITS.email).pipe(z.email("Enter a valid email address")),
  password: z.string().min(1, "Enter your password").max(LIMITS.password),
  /** "token" returns the session token in the response, for non-browser clients (CLI, tests). */
  mode: z.enum(["cookie", "token"]).default("cookie"),
});
export type TLoginInput = z.input<typeof ZLoginInput>;

export const ZSessionListInput = z
  .object({
    scope: z.enum(["mine", "account"]).default("mine"),
  })
  .default({ scope: "mine" });

export const ZSessionByIdInput = z.object({ sessionId: ZId });

/** A session's title travels into email subjects and PSA tickets: one line, no control characters. */
export const ZProblemSummary = z
  .string()
  .trim()
  .min(3, "Describe the problem in a few words")
  .max(LIMITS.problemSummary)
  .refine((value) => !/[\p{Cc}\p{Zl}\p{Zp}]/u.test(value), "The title must be one line of text");

export const ZSessionCreateInput = z.object({
  problemSummary: ZProblemSummary,
  problemDomain: z.string().trim().min(1, "Pick a domain").max(LIMITS.problemDomain),
  confidenceTier: ZConfidenceTier.default("low"),
  teamId: ZId.optional(),
  psaTicketId: z.string().trim().max(64).optional(),
});
export type TSessionCreateInput = z.input<typeof ZSessionCreateInput>;

const ZNotes = z.string().trim().max(LIMITS.notes, `Notes can be at most ${LIMITS.notes} characters`);
const ZIdempotencyKey = z.string().trim().min(8).max(LIMITS.idempotencyKey);

export const ZParkInput = z.object({
  sessionId: ZId,
  notes: ZNotes.optional(),
  idempotencyKey: ZIdempotencyKey.optional(),
});
export type TParkInput = z.input<typeof ZParkInput>;

export const ZEscalateInput = ZParkInput.extend({ priority: ZHandoffPriority });
export type TEscalateInput = z.input<typeof ZEscalateInput>;

export const ZHandoffIdInput = z.object({ handoffId: ZId });

export const ZQueueInput = z
  .object({
    intent: ZHandoffIntent.optional(),
    teamId: ZId.optional(),
  })
  .default({});
export type TQueueInput = z.input<typeof ZQueueInput>;

export const ZJobStatus = z.enum(["pending", "running", "done", "dead"]);

export const ZJobListInput = z
  .object({ status: ZJobStatus.optional(), limit: z.number().int().min(1).max(200).default(50) })
  .default({ limit: 50 });

export const ZJobIdInput = z.object({ jobId: ZId });

/** Event ids are `<epoch>:<seq>` (see ./event-id.ts). */
export const ZOnEventInput = z.object({ lastEventId: z.string().max(128).nullish() }).default({});
