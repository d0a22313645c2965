// Known-device tokens (OWASP "device cookies"): after a successful sign-in the browser keeps a token
// signed for that email, so a later attempt from it can be told apart from a guesser's.
import { createHmac, randomBytes, timingSafeEqual } from "node:crypto";

export type KnownDeviceSigner = {
  /** A fresh token for `email`: `<nonce>.<signature>`. */
  issue(email: string): string;
  /** The token's nonce when it was signed for `email`, otherwise null. */
  verify(email: string, token: string | null): string | null;
};

export function createKnownDeviceSigner(secret: string): KnownDeviceSigner {
  const sign = (email: string, nonce: string) =>
    createHmac("sha256", secret).update(`${email.toLowerCase()}\n${nonce}`).digest("base64url");

  return {
    issue(email) {
      const nonce = randomBytes(16).toString("base64url");
      return `${nonce}.${sign(email, nonce)}`;
    },
    verify(email, token) {
      const [nonce, signature, ...rest] = token?.split(".") ?? [];
      if (!nonce || !signature || rest.length > 0) return null;
      const expected = Buffer.from(sign(email, nonce));
      const given = Buffer.from(signature);
      return expected.length === given.length && timingSafeEqual(expected, given) ? nonce : null;
    },
  };
}
