// Which API token scope a procedure needs. A login made with a password (the browser's cookie)
// has no scopes to check; a token's scopes only narrow what its user's role allows (the role is
// checked as well, by the procedure's own builder).
import { API_TOKEN_SCOPES, type TApiTokenScope } from "../shared/api-token-options.ts";
import { AppError } from "./app-error.ts";

/**
 * Set with `.meta()`: a scope, "any" (every token: who am I), or "none" (no token at all: the
 * login's own security, token management). Unset: queries and subscriptions need `read`, and a
 * mutation is "none", so a procedure added later is closed to tokens until it says otherwise.
 */
export type TProcedureMeta = { tokenScope?: TApiTokenScope | "any" | "none" };

type TProcedureType = "query" | "mutation" | "subscription";

export function requiredTokenScope(type: TProcedureType, meta: TProcedureMeta | undefined) {
  return meta?.tokenScope ?? (type === "mutation" ? "none" : "read");
}

/** Why a token with `scopes` may not do what needs `required`, or null when it may. */
export function tokenScopeRefusal(
  scopes: readonly TApiTokenScope[],
  required: TApiTokenScope | "any" | "none",
): AppError | null {
  if (required === "any" || (required !== "none" && scopes.includes(required))) return null;
  return new AppError(
    "FORBIDDEN",
    required === "none"
      ? "API tokens can't do this: sign in to Handoff in the browser."
      : `This API token lacks the '${required}' scope.`,
  );
}

/** The scopes stored on a row, as the API knows them (unknown words are dropped, never widened). */
export function parseScopes(stored: readonly string[]): TApiTokenScope[] {
  return API_TOKEN_SCOPES.filter((scope) => stored.includes(scope));
}
