import type { TrackedEnvelope } from "@trpc/server";
import { TRPCError } from "@trpc/server";
import { hasRoleAtLeast } from "../domain/roles.ts";
import { ZOnEventInput } from "../schemas/inputs.ts";
import type { TEscalationEvent } from "../schemas/outputs.ts";
import { trackedDataFrame } from "../services/stream/stream-frame.ts";
import type { TStreamSink } from "../services/stream/stream-hub.ts";
import { authedProcedure, router } from "../trpc.ts";
import { wireIdOf } from "../ws-codec.ts";
import { liveStream } from "./live-stream.ts";

/** The JSON-RPC id of the subscription, stamped by the WebSocket codec (see ws-codec.ts). */
const subscriptionProcedure = authedProcedure.use(async ({ getRawInput, next }) =>
  next({ ctx: { wireId: wireIdOf(await getRawInput()) } }),
);

export const escalationRouter = router({
  /**
   * Typed as the tracked events the client receives; the account's hub writes each one straight to
   * the socket (one serialisation for all subscribers, no per-subscriber iterator), so the generator
   * itself only lives as long as the stream and yields nothing.
   */
  onEvent: subscriptionProcedure.input(ZOnEventInput).subscription(async function* ({
    ctx,
    input,
    signal,
  }): AsyncGenerator<TrackedEnvelope<TEscalationEvent>> {
    const socket = ctx.transport.socketStreams;
    const { wireId } = ctx;
    if (!socket || wireId === null) {
      throw new TRPCError({
        code: "METHOD_NOT_SUPPORTED",
        message: "The live stream is served over WebSocket only, at /trpc.",
      });
    }
    // ENGINEER+ follow the whole stream, queue cards included. A VIEWER has no queue, only the
    // session and handoff pages it may read anyway: it gets the session.updated events (and resync
    // notices), which is what keeps those pages live, and no handoff.* cards.
    const canSeeQueue = hasRoleAtLeast(ctx.viewer.role, "engineer");
    const sink: TStreamSink = {
      wants: (item) => canSeeQueue || item.event.kind !== "handoff",
      deliver: (item) => socket.send(trackedDataFrame(wireId, item)),
    };
    // An engineer demoted mid-stream loses it (FORBIDDEN): their next one is a VIEWER's.
    yield* liveStream<never>(ctx, signal, canSeeQueue ? "engineer" : "viewer", (stream) =>
      ctx.deps.streams.follow({
        accountId: ctx.viewer.accountId,
        lastEventId: input.lastEventId,
        signal: stream,
        sink,
      }),
    );
  }),
});
