// tRPC's WebSocket wire format for what the server answers itself (the live escalation stream):
// what tRPC's adapter would send to wsLink (it echoes no `jsonrpc` field), errors shaped by the
// router's own error formatter.
import { appRouter } from "@handoff/api";
import {
  getErrorShape,
  getTRPCErrorFromUnknown,
  parseTRPCMessage,
  type TRPCError,
  transformTRPCResponse,
} from "@trpc/server/unstable-core-do-not-import";

/** A JSON-RPC request id, as a client chose it (null answers a message that had none). */
export type TWireId = string | number;

export type TWireRequest = ReturnType<typeof parseTRPCMessage>;

const config = appRouter._def._config;

/** Checks a decoded message's shape and deserialises its input; throws on anything malformed. */
export function parseWireRequest(message: unknown): TWireRequest {
  return parseTRPCMessage(message, config.transformer);
}

/** A result's data as the router's transformer writes it (superjson). */
export function serializeResultData(data: unknown): unknown {
  return config.transformer.output.serialize(data);
}

export const RECONNECT_NOTICE = JSON.stringify({ id: null, method: "reconnect" });

export function startedFrame(id: TWireId): string {
  return JSON.stringify({ id, result: { type: "started" } });
}

export function stoppedFrame(id: TWireId): string {
  return JSON.stringify({ id, result: { type: "stopped" } });
}

export function errorFrame(
  id: TWireId | null,
  cause: unknown,
  request: { path?: string; input?: unknown } = {},
): { frame: string; error: TRPCError } {
  const error = getTRPCErrorFromUnknown(cause);
  const shape = getErrorShape({
    config,
    error,
    type: "subscription",
    path: request.path,
    input: request.input,
    ctx: undefined,
  });
  return { frame: JSON.stringify(transformTRPCResponse(config, { id, error: shape })), error };
}
