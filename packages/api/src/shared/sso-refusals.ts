// Why a single sign-on did not sign someone in. The server redirects to /login?sso_error=<code>
// and the login page shows the message: a code, never text, travels in the URL, so a crafted link
// cannot make the page say something else. Zod-free, so the browser can load it.

export const SSO_REFUSALS = {
  /** The sign-in's cookie is missing, expired or not this server's (a replayed or stale callback). */
  expired: "That single sign-on had expired or was already used. Start again.",
  /** The provider's answer carried another sign-in's `state`. */
  state: "That single sign-on answer was not for this sign-in. Start again.",
  /** The ID token was issued for another sign-in (its `nonce`). */
  nonce: "That single sign-on answer was not for this sign-in. Start again.",
  /** The provider said no (the person cancelled, or the app is not allowed for them). */
  provider: "Your identity provider did not sign you in. Try again, or ask your admin.",
  /** The provider's answer failed a check (issuer, audience, signature, expiry, code). */
  rejected: "Your identity provider's answer could not be verified. Start again, or ask your admin.",
  unverified: "Your identity provider has not verified your email address, so Handoff cannot match it.",
  unknown_user:
    "Your identity provider signed you in, but that email has no active login in this Handoff account. Ask your admin to invite you.",
  owner_untrusted:
    "The account owner signs in with a password until they save the single sign-on settings themselves.",
  not_configured:
    "Single sign-on is not set up for that email or organisation. Sign in with your password, or ask your admin.",
  ambiguous:
    "More than one organisation uses single sign-on for that email's domain: type your organisation's sign-in name instead.",
  unavailable:
    "Single sign-on is not available right now: your identity provider could not be reached. Try again in a moment.",
} as const;

export type TSsoRefusal = keyof typeof SSO_REFUSALS;

export function ssoRefusalMessage(code: string | null): string | null {
  if (code === null) return null;
  return Object.hasOwn(SSO_REFUSALS, code) ? SSO_REFUSALS[code as TSsoRefusal] : SSO_REFUSALS.rejected;
}

/** The form field the login page posts to /auth/sso/start: an email, or the account's sign-in name. */
export const SSO_START_FIELD = "identifier";
export const SSO_PASSWORD_OFF_MESSAGE =
  'Your organisation signs in with single sign-on: use "Sign in with SSO".';
