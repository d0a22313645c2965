// Personal API tokens' fixed choices, shared with the web form and the CLI. Zod-free (see ../client-contract.ts).

/** What a token may be used for; each only narrows what its user's role already allows. */
export const API_TOKEN_SCOPES = ["read", "escalate", "claim", "admin"] as const;
export type TApiTokenScope = (typeof API_TOKEN_SCOPES)[number];

/**
 * Every token expires: a leaked secret that never does is the one a scanner finds years later.
 * The longest choice is a year; automation rotates within it.
 */
export const API_TOKEN_LIFETIME_DAYS = [7, 30, 90, 365] as const;
export const DEFAULT_API_TOKEN_LIFETIME_DAYS = 90;

/** Every secret starts with this, so secret scanners (and people) recognise a leaked one. */
export const API_TOKEN_PREFIX = "hnd_";

export const API_TOKEN_NAME_MAX = 80;
