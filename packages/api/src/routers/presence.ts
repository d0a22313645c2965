// Presence over the WebSocket: a presence.view subscription is the viewing itself (it ends when the
// page is left or the socket drops); presence.onChange follows who views what across the account.
// Neither is tracked: presence is ephemeral and never enters the event log.
import { ZPresenceViewInput } from "../schemas/inputs.ts";
import { findPresenceTarget } from "../services/presence/presence-target.ts";
import { engineerProcedure, router } from "../trpc.ts";
import { liveStream } from "./live-stream.ts";

export const presenceRouter = router({
  view: engineerProcedure.input(ZPresenceViewInput).subscription(async function* ({ ctx, input, signal }) {
    const { deps, viewer } = ctx;
    yield* liveStream(ctx, signal, "engineer", async function* (stream) {
      const target = await findPresenceTarget(deps.prisma, viewer.accountId, input);
      const views = deps.live.presence.view({
        accountId: viewer.accountId,
        viewer: { id: viewer.id, name: viewer.name },
        target,
        signal: stream,
      });
      for await (const viewers of views) yield { target, viewers };
    });
  }),

  onChange: engineerProcedure.subscription(async function* ({ ctx, signal }) {
    yield* liveStream(ctx, signal, "engineer", (stream) =>
      ctx.deps.live.presence.watch({ accountId: ctx.viewer.accountId, signal: stream }),
    );
  }),
});
