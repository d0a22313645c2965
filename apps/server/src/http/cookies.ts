// Reads the session token a request carries and writes the session cookie. The cookie is httpOnly
// (scripts never see it) and SameSite=Lax (not sent on cross-site POSTs, which blocks CSRF).
import type { IncomingMessage } from "node:http";
import { AUTH_COOKIE_NAME } from "@handoff/api";

export type TAuthCookie = { token: string; expiresAt: Date } | null;

export function readCookie(header: string | undefined, name: string): string | null {
  if (!header) return null;
  for (const pair of header.split(";")) {
    const separator = pair.indexOf("=");
    if (separator === -1 || pair.slice(0, separator).trim() !== name) continue;
    const value = pair.slice(separator + 1).trim();
    try {
      return decodeURIComponent(value) || null;
    } catch {
      return null;
    }
  }
  return null;
}

/**
 * The session cookie, or an `Authorization: Bearer` token from a non-browser client (a CLI).
 * Bearer tokens are safe from CSRF because browsers never attach them on their own.
 */
export function authTokenFromRequest(req: IncomingMessage): string | null {
  const authorization = req.headers.authorization;
  if (authorization?.startsWith("Bearer ")) return authorization.slice("Bearer ".length).trim() || null;
  return readCookie(req.headers.cookie, AUTH_COOKIE_NAME);
}

/** A `Set-Cookie` value that stores the token, or clears it when `cookie` is null. */
export function serializeAuthCookie(cookie: TAuthCookie, options: { isSecure: boolean }): string {
  const attributes = ["Path=/", "HttpOnly", "SameSite=Lax"];
  if (options.isSecure) attributes.push("Secure");
  if (!cookie)
    return [`${AUTH_COOKIE_NAME}=`, "Expires=Thu, 01 Jan 1970 00:00:00 GMT", "Max-Age=0", ...attributes].join(
      "; ",
    );
  return [
    `${AUTH_COOKIE_NAME}=${encodeURIComponent(cookie.token)}`,
    `Expires=${cookie.expiresAt.toUTCString()}`,
    ...attributes,
  ].join("; ");
}
