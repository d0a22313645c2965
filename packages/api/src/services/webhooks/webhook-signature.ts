// Signing per the Standard Webhooks spec (standardwebhooks.com): the secret is "whsec_" + base64 of
// random bytes, and each signature is "v1," + base64(HMAC-SHA256(secret bytes, "id.timestamp.body")).
// While a rotation's grace period lasts, the old secret signs too: the header then carries both,
// space-separated, and a receiver holding either one verifies.
import { createHmac, randomBytes } from "node:crypto";

const SECRET_PREFIX = "whsec_";
const SECRET_BYTES = 32;

export function generateWebhookSecret(): string {
  return `${SECRET_PREFIX}${randomBytes(SECRET_BYTES).toString("base64")}`;
}

/** The three headers of one delivery attempt; `secrets` are the endpoint's current ones, newest first. */
export function signatureHeaders(
  message: { id: string; timestamp: Date; body: string },
  secrets: readonly string[],
): Record<"webhook-id" | "webhook-timestamp" | "webhook-signature", string> {
  const timestamp = String(Math.floor(message.timestamp.getTime() / 1000));
  const signed = `${message.id}.${timestamp}.${message.body}`;
  const signatures = secrets.map((secret) => {
    const key = Buffer.from(secret.slice(SECRET_PREFIX.length), "base64");
    return `v1,${createHmac("sha256", key).update(signed).digest("base64")}`;
  });
  return {
    "webhook-id": message.id,
    "webhook-timestamp": timestamp,
    "webhook-signature": signatures.join(" "),
  };
}
