import { TRPCError, tracked } from "@trpc/server";
import { ZOnEventInput } from "../schemas/inputs.ts";
import { resolveViewer } from "../services/auth-service.ts";
import { streamEscalationEvents } from "../services/escalation-stream.ts";
import { engineerProcedure, router } from "../trpc.ts";

export const escalationRouter = router({
  onEvent: engineerProcedure.input(ZOnEventInput).subscription(async function* ({ ctx, input, signal }) {
    // A socket outlives logins: re-check ours while streaming and end with UNAUTHORIZED once it is gone.
    const stream = new AbortController();
    const onClientGone = () => stream.abort();
    signal?.addEventListener("abort", onClientGone, { once: true });
    let isLoginGone = false;
    const recheck = setInterval(async () => {
      const viewer = await resolveViewer(ctx.deps.prisma, ctx.transport.authToken).catch(() => undefined);
      if (viewer === null) {
        isLoginGone = true;
        stream.abort();
      }
    }, ctx.deps.authRecheckMs);

    try {
      const items = streamEscalationEvents(ctx.deps, {
        accountId: ctx.viewer.accountId,
        lastEventId: input.lastEventId,
        signal: stream.signal,
      });
      for await (const item of items) yield tracked(item.id, item.event);
      if (isLoginGone) {
        throw new TRPCError({
          code: "UNAUTHORIZED",
          message: "Your session has ended. Please sign in again.",
        });
      }
    } finally {
      clearInterval(recheck);
      signal?.removeEventListener("abort", onClientGone);
      stream.abort();
    }
  }),
});
