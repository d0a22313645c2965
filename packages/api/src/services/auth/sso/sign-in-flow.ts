// What one single sign-on must remember between the redirect to the provider and its callback
// (the account, state, nonce and PKCE verifier, where to go next), sealed with the server's
// secret box into a short-lived cookie. The cookie is the binding to the browser that started:
// a callback URL opened anywhere else, or after the cookie is spent or expired, is refused.
import { z } from "zod";
import type { SecretBox } from "../../psa/secret-box.ts";
import type { TSignInChecks } from "./oidc-client.ts";

export const SIGN_IN_FLOW_TTL_MS = 10 * 60_000;
/** Distinct from every other sealed value, so none can be passed off as a sign-in. */
const BOUND_TO = "sso-sign-in-flow";

export type TSignInFlow = {
  accountId: string;
  checks: TSignInChecks;
  /** A path in this app to open once signed in. */
  next: string | null;
  expiresAt: number;
};

const ZSignInFlow = z.object({
  accountId: z.string(),
  checks: z.object({ state: z.string(), nonce: z.string(), codeVerifier: z.string() }),
  next: z.string().nullable(),
  expiresAt: z.number(),
});

export function sealSignInFlow(
  secrets: SecretBox,
  flow: Omit<TSignInFlow, "expiresAt">,
  now: number,
): string {
  return secrets.seal(JSON.stringify({ ...flow, expiresAt: now + SIGN_IN_FLOW_TTL_MS }), BOUND_TO);
}

/** The flow, or null when the cookie is missing, altered, sealed under another key or expired. */
export function openSignInFlow(secrets: SecretBox, sealed: string | null, now: number): TSignInFlow | null {
  if (!sealed) return null;
  let flow: TSignInFlow;
  try {
    flow = ZSignInFlow.parse(JSON.parse(secrets.open(sealed, BOUND_TO)));
  } catch {
    return null;
  }
  return flow.expiresAt > now ? flow : null;
}

/**
 * Only same-app paths: never let ?next= send someone to another site. Browsers drop tabs and
 * newlines from URLs and read a backslash as a slash, so "/\t/evil.example" would be "//evil…":
 * printable ASCII only, no backslash, and no second slash at the start.
 */
export function safeNextPath(next: string | null | undefined): string | null {
  return next && /^\/(?![/\\])[\x21-\x5b\x5d-\x7e]*$/.test(next) ? next : null;
}
