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
