// Inputs and outputs of the PSA connection and its ticket notes (psa.*). Imports no server code.
// Secrets go in (privateKey, clientSecret) and never come back out: outputs carry only whether
// one is stored.
import { z } from "zod";

const ZId = z.string().trim().min(1, "An id is required").max(64, "That id is too long");

/** https, or http to this machine only (a PSA on the public internet is always https). */
export function isAllowedPsaUrl(text: string): boolean {
  if (!URL.canParse(text)) return false;
  const url = new URL(text);
  if (url.username || url.password || url.search || url.hash) return false;
  if (url.protocol === "https:") return true;
  return url.protocol === "http:" && ["localhost", "127.0.0.1", "[::1]"].includes(url.hostname);
}

const ZPsaUrl = (what: string) =>
  z
    .string()
    .trim()
    .min(1, `Enter the ${what}`)
    .max(300, `The ${what} can be at most 300 characters`)
    .refine(isAllowedPsaUrl, `The ${what} must be an https:// address, such as https://acme.halopsa.com`);

const ZField = (what: string, max: number) =>
  z
    .string()
    .trim()
    .min(1, `Enter the ${what}`)
    .max(max, `The ${what} can be at most ${max} characters`)
    .refine((value) => !/[\s\p{Cc}]/u.test(value), `The ${what} cannot contain spaces or control characters`);

/** Blank (or absent) keeps the secret already stored; required when there is none. */
const ZSecretField = (what: string) =>
  z
    .string()
    .trim()
    .max(512, `The ${what} can be at most 512 characters`)
    .refine((value) => !/\p{Cc}/u.test(value), `The ${what} cannot contain control characters`)
    .optional();

export const ZPsaConnectWiseInput = z.object({
  provider: z.literal("connectwise"),
  /** The site, e.g. https://api-na.myconnectwise.net (the …/v4_6_release/apis/3.0 part is added). */
  siteUrl: ZPsaUrl("site address"),
  companyId: ZField("company id", 64),
  publicKey: ZField("public key", 128),
  privateKey: ZSecretField("private key"),
  /** The integration's clientId from developer.connectwise.com, sent as the `clientId` header. */
  clientId: ZField("client id", 128),
});

export const ZPsaHaloInput = z.object({
  provider: z.literal("halopsa"),
  /** The resource server without /api, e.g. https://acme.halopsa.com. */
  baseUrl: ZPsaUrl("Halo address"),
  /** The authorisation server; empty means the one the instance names (GET /api/authinfo). */
  authUrl: ZPsaUrl("authorisation server")
    .optional()
    .or(z.literal("").transform(() => undefined)),
  /** Hosted Halo instances name their tenant on the token request; self-hosted ones leave it empty. */
  tenant: z
    .string()
    .trim()
    .max(64, "The tenant can be at most 64 characters")
    .refine((value) => /^[A-Za-z0-9_.-]*$/.test(value), "The tenant is a name such as acme")
    .optional(),
  clientId: ZField("client id", 128),
  clientSecret: ZSecretField("client secret"),
  /**
   * The outcome Handoff's notes get, picked from the instance's list (psa.haloOutcomes); null =
   * "Private Note", left out = the stored one.
   */
  noteOutcome: z
    .object({
      id: z.number().int().positive(),
      name: z.string().trim().min(1, "Pick an outcome").max(64, "The outcome can be at most 64 characters"),
    })
    .nullable()
    .optional(),
});

export const ZPsaUpdateInput = z.discriminatedUnion("provider", [ZPsaConnectWiseInput, ZPsaHaloInput], {
  error: 'Pick a PSA: "connectwise" or "halopsa"',
});
export type TPsaUpdateInput = z.input<typeof ZPsaUpdateInput>;
export type TPsaUpdate = z.output<typeof ZPsaUpdateInput>;

export const ZPsaNotesInput = z.object({ handoffId: ZId });

// ---- outputs ---------------------------------------------------------------------------------

export type TPsaProvider = "connectwise" | "halopsa";

export type TPsaConnectionSettings =
  | { provider: "connectwise"; siteUrl: string; companyId: string; publicKey: string; clientId: string }
  | {
      provider: "halopsa";
      baseUrl: string;
      authUrl: string | null;
      tenant: string | null;
      clientId: string;
      noteOutcome: THaloOutcome | null;
    };

/** One of a Halo instance's action outcomes. */
export type THaloOutcome = { id: number; name: string };

export type TPsaTestResult = { at: string; isOk: boolean; message: string };

export type TPsaConnectionView = {
  /** False when the server has no SECRETS_KEY: no connection can be saved or used. */
  isSecretsKeySet: boolean;
  connection:
    | (TPsaConnectionSettings & { hasSecret: true; lastTest: TPsaTestResult | null; updatedAt: string })
    | null;
};

export type TPsaNoteKind = "escalated" | "claimed" | "resolved";

export type TPsaNoteView = {
  id: string;
  kind: TPsaNoteKind;
  provider: TPsaProvider;
  ticketId: string;
  status: "pending" | "sent" | "failed";
  providerNoteId: string | null;
  lastError: string | null;
  attempts: number;
  /** The job delivering it; an ADMIN retries a failed note with job.retry. */
  jobId: string | null;
  isRetryable: boolean;
  createdAt: string;
  sentAt: string | null;
};
