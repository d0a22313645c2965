import { tracked } from "@trpc/server";
import { ZOnEventInput } from "../schemas/inputs.ts";
import { streamEscalationEvents } from "../services/escalation-stream.ts";
import { watchLogin } from "../services/login-watch.ts";
import { engineerProcedure, router, toTRPCError } from "../trpc.ts";

export const escalationRouter = router({
  onEvent: engineerProcedure.input(ZOnEventInput).subscription(async function* ({ ctx, input, signal }) {
    const stream = new AbortController();
    const onClientGone = () => stream.abort();
    signal?.addEventListener("abort", onClientGone, { once: true });
    const login = watchLogin({
      prisma: ctx.deps.prisma,
      token: ctx.transport.authToken,
      viewer: ctx.viewer,
      minimumRole: "engineer",
      intervalMs: ctx.deps.authRecheckMs,
      onLost: () => stream.abort(),
    });
    try {
      const items = streamEscalationEvents(ctx.deps, {
        accountId: ctx.viewer.accountId,
        lastEventId: input.lastEventId,
        signal: stream.signal,
      });
      for await (const item of items) yield tracked(item.id, item.event);
      if (login.lostReason) throw toTRPCError(login.lostReason);
    } finally {
      login.stop();
      signal?.removeEventListener("abort", onClientGone);
      stream.abort();
    }
  }),
});
