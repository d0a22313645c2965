// What every live subscription shares: a slot under the stream caps, its login watched (signed out,
// deactivated or demoted: the stream ends with that reason), and one signal that ends its source
// when the client goes, the login is lost or the generator is left.
import type { Context } from "../context.ts";
import { AppError } from "../domain/app-error.ts";
import type { TRole } from "../schemas/enums.ts";
import type { TAuthedViewer } from "../services/auth-service.ts";
import { toTRPCError } from "../trpc.ts";

export async function* liveStream<T>(
  ctx: Context & { viewer: TAuthedViewer },
  clientSignal: AbortSignal | undefined,
  minimumRole: TRole,
  /** The stream's source: items to yield, or work that delivers them itself and settles at the end. */
  open: (signal: AbortSignal) => AsyncIterable<T> | Promise<void>,
): AsyncGenerator<T> {
  const { deps, transport, viewer } = ctx;
  const releaseSlot = asTRPCError(() => deps.streamAdmission.admit(viewer, transport.socketStreams));
  const stream = new AbortController();
  const onClientGone = () => stream.abort();
  clientSignal?.addEventListener("abort", onClientGone, { once: true });
  // Always set for a signed-in viewer; an empty token would simply count as signed out.
  const token = transport.authToken ?? "";
  let lostReason: AppError | null = null;
  const stopWatching = deps.logins.watch({
    token,
    viewer,
    minimumRole,
    onLost(reason) {
      lostReason = reason;
      // The connection's next call must not be let in on a cached, now revoked, login.
      deps.connectionLogins.forget(token);
      stream.abort();
    },
  });
  try {
    try {
      const source = open(stream.signal);
      if (source instanceof Promise) await source;
      else yield* source;
    } catch (error) {
      throw error instanceof AppError ? toTRPCError(error) : error;
    }
    if (lostReason) throw toTRPCError(lostReason);
  } finally {
    stopWatching();
    releaseSlot();
    clientSignal?.removeEventListener("abort", onClientGone);
    stream.abort();
  }
}

/** A generator's body runs after the error-mapping middleware, so it maps its own service errors. */
function asTRPCError<T>(work: () => T): T {
  try {
    return work();
  } catch (error) {
    throw error instanceof AppError ? toTRPCError(error) : error;
  }
}
