// Input schemas of every procedure. Imports nothing from the server side. The web app does not
// load them (zod stays out of the browser): it shows the field messages the server answers with.
import { z } from "zod";
import { HANDOFF_PRIORITIES, LIMITS } from "../shared/constants.ts";
import { POLICY_LIMITS } from "../shared/sla.ts";
import {
  ZBranchStatus,
  ZConfidenceTier,
  ZEntryKind,
  ZHandoffIntent,
  ZHandoffPriority,
  ZRole,
  ZSessionScope,
  ZSessionStatus,
} from "./enums.ts";

const ZId = z.string().trim().min(1, "An id is required").max(64, "That id is too long");

export const ZLoginInput = z.object({
  email: z.string().trim().toLowerCase().max(LIMITS.email).pipe(z.email("Enter a valid email address")),
  password: z.string().min(1, "Enter your password").max(LIMITS.password),
  /** "token" returns the session token in the response, for non-browser clients (CLI, tests). */
  mode: z.enum(["cookie", "token"]).default("cookie"),
});
export type TLoginInput = z.input<typeof ZLoginInput>;

// Titles are shown on one line in lists, emails and the PSA: no control characters or line
// separators, and no bidi overrides, which can make text read differently than it is stored.
const TITLE_UNSAFE = /[\p{Cc}\p{Zl}\p{Zp}\u202A-\u202E\u2066-\u2069]/u;
// Bodies may span lines and hold tabs; other control characters and bidi overrides are refused.
const BODY_UNSAFE = /(?![\t\n\r])[\p{Cc}\u202A-\u202E\u2066-\u2069]/u;

function ZTitle(what: string, limits: { min: number; max: number; tooShort: string }) {
  const { min, max, tooShort } = limits;
  return z
    .string()
    .trim()
    .min(min, tooShort)
    .max(max, `${what} can be at most ${max} characters`)
    .refine(
      (text) => !TITLE_UNSAFE.test(text),
      `${what} must be one line of plain text (no control characters)`,
    );
}

function ZBody(what: string, max: number) {
  return z
    .string()
    .trim()
    .max(max, `${what} can be at most ${max} characters`)
    .refine((text) => !BODY_UNSAFE.test(text), `${what} contains control characters`);
}

