import { tracked } from "@trpc/server";
import { hasRoleAtLeast } from "../domain/roles.ts";
import { ZOnEventInput } from "../schemas/inputs.ts";
import { authedProcedure, router } from "../trpc.ts";
import { liveStream } from "./live-stream.ts";

export const escalationRouter = router({
  onEvent: authedProcedure.input(ZOnEventInput).subscription(async function* ({ ctx, input, signal }) {
    // ENGINEER+ follow the whole stream, queue cards included. A VIEWER has no queue, only the
    // session and handoff pages it may read anyway: it gets the session.updated events (and resync
    // notices), which is what keeps those pages live, and no handoff.* cards.
    const canSeeQueue = hasRoleAtLeast(ctx.viewer.role, "engineer");
    // An engineer demoted mid-stream loses it (FORBIDDEN): their next one is a VIEWER's.
    const items = liveStream(ctx, signal, canSeeQueue ? "engineer" : "viewer", (stream) =>
      ctx.deps.streams.stream({
        accountId: ctx.viewer.accountId,
        lastEventId: input.lastEventId,
        signal: stream,
      }),
    );
    for await (const item of items) {
      if (canSeeQueue || item.event.kind !== "handoff") yield tracked(item.id, item.event);
    }
  }),
});
