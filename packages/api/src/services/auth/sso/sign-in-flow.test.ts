import { randomBytes } from "node:crypto";
import { describe, expect, it } from "vitest";
import { createSecretBox } from "../../psa/secret-box.ts";
import { openSignInFlow, SIGN_IN_FLOW_TTL_MS, safeNextPath, sealSignInFlow } from "./sign-in-flow.ts";

describe("a sign-in's sealed flow", () => {
  const box = createSecretBox(randomBytes(32));
  const flow = {
    accountId: "account-1",
    checks: { state: "state-1", nonce: "nonce-1", codeVerifier: "verifier-1" },
    next: "/sessions",
  };

  it("opens under the same key until it expires", () => {
    const sealed = sealSignInFlow(box, flow, 1_000);
    expect(openSignInFlow(box, sealed, 1_000 + SIGN_IN_FLOW_TTL_MS - 1)).toMatchObject(flow);
    expect(openSignInFlow(box, sealed, 1_000 + SIGN_IN_FLOW_TTL_MS)).toBeNull();
  });

  it("does not open when altered, sealed under another key or for something else, or missing", () => {
    const sealed = sealSignInFlow(box, flow, 1_000);
    const altered = `${sealed.slice(0, -2)}${sealed.endsWith("A") ? "B" : "A"}A`;
    expect(openSignInFlow(box, altered, 1_000)).toBeNull();
    expect(openSignInFlow(createSecretBox(randomBytes(32)), sealed, 1_000)).toBeNull();
    expect(openSignInFlow(box, box.seal(JSON.stringify(flow), "account-1"), 1_000)).toBeNull();
    expect(openSignInFlow(box, null, 1_000)).toBeNull();
  });
});

describe("the path opened after signing in", () => {
  it("is a path of this app only", () => {
    for (const path of ["/", "/sessions", "/handoffs/abc?tab=notes#x"]) expect(safeNextPath(path)).toBe(path);
    for (const path of [
      "//evil.example",
      "/\\evil.example",
      "/\t/evil.example",
      "/\n/evil.example",
      "https://evil.example",
      "evil",
      "",
      null,
    ])
      expect(safeNextPath(path)).toBeNull();
  });
});
