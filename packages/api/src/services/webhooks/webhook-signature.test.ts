// Signing against the Standard Webhooks spec's own example, and which secrets sign around a rotation.
import { randomBytes } from "node:crypto";
import type { WebhookEndpoint } from "@handoff/db";
import { describe, expect, it } from "vitest";
import { createSecretBox } from "../psa/secret-box.ts";
import { signingSecrets } from "./webhook-delivery.ts";
import { generateWebhookSecret, signatureHeaders } from "./webhook-signature.ts";

describe("signatureHeaders", () => {
  it("signs the spec's example message as the spec says", () => {
    const headers = signatureHeaders(
      {
        id: "msg_p5jXN8AQM9LWM0D4loKWxJek",
        timestamp: new Date(1614265330_000),
        body: '{"test": 2432232314}',
      },
      ["whsec_MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw"],
    );
    expect(headers).toEqual({
      "webhook-id": "msg_p5jXN8AQM9LWM0D4loKWxJek",
      "webhook-timestamp": "1614265330",
      "webhook-signature": "v1,g0hM9SsE+OTPJTGt/tmIKtSyZlE3uFJELVlNIOLJ1OE=",
    });
  });

  it("carries one signature per secret, space-separated", () => {
    const headers = signatureHeaders({ id: "msg_1", timestamp: new Date(), body: "{}" }, [
      generateWebhookSecret(),
      generateWebhookSecret(),
    ]);
    expect(headers["webhook-signature"]).toMatch(/^v1,[A-Za-z0-9+/]+=* v1,[A-Za-z0-9+/]+=*$/);
  });
});

describe("signingSecrets", () => {
  const box = createSecretBox(randomBytes(32));
  const [current, previous] = [generateWebhookSecret(), generateWebhookSecret()];
  const rotatedUntil = new Date("2026-12-07T12:00:00Z");
  const endpoint = {
    accountId: "account-1",
    sealedSecret: box.seal(current, "account-1"),
    sealedPreviousSecret: box.seal(previous, "account-1"),
    previousSecretUntil: rotatedUntil,
  } as WebhookEndpoint;

  it("signs with the new secret, then the old one, while the grace period lasts", () => {
    expect(signingSecrets(box, endpoint, new Date(rotatedUntil.getTime() - 1_000))).toEqual([
      current,
      previous,
    ]);
  });

  it("signs with the new secret alone once it is over", () => {
    expect(signingSecrets(box, endpoint, rotatedUntil)).toEqual([current]);
  });
});
