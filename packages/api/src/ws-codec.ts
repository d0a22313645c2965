// The tRPC WebSocket codec: JSON both ways, and one addition on the way in. The live escalation
// stream writes its events straight to the socket (see services/stream/stream-frame.ts), so its
// procedure must know the JSON-RPC id of the subscription it answers, which tRPC keeps to itself:
// the decoder stamps it into that subscription's input, overwriting anything a client put there.
// Over HTTP nothing is stamped, and the procedure refuses to run (it needs a socket anyway).

/** A JSON-RPC request id, as a client chose it. */
export type TWireId = string | number;

/** Procedures whose input carries their subscription's JSON-RPC id. */
const DIRECT_STREAM_PATHS = new Set(["escalation.onEvent"]);

/** Where in the raw input the id goes; never part of a procedure's validated input. */
export const WIRE_ID_KEY = "__wireSubscriptionId";

type TRequestMessage = {
  id?: unknown;
  method?: unknown;
  params?: { path?: unknown; input?: { json?: unknown; meta?: unknown } | null };
};

function isObject(value: unknown): value is Record<string, unknown> {
  return typeof value === "object" && value !== null && !Array.isArray(value);
}

function stampWireId(message: TRequestMessage): void {
  const { id, method, params } = message;
  if (method !== "subscription" || !isObject(params) || !DIRECT_STREAM_PATHS.has(params.path as string))
    return;
  if (typeof id !== "string" && typeof id !== "number") return;
  const input = isObject(params.input) ? params.input : {};
  const json = isObject(input.json) ? input.json : {};
  params.input = { ...input, json: { ...json, [WIRE_ID_KEY]: id } };
}

export const wsMessageCodec = {
  encode: (message: unknown): string => JSON.stringify(message),
  decode(data: string | ArrayBuffer | Uint8Array): unknown {
    if (typeof data !== "string") throw new Error("Expected a text frame: this server speaks JSON.");
    const message: unknown = JSON.parse(data);
    for (const item of Array.isArray(message) ? message : [message]) {
      if (isObject(item)) stampWireId(item as TRequestMessage);
    }
    return message;
  },
};

/** The stamped id in a procedure's raw input, if the WebSocket transport stamped one. */
export function wireIdOf(rawInput: unknown): TWireId | null {
  const id = isObject(rawInput) ? rawInput[WIRE_ID_KEY] : undefined;
  return typeof id === "string" || typeof id === "number" ? id : null;
}