/** A session's title travels into email subjects and PSA tickets: one line, no control characters. */
export const ZProblemSummary = ZTitle("The problem summary", {
  min: 3,
  max: LIMITS.problemSummary,
  tooShort: "Describe the problem in a few words",
});
const ZProblemDomain = ZTitle("The domain", { min: 1, max: LIMITS.problemDomain, tooShort: "Pick a domain" });
/** Empty (or null where allowed) means "no ticket". */
const ZPsaTicketId = z
  .string()
  .trim()
  .max(LIMITS.psaTicketId, `A ticket id can be at most ${LIMITS.psaTicketId} characters`)
  .regex(/^[\p{L}\p{N}#._:/-]*$/u, "A ticket id is letters, digits and - _ . # : / only");

/** "mine": owned or held by me; "team": my team's; "account": all. Newest activity first. */
export const ZSessionListInput = z
  .object({
    scope: ZSessionScope.default("mine"),
    /** One status, or several (e.g. everything but resolved). */
    status: z.union([ZSessionStatus, z.array(ZSessionStatus).min(1).max(4)]).optional(),
    /** Words to find in the summary, domain, ticket, owner's name or email, notes and steps. */
    search: z
      .string()
      .trim()
      .max(LIMITS.search, `Search can be at most ${LIMITS.search} characters`)
      .optional(),
    /** `nextCursor` of the previous page. */
    cursor: z.string().max(200).optional(),
    limit: z.number().int().min(1).max(LIMITS.pageSize).default(25),
  })
  .default({ scope: "mine", limit: 25 });
export type TSessionListInput = z.input<typeof ZSessionListInput>;

export const ZSessionByIdInput = z.object({ sessionId: ZId });

/** The account's resolved sessions most like this one, best first. */
export const ZSessionSimilarInput = z.object({
  sessionId: ZId,
  limit: z.number().int().min(1).max(LIMITS.similarSessions).default(5),
});

/** A verdict on one match of session.similar; null takes the viewer's verdict back. */
export const ZSessionSimilarVerdictInput = z.object({
  sessionId: ZId,
  matchedSessionId: ZId,
  verdict: z.enum(["this_was_it", "not_related"]).nullable(),
});

export const ZSessionDomainsInput = z
  .object({ limit: z.number().int().min(1).max(200).default(50) })
  .default({ limit: 50 });

export const ZSessionCreateInput = z.object({
  problemSummary: ZProblemSummary,
  problemDomain: ZProblemDomain,
  confidenceTier: ZConfidenceTier.default("low"),
  teamId: ZId.optional(),
  psaTicketId: ZPsaTicketId.optional(),
});
export type TSessionCreateInput = z.input<typeof ZSessionCreateInput>;

const hasAChange = (input: object, fields: readonly string[]) =>
  fields.some((field) => (input as Record<string, unknown>)[field] !== undefined);

const SESSION_FIELDS = [
  "problemSummary",
  "problemDomain",
  "confidenceTier",
  "teamId",
  "psaTicketId",
] as const;

/** Only the fields given change; `teamId: null` / `psaTicketId: null` clear them. */
export const ZSessionUpdateInput = z
  .object({
    sessionId: ZId,
    problemSummary: ZProblemSummary.optional(),
    problemDomain: ZProblemDomain.optional(),
    confidenceTier: ZConfidenceTier.optional(),
    teamId: ZId.nullable().optional(),
    psaTicketId: ZPsaTicketId.nullable().optional(),
  })
  .refine((input) => hasAChange(input, SESSION_FIELDS), {
    message: `Nothing to change: give at least one of ${SESSION_FIELDS.join(", ")}`,
  });
export type TSessionUpdateInput = z.input<typeof ZSessionUpdateInput>;

/** Without `branchId` the entry goes on the active branch; `branchId: null` puts it on the session itself. */
export const ZSessionAddEntryInput = z.object({
  sessionId: ZId,
  kind: ZEntryKind,
  body: ZBody("The entry", LIMITS.entryBody).pipe(z.string().min(1, "Write something first")),
  branchId: ZId.nullable().optional(),
});
export type TSessionAddEntryInput = z.input<typeof ZSessionAddEntryInput>;

/** Without `parentId` the branch starts at the root of the tree. */
export const ZSessionOpenBranchInput = z.object({
  sessionId: ZId,
  parentId: ZId.nullable().optional(),
  label: ZTitle("The branch label", { min: 1, max: LIMITS.branchLabel, tooShort: "Name the branch" }),
});
export type TSessionOpenBranchInput = z.input<typeof ZSessionOpenBranchInput>;

const BRANCH_FIELDS = ["status", "outcome", "active"] as const;

/** `outcome: ""` or null clears it; `active: true` makes the branch the session's active one. */
export const ZSessionSetBranchInput = z
  .object({
    sessionId: ZId,
    branchId: ZId,
    status: ZBranchStatus.optional(),
    outcome: ZBody("The outcome", LIMITS.outcome).nullable().optional(),
    active: z.literal(true).optional(),
  })
  .refine((input) => hasAChange(input, BRANCH_FIELDS), {
    message: `Nothing to change: give at least one of ${BRANCH_FIELDS.join(", ")}`,
  });
export type TSessionSetBranchInput = z.input<typeof ZSessionSetBranchInput>;

export const ZSessionResolveInput = z.object({
  sessionId: ZId,
  resolution: ZBody("The resolution", LIMITS.resolution).pipe(z.string().min(1, "Say what fixed it")),
});
export type TSessionResolveInput = z.input<typeof ZSessionResolveInput>;

export const ZSessionReopenInput = z.object({ sessionId: ZId });

/** A link to a ticket in the PSA, `{id}` standing for the ticket id; empty or null removes it. */
export const ZAccountUpdateInput = z.object({
  psaTicketUrlTemplate: z
    .string()
    .trim()
    .max(LIMITS.psaTicketUrlTemplate, `The link can be at most ${LIMITS.psaTicketUrlTemplate} characters`)
    .refine((template) => template === "" || isHttpUrl(template), "The link must be an http(s) URL")
    .refine(
      (template) => template === "" || template.includes("{id}"),
      "Put {id} in the link where the ticket id goes",
    )
    .nullable(),
});
export type TAccountUpdateInput = z.input<typeof ZAccountUpdateInput>;

function isHttpUrl(text: string): boolean {
  if (!URL.canParse(text)) return false;
  const { protocol } = new URL(text);
  return protocol === "https:" || protocol === "http:";
}

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

/** A browser key in base64url (the form PushSubscription.toJSON() gives), of an exact length. */
function ZPushKey(what: string, bytes: number) {
  const length = Math.ceil((bytes * 4) / 3);
  return z
    .string()
    .trim()
    .transform((key) => key.replace(/=+$/, ""))
    .refine(
      (key) => key.length === length && /^[A-Za-z0-9_-]+$/.test(key),
      `${what} must be ${bytes} bytes in base64url`,
    );
}

/** One device's Web Push subscription, as the browser's PushSubscription.toJSON() gives it. */
export const ZPushSubscribeInput = z.object({
  endpoint: z
    .string()
    .trim()
    .max(LIMITS.pushEndpoint, `A push endpoint can be at most ${LIMITS.pushEndpoint} characters`)
    .refine((endpoint) => URL.canParse(endpoint) && new URL(endpoint).protocol === "https:", {
      message: "A push endpoint must be an https URL",
    }),
  keys: z.object({ p256dh: ZPushKey("The p256dh key", 65), auth: ZPushKey("The auth secret", 16) }),
  /**
   * New escalations below this priority are not pushed to this device. Omitted: the device keeps
   * its threshold (or the one of the subscription it replaces); a new device starts at high.
   */
  minPriority: ZHandoffPriority.optional(),
  /** How the device is shown in the list ("Chrome on macOS"). */
  label: ZTitle("The device name", {
    min: 1,
    max: LIMITS.deviceLabel,
    tooShort: "Name the device",
  }).optional(),
  /** The browser replaced this subscription (pushsubscriptionchange): it is removed. */
  replacesEndpoint: z.string().trim().max(LIMITS.pushEndpoint).optional(),
});
export type TPushSubscribeInput = z.input<typeof ZPushSubscribeInput>;

export const ZPushEndpointInput = z.object({ endpoint: z.string().trim().min(1).max(LIMITS.pushEndpoint) });

// ---- admin: users, teams, invitations, the notification log ----------------------------------

const ZEmail = z.string().trim().toLowerCase().max(LIMITS.email).pipe(z.email("Enter a valid email address"));
const ZPersonName = ZTitle("A name", { min: 1, max: LIMITS.personName, tooShort: "Enter their name" });
const ZTeamName = ZTitle("A team name", { min: 1, max: LIMITS.teamName, tooShort: "Name the team" });

/** Inviting an email already invited (and not yet joined) sends a fresh link and withdraws the old one. */
export const ZUserInviteInput = z.object({
  email: ZEmail,
  name: ZPersonName,
  role: ZRole.default("engineer"),
  isSeniorTech: z.boolean().default(false),
  teamId: ZId.nullable().optional(),
});
export type TUserInviteInput = z.input<typeof ZUserInviteInput>;

const USER_FIELDS = ["name", "role", "isSeniorTech", "teamId"] as const;

/** Only the fields given change; `teamId: null` takes them out of their team. */
export const ZUserUpdateInput = z
  .object({
    userId: ZId,
    name: ZPersonName.optional(),
    role: ZRole.optional(),
    isSeniorTech: z.boolean().optional(),
    teamId: ZId.nullable().optional(),
  })
  .refine((input) => hasAChange(input, USER_FIELDS), {
    message: `Nothing to change: give at least one of ${USER_FIELDS.join(", ")}`,
  });
export type TUserUpdateInput = z.input<typeof ZUserUpdateInput>;

export const ZUserIdInput = z.object({ userId: ZId });

export const ZTeamCreateInput = z.object({ name: ZTeamName });
export const ZTeamUpdateInput = z.object({ teamId: ZId, name: ZTeamName });

export const ZNotificationListInput = z
  .object({
    status: z.enum(["pending", "sent", "failed", "skipped"]).optional(),
    /** `nextCursor` of the previous page. */
    cursor: z.string().max(200).optional(),
    limit: z.number().int().min(1).max(LIMITS.pageSize).default(50),
  })
  .default({ limit: 50 });
export type TNotificationListInput = z.input<typeof ZNotificationListInput>;

const ZInviteToken = z.string().trim().min(16, "That invitation link is incomplete").max(200);

export const ZInvitationInput = z.object({ token: ZInviteToken });

/** The app's password rules, for every password someone chooses (invitation, first owner, change, reset). */
export const ZNewPassword = z
  .string()
  .min(LIMITS.newPasswordMin, `Choose a password of at least ${LIMITS.newPasswordMin} characters`)
  .max(LIMITS.password, `A password can be at most ${LIMITS.password} characters`);

export const ZAcceptInviteInput = z.object({
  token: ZInviteToken,
  password: ZNewPassword,
  mode: z.enum(["cookie", "token"]).default("cookie"),
});
export type TAcceptInviteInput = z.input<typeof ZAcceptInviteInput>;

// ---- passwords: change, and reset by email ---------------------------------------------------

export const ZChangePasswordInput = z
  .object({
    currentPassword: z.string().min(1, "Enter your current password").max(LIMITS.password),
    newPassword: ZNewPassword,
  })
  .refine((input) => input.newPassword !== input.currentPassword, {
    path: ["newPassword"],
    message: "Choose a new password, not your current one",
  });
export type TChangePasswordInput = z.input<typeof ZChangePasswordInput>;

export const ZRequestPasswordResetInput = z.object({ email: ZEmail });
export type TRequestPasswordResetInput = z.input<typeof ZRequestPasswordResetInput>;

export const ZResetPasswordInput = z.object({
  token: z.string().trim().min(16, "That password reset link is incomplete").max(200),
  password: ZNewPassword,
});
export type TResetPasswordInput = z.input<typeof ZResetPasswordInput>;

/** presence.view: the page being looked at, a handoff's or a session's. */
export const ZPresenceViewInput = z.union([
  z.object({ handoffId: ZId }).strict(),
  z.object({ sessionId: ZId }).strict(),
]);
export type TPresenceViewInput = z.input<typeof ZPresenceViewInput>;
function ZMinutes(what: string, min: number, max: number) {
  return z
    .number({ error: `${what} must be a number of minutes` })
    .int(`${what} must be a whole number of minutes`)
    .min(min, `${what} must be at least ${min} minute${min === 1 ? "" : "s"}`)
    .max(max, `${what} can be at most ${max} minutes`);
}

/** The whole policy, every duration in minutes; nothing is written unless all of it is valid. */
export const ZPolicyUpdateInput = z
  .object({
    targets: z.object({
      urgent: ZMinutes("The urgent target", 1, POLICY_LIMITS.targetMax),
      high: ZMinutes("The high target", 1, POLICY_LIMITS.targetMax),
      normal: ZMinutes("The normal target", 1, POLICY_LIMITS.targetMax),
      low: ZMinutes("The low target", 1, POLICY_LIMITS.targetMax),
    }),
    repeatEvery: ZMinutes("Repeat every", POLICY_LIMITS.repeatEveryMin, POLICY_LIMITS.repeatEveryMax),
    repeatMax: z
      .number({ error: "Repeats must be a number" })
      .int("Repeats must be a whole number")
      .min(0, "Repeats cannot be negative")
      .max(POLICY_LIMITS.repeatMaxMax, `At most ${POLICY_LIMITS.repeatMaxMax} repeats`),
    idleClaimAfter: ZMinutes(
      "Idle claim after",
      POLICY_LIMITS.idleClaimAfterMin,
      POLICY_LIMITS.idleClaimAfterMax,
    ),
    maxLifetime: ZMinutes("The maximum lifetime", 1, POLICY_LIMITS.maxLifetimeMax),
  })
  .superRefine((policy, ctx) => {
    const order = HANDOFF_PRIORITIES.toReversed();
    for (const [index, priority] of order.entries()) {
      const lower = order[index + 1];
      if (lower && policy.targets[priority] > policy.targets[lower]) {
        ctx.addIssue({
          code: "custom",
          path: ["targets", priority],
          message: `The ${priority} target cannot be longer than the ${lower} target`,
        });
      }
    }
    const longest = Math.max(...Object.values(policy.targets));
    if (policy.maxLifetime <= longest) {
      ctx.addIssue({
        code: "custom",
        path: ["maxLifetime"],
        message: `The maximum lifetime must be longer than every target (${longest} minutes), or escalations would stop paging before they are due`,
      });
    }
  });
export type TPolicyUpdateInput = z.input<typeof ZPolicyUpdateInput>;

/** The first account and its owner (the command line's `handoff setup` checks the same rules). */
export const ZFirstOwnerInput = z.object({
  accountName: ZTitle("The account name", {
    min: 1,
    max: LIMITS.accountName,
    tooShort: "Name the account (your company)",
  }),
  name: ZTitle("Your name", { min: 1, max: LIMITS.personName, tooShort: "Enter your name" }),
  email: ZEmail,
  password: ZNewPassword,
});
export type TFirstOwnerInput = z.input<typeof ZFirstOwnerInput>;

/** setup.complete: the first owner, with the setup code from the server's log. */
export const ZSetupInput = ZFirstOwnerInput.extend({
  code: z.string().trim().min(1, "Enter the setup code from the server's log").max(40),
  mode: z.enum(["cookie", "token"]).default("cookie"),
});
export type TSetupInput = z.input<typeof ZSetupInput>;
