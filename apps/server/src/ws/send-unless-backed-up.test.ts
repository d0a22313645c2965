import { describe, expect, it } from "vitest";
import {
  sendUnlessBackedUp,
  WS_CLOSE_TRY_AGAIN_LATER,
  WS_MAX_BUFFERED_BYTES,
} from "./send-unless-backed-up.ts";

function socket(state: { readyState?: number; bufferedAmount?: number } = {}) {
  const sent: string[] = [];
  const closed: [number | undefined, string | undefined][] = [];
  return {
    sent,
    closed,
    OPEN: 1 as const,
    readyState: (state.readyState ?? 1) as 0 | 1 | 2 | 3,
    bufferedAmount: state.bufferedAmount ?? 0,
    send: (frame: unknown) => void sent.push(String(frame)),
    close: (code?: number, reason?: string | Buffer) => void closed.push([code, reason?.toString()]),
  };
}

describe("sending a stream frame", () => {
  it("sends to an open socket that keeps up", () => {
    const open = socket({ bufferedAmount: WS_MAX_BUFFERED_BYTES });
    sendUnlessBackedUp(open, "frame");
    expect(open.sent).toEqual(["frame"]);
    expect(open.closed).toEqual([]);
  });

  it("cuts off a client that stopped reading, so it reconnects and resumes", () => {
    const stuck = socket({ bufferedAmount: WS_MAX_BUFFERED_BYTES + 1 });
    sendUnlessBackedUp(stuck, "frame");
    expect(stuck.sent).toEqual([]);
    expect(stuck.closed).toEqual([[WS_CLOSE_TRY_AGAIN_LATER, "Too far behind: reconnect"]]);
  });

  it("drops frames for a socket that is closing", () => {
    const closing = socket({ readyState: 2 });
    sendUnlessBackedUp(closing, "frame");
    expect(closing.sent).toEqual([]);
    expect(closing.closed).toEqual([]);
  });
});
