import superjson from "superjson";
import { describe, expect, it } from "vitest";
import { shareAcrossSubscribers, transformer, wsMessageEncoder } from "./transformer.ts";

/** What the tRPC ws adapter hands its encoder for one tracked event of one subscriber. */
function wireMessage(operationId: number, eventId: string, event: object) {
  return {
    id: operationId,
    jsonrpc: "2.0",
    result: { type: "data", id: eventId, data: transformer.output.serialize({ id: eventId, data: event }) },
  };
}

const event = () => ({
  kind: "handoff",
  type: "handoff.created",
  seq: 7,
  handoff: { id: "h1", notes: null },
});

describe("serialise once for every subscriber", () => {
  it("sends a shared event exactly as superjson and JSON.stringify would", () => {
    const shared = shareAcrossSubscribers(event());
    for (const operationId of [1, 42]) {
      const text = wsMessageEncoder.encode(wireMessage(operationId, "epoch:7", shared));
      const expected = JSON.stringify({
        id: operationId,
        jsonrpc: "2.0",
        result: { type: "data", id: "epoch:7", data: superjson.serialize({ id: "epoch:7", data: event() }) },
      });
      expect(JSON.parse(text)).toEqual(JSON.parse(expected));
      expect(superjson.deserialize(JSON.parse(text).result.data)).toEqual({ id: "epoch:7", data: event() });
    }
  });

  it("reuses one serialisation across subscribers", () => {
    const shared = shareAcrossSubscribers(event());
    const first = transformer.output.serialize({ id: "epoch:7", data: shared });
    const second = transformer.output.serialize({ id: "epoch:7", data: shared });
    expect(second).toBe(first);
  });

  it("leaves everything else to superjson, dates and undefined included", () => {
    const value = { at: new Date(0), missing: undefined };
    expect(transformer.output.serialize(value)).toEqual(superjson.serialize(value));
    const withDate = shareAcrossSubscribers({ at: new Date(0) });
    expect(transformer.output.serialize({ id: "e:1", data: withDate })).toEqual(
      superjson.serialize({ id: "e:1", data: withDate }),
    );
    expect(wsMessageEncoder.encode({ id: 1, result: { type: "data", data: { json: 1 } } })).toBe(
      '{"id":1,"result":{"type":"data","data":{"json":1}}}',
    );
  });
});
