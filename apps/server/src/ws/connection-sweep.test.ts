import { describe, expect, it } from "vitest";
import { keepAliveDue } from "./connection-sweep.ts";

const keepAlive = { pingMs: 1_000, pongWaitMs: 300 };

describe("keep-alive", () => {
  it("pings a socket silent for the ping interval, not before", () => {
    expect(keepAliveDue({ heardAt: 0, pingedAt: null }, 999, keepAlive)).toBeNull();
    expect(keepAliveDue({ heardAt: 0, pingedAt: null }, 1_000, keepAlive)).toBe("ping");
  });

  it("cuts a pinged socket that stays silent for the pong wait, and only then", () => {
    expect(keepAliveDue({ heardAt: 0, pingedAt: 1_000 }, 1_299, keepAlive)).toBeNull();
    expect(keepAliveDue({ heardAt: 0, pingedAt: 1_000 }, 1_300, keepAlive)).toBe("cut");
  });
});
