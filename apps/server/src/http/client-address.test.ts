import type { IncomingMessage } from "node:http";
import { describe, expect, it } from "vitest";
import { clientIpOf } from "./client-address.ts";

const request = (forwardedFor?: string) =>
  ({
    headers: forwardedFor ? { "x-forwarded-for": forwardedFor } : {},
    socket: { remoteAddress: "10.0.0.5" },
  }) as unknown as IncomingMessage;

describe("clientIpOf", () => {
  it("ignores X-Forwarded-For unless the proxy is trusted", () => {
    expect(clientIpOf(request("203.0.113.9"), { isProxyTrusted: false })).toBe("10.0.0.5");
  });

  it("believes only the entry our proxy appended, not what the client sent before it", () => {
    expect(clientIpOf(request("6.6.6.6, 203.0.113.9"), { isProxyTrusted: true })).toBe("203.0.113.9");
  });

  it("falls back to the socket address", () => {
    expect(clientIpOf(request(), { isProxyTrusted: true })).toBe("10.0.0.5");
  });
});
