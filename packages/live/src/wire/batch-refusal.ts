// A WebSocket message holding several calls (wsLink batches the calls of one moment) that the
// server does not run: an auth.* call beside others (see @handoff/api's batching.ts). Every call in
// it is answered with the same BAD_REQUEST, and none runs.
import { batchRefusal } from "@handoff/api";
import { TRPCError } from "@trpc/server";
import { errorFrame, type TWireId } from "./trpc-wire.ts";

type TGlancedCall = { id?: unknown; params?: { path?: unknown } };

const pathOf = (call: TGlancedCall) => (typeof call.params?.path === "string" ? call.params.path : "");
const isWireId = (id: unknown): id is TWireId => typeof id === "string" || typeof id === "number";

/** The frames answering each call of a refused batch, or null when the batch may run. */
export function batchRefusalFrames(items: readonly unknown[]): string[] | null {
  const calls = items.map((item) => (item ?? {}) as TGlancedCall);
  const refusal = batchRefusal(calls.map(pathOf));
  if (!refusal) return null;
  const error = new TRPCError({ code: "BAD_REQUEST", message: refusal });
  return calls.flatMap((call) =>
    isWireId(call.id) ? [errorFrame(call.id, error, { path: pathOf(call) }).frame] : [],
  );
}
