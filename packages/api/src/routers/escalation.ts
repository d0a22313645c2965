import { tracked } from "@trpc/server";
import { AppError } from "../domain/app-error.ts";
import { hasRoleAtLeast } from "../domain/roles.ts";
import { ZOnEventInput } from "../schemas/inputs.ts";
import { authedProcedure, router, toTRPCError } from "../trpc.ts";

export const escalationRouter = router({
  onEvent: authedProcedure.input(ZOnEventInput).subscription(async function* ({ ctx, input, signal }) {
    const { deps, transport, viewer } = ctx;
    // ENGINEER+ follow the whole stream, queue cards included. A VIEWER has no queue, only the
    // session and handoff pages it may read anyway: it gets the session.updated events (and resync
    // notices), which is what keeps those pages live, and no handoff.* cards.
    const canSeeQueue = hasRoleAtLeast(viewer.role, "engineer");
    const releaseSlot = asTRPCError(() => deps.streamAdmission.admit(viewer, transport.socketStreams));
    const stream = new AbortController();
    const onClientGone = () => stream.abort();
    signal?.addEventListener("abort", onClientGone, { once: true });
    let lostReason: AppError | null = null;
    const stopWatching = deps.logins.watch({
      // Always set for a signed-in viewer; an empty token would simply count as signed out.
      token: transport.authToken ?? "",
      viewer,
      // An engineer demoted mid-stream loses it (FORBIDDEN): their next one is a VIEWER's.
      minimumRole: canSeeQueue ? "engineer" : "viewer",
      onLost(reason) {
        lostReason = reason;
        stream.abort();
      },
    });
    try {
      const items = deps.streams.stream({
        accountId: viewer.accountId,
        lastEventId: input.lastEventId,
        signal: stream.signal,
      });
      for await (const item of items) {
        if (canSeeQueue || item.event.kind !== "handoff") yield tracked(item.id, item.event);
      }
      if (lostReason) throw toTRPCError(lostReason);
    } finally {
      stopWatching();
      releaseSlot();
      signal?.removeEventListener("abort", onClientGone);
      stream.abort();
    }
  }),
});

/** A generator's body runs after the error-mapping middleware, so it maps its own service errors. */
function asTRPCError<T>(work: () => T): T {
  try {
    return work();
  } catch (error) {
    throw error instanceof AppError ? toTRPCError(error) : error;
  }
}
