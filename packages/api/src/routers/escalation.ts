import type { TrackedEnvelope } from "@trpc/server";
import { TRPCError } from "@trpc/server";
import { ZOnEventInput } from "../schemas/inputs.ts";
import type { TEscalationEvent } from "../schemas/outputs.ts";
import { authedProcedure, router } from "../trpc.ts";

export const escalationRouter = router({
  /**
   * The live escalation stream: tracked events, resumable from the last event id. This declares its
   * contract; the server's WebSocket transport serves it itself (services/stream/escalation-stream.ts,
   * one serialisation per event for every subscriber), so tRPC only ever runs it over HTTP, where
   * it is refused.
   */
  onEvent: authedProcedure
    .input(ZOnEventInput)
    // biome-ignore lint/correctness/useYield: never reached over WebSocket; refused anywhere else.
    .subscription(async function* (): AsyncGenerator<TrackedEnvelope<TEscalationEvent>> {
      throw new TRPCError({
        code: "METHOD_NOT_SUPPORTED",
        message: "The live stream is served over WebSocket only, at /trpc.",
      });
    }),
});
