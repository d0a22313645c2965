// Refuses an HTTP batch that is too large or carries an auth.* call beside others, before any of its
// calls runs: a request can then carry one password guess at most (see @handoff/api's batching.ts).
import { batchRefusal, MAX_BATCH_CALLS } from "@handoff/api";
import { TRPCError } from "@trpc/server";
import type { TRPCRequestInfo } from "@trpc/server/http";

/** Throws BAD_REQUEST for a batch the server does not run; tRPC then answers each call with it. */
export function refuseUnsafeBatch(info: Pick<TRPCRequestInfo, "isBatchCall" | "calls">): void {
  if (!info.isBatchCall) return;
  const refusal = batchRefusal(
    info.calls.map((call) => call.path),
    MAX_BATCH_CALLS,
  );
  if (refusal) throw new TRPCError({ code: "BAD_REQUEST", message: refusal });
}
