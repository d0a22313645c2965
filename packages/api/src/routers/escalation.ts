import { TRPCError } from "@trpc/server";
import { ZOnEventInput } from "../schemas/inputs.ts";
import { authedProcedure, router } from "../trpc.ts";

export const escalationRouter = router({
  /**
   * The live escalation stream: tracked events, resumable from the last event id. Over WebSocket
   * only. Its middleware (login, API token scope, input) runs for every subscriber however it is
   * served: the server's fast path calls this procedure too, and attaches to the source it returns
   * (@handoff/live's wire-session.ts) instead of iterating it as tRPC's adapter would.
   */
  onEvent: authedProcedure.input(ZOnEventInput).subscription(({ ctx, input, signal }) => {
    const { transport } = ctx;
    if (!transport.isLongLived) {
      throw new TRPCError({
        code: "METHOD_NOT_SUPPORTED",
        message: "The live stream is served over WebSocket only, at /trpc.",
      });
    }
    return ctx.deps.live.escalations({
      viewer: ctx.viewer,
      authToken: transport.authToken,
      socket: transport.socketStreams,
      lastEventId: input.lastEventId,
      signal,
    });
  }),
});
