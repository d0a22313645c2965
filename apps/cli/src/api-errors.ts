// What went wrong, in words for the person at the terminal, and the exit code for scripts:
// 1 when the server refused or could not be reached, 2 for wrong use (UsageError).
import { TRPCClientError } from "@trpc/client";
import { UsageError } from "./config.ts";

export type TFailure = { code: string; message: string; exitCode: 1 | 2 };

export function errorCode(error: unknown): string | null {
  return error instanceof TRPCClientError
    ? ((error.data as { code?: string } | undefined)?.code ?? null)
    : null;
}

export function describeFailure(error: unknown, serverUrl: string | null): TFailure {
  if (error instanceof UsageError) return { code: "USAGE", message: error.message, exitCode: 2 };
  const code = errorCode(error);
  if (code === "UNAUTHORIZED") {
    return {
      code,
      message:
        "The server refused the token (revoked, expired, or its user deactivated): run `handoff login` with a new one.",
      exitCode: 1,
    };
  }
  if (code !== null) return { code, message: (error as Error).message, exitCode: 1 };
  if (error instanceof TRPCClientError)
    return {
      code: "NETWORK",
      message: `Can't reach ${serverUrl ?? "the server"}: ${error.message}`,
      exitCode: 1,
    };
  return { code: "ERROR", message: error instanceof Error ? error.message : String(error), exitCode: 1 };
}
