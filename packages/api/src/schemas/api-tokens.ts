// Personal API tokens over the API: what creating one takes, and what the list shows.
import { z } from "zod";
import {
  API_TOKEN_LIFETIME_DAYS,
  API_TOKEN_NAME_MAX,
  API_TOKEN_SCOPES,
  type TApiTokenScope,
} from "../shared/api-token-options.ts";

export const ZApiTokenScope = z.enum(API_TOKEN_SCOPES);

export const ZCreateApiTokenInput = z.object({
  name: z.string().trim().min(1, "Give the token a name.").max(API_TOKEN_NAME_MAX),
  lifetimeDays: z.literal(API_TOKEN_LIFETIME_DAYS, {
    error: `Choose a lifetime of ${API_TOKEN_LIFETIME_DAYS.join(", ")} days.`,
  }),
  scopes: z
    .array(ZApiTokenScope)
    .min(1, "Choose at least one scope.")
    .refine((scopes) => new Set(scopes).size === scopes.length, "Each scope once."),
});
export type TCreateApiTokenInput = z.infer<typeof ZCreateApiTokenInput>;

export const ZApiTokenIdInput = z.object({ tokenId: z.string().min(1).max(100) });

/** active; revoked by its user; expired; ended with its user's logins (deactivated, password reset). */
export type TApiTokenStatus = "active" | "revoked" | "expired" | "ended";

export type TApiToken = {
  id: string;
  name: string;
  scopes: TApiTokenScope[];
  /** The secret's first characters, to recognise it: the secret itself is shown once. */
  displayPrefix: string;
  status: TApiTokenStatus;
  createdAt: string;
  expiresAt: string;
  revokedAt: string | null;
  lastUsedAt: string | null;
  lastUsedIp: string | null;
};
