// Reading tRPC errors on the client: the error code and a message fit for a person.
import { TRPCClientError } from "@trpc/client";

export function errorCode(error: unknown): string | null {
  if (!(error instanceof TRPCClientError)) return null;
  const data = error.data as { code?: unknown } | undefined | null;
  return typeof data?.code === "string" ? data.code : null;
}

export function isUnauthorized(error: unknown): boolean {
  return errorCode(error) === "UNAUTHORIZED";
}

export function errorMessage(error: unknown): string {
  if (error instanceof TRPCClientError) {
    if (errorCode(error) === null) return "Can't reach the server. Check your connection and try again.";
    return error.message;
  }
  return error instanceof Error ? error.message : "Something went wrong.";
}

/**
 * The server's message per input field of a BAD_REQUEST, first one each, keyed by the field's path
 * ("email", or "targets.high" for a nested one).
 */
export function fieldProblems<TField extends string>(error: unknown): Partial<Record<TField, string>> {
  if (!(error instanceof TRPCClientError)) return {};
  const data = error.data as { zodError?: { byPath?: Record<string, string> } | null } | null;
  return (data?.zodError?.byPath ?? {}) as Partial<Record<TField, string>>;
}
