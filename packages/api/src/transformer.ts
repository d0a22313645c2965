// superjson, except for the stream events that one hub hands to many subscribers: those are
// serialised once, whatever the number of subscribers, and spliced into each subscriber's message
// by the WebSocket encoder. The wire format is exactly what superjson + JSON.stringify would send.
import type { CombinedDataTransformer } from "@trpc/server";
import superjson from "superjson";

/** A tracked event `{ id, data }` already in superjson's wire form; JSON.stringify still works on it. */
export class PreSerializedEvent {
  readonly id: string;
  readonly text: string;
  constructor(id: string, text: string) {
    this.id = id;
    this.text = text;
  }
  toJSON(): unknown {
    return JSON.parse(this.text);
  }
}

/** The serialised form of each shared event's `data`; null when superjson needs metadata for it. */
const sharedEvents = new WeakMap<object, { dataJson: string; byId?: PreSerializedEvent }>();

/** Marks an event handed unchanged to many subscribers, so it is serialised once for all of them. */
export function shareAcrossSubscribers<T extends object>(event: T): T {
  const { json, meta } = superjson.serialize(event);
  // Values superjson annotates (dates, undefined…) take the ordinary path, per subscriber.
  if (meta === undefined) sharedEvents.set(event, { dataJson: JSON.stringify(json) });
  return event;
}

function preSerialized(value: unknown): PreSerializedEvent | null {
  if (typeof value !== "object" || value === null) return null;
  const { id, data } = value as { id?: unknown; data?: unknown };
  if (typeof id !== "string" || typeof data !== "object" || data === null) return null;
  const shared = sharedEvents.get(data);
  if (!shared || Object.keys(value).length !== 2) return null;
  if (shared.byId?.id !== id) {
    shared.byId = new PreSerializedEvent(
      id,
      `{"json":{"id":${JSON.stringify(id)},"data":${shared.dataJson}}}`,
    );
  }
  return shared.byId;
}

export const transformer: CombinedDataTransformer = {
  input: superjson,
  output: {
    serialize: (value: unknown) => preSerialized(value) ?? superjson.serialize(value),
    deserialize: (value: Parameters<typeof superjson.deserialize>[0]) => superjson.deserialize(value),
  },
};

type TWireMessage = { result?: { data?: unknown } & Record<string, unknown> } & Record<string, unknown>;

/**
 * The tRPC WebSocket encoder: JSON, with a pre-serialised event copied in as text instead of
 * being stringified again for every subscriber.
 */
export const wsMessageEncoder = {
  encode(message: unknown): string {
    const wire = message as TWireMessage;
    const data = wire?.result?.data;
    if (!(data instanceof PreSerializedEvent)) return JSON.stringify(message);
    const { result, ...envelope } = wire;
    const { data: _preSerialized, ...resultWithoutData } = result as Record<string, unknown>;
    // `{…,"result":{…}}` with `result` last: reopen both objects and append the data.
    const head = JSON.stringify({ ...envelope, result: resultWithoutData });
    return `${head.slice(0, -2)},"data":${data.text}}}`;
  },
  decode(data: string | ArrayBuffer | Uint8Array): unknown {
    if (typeof data !== "string") throw new Error("Expected a text frame: this server speaks JSON.");
    return JSON.parse(data);
  },
};
