import { describe, expect, it } from "vitest";
import { WIRE_ID_KEY, wireIdOf, wsMessageCodec } from "./ws-codec.ts";

const subscribe = (id: unknown, input?: unknown, path = "escalation.onEvent") =>
  JSON.stringify({ id, method: "subscription", params: { path, input } });

describe("the WebSocket codec", () => {
  it("tells the live stream its subscription's id, in its raw input", () => {
    const decoded = wsMessageCodec.decode(subscribe(7, { json: { lastEventId: "e:3" } })) as {
      params: { input: { json: Record<string, unknown> } };
    };
    expect(decoded.params.input.json).toEqual({ lastEventId: "e:3", [WIRE_ID_KEY]: 7 });
    expect(wireIdOf(decoded.params.input.json)).toBe(7);
  });

  it("stamps a subscription sent without input, and each one of a batch", () => {
    const batch = wsMessageCodec.decode(`[${subscribe("a")},${subscribe(2)}]`) as {
      params: { input: { json: unknown } };
    }[];
    expect(batch.map((message) => wireIdOf(message.params.input.json))).toEqual(["a", 2]);
  });

  it("overwrites an id a client put there itself", () => {
    const decoded = wsMessageCodec.decode(subscribe(3, { json: { [WIRE_ID_KEY]: 99 } })) as {
      params: { input: { json: unknown } };
    };
    expect(wireIdOf(decoded.params.input.json)).toBe(3);
  });

  it("leaves other procedures' messages as they came", () => {
    const other = subscribe(4, { json: { handoffId: "h1" } }, "presence.view");
    expect(wsMessageCodec.decode(other)).toEqual(JSON.parse(other));
    const query = JSON.stringify({ id: 5, method: "query", params: { path: "escalation.onEvent" } });
    expect(wsMessageCodec.decode(query)).toEqual(JSON.parse(query));
    expect(wireIdOf({ lastEventId: null })).toBeNull();
  });

  it("refuses binary frames and encodes as plain JSON", () => {
    expect(() => wsMessageCodec.decode(new Uint8Array([1]))).toThrow("text frame");
    expect(wsMessageCodec.encode({ id: 1, result: { type: "started" } })).toBe(
      '{"id":1,"result":{"type":"started"}}',
    );
  });
});
