// A live subscription served through tRPC: a slot under the stream caps and its login watched for
// as long as it runs (deps.live.holdSlot), and one signal that ends its source when the client
// goes, the login is lost or the generator is left.
import type { Context } from "../context.ts";
import { AppError } from "../domain/app-error.ts";
import type { TRole } from "../schemas/enums.ts";
import type { TAuthedViewer } from "../services/auth/auth-service.ts";
import { toTRPCError } from "../trpc.ts";

export async function* liveStream<T>(
  ctx: Context & { viewer: TAuthedViewer },
  clientSignal: AbortSignal | undefined,
  minimumRole: TRole,
  open: (signal: AbortSignal) => AsyncIterable<T>,
): AsyncGenerator<T> {
  const { deps, transport, viewer } = ctx;
  const stream = new AbortController();
  let lostReason: AppError | null = null;
  const slot = asTRPCError(() =>
    deps.live.holdSlot({
      authToken: transport.authToken,
      viewer,
      socket: transport.socketStreams,
      minimumRole,
      onLost(reason) {
        lostReason = reason;
        stream.abort();
      },
    }),
  );
  const onClientGone = () => stream.abort();
  clientSignal?.addEventListener("abort", onClientGone, { once: true });
  try {
    try {
      yield* open(stream.signal);
    } catch (error) {
      throw error instanceof AppError ? toTRPCError(error) : error;
    }
    if (lostReason) throw toTRPCError(lostReason);
  } finally {
    slot.release();
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
