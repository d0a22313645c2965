// Which browser origins may call us with the user's cookie (WebSocket upgrades and tRPC over HTTP).
import type { IncomingMessage } from "node:http";

/**
 * Browsers always send Origin on WebSocket upgrades and cross-origin requests, so a foreign Origin
 * means another site's page is calling us with the user's cookie: refuse it. A request without
 * Origin comes from a non-browser client (CLI, tests, server-to-server), which has no ambient
 * cookie to abuse and must authenticate with its own token.
 */
export function isOriginAllowed(req: IncomingMessage, allowedOrigins: readonly string[]): boolean {
  const origin = req.headers.origin;
  if (origin === undefined) return true;
  return allowedOrigins.includes(origin);
}

/**
 * tRPC over HTTP: the origin check, except for a request that carries `Authorization: Bearer`.
 * Such a request is authenticated by that header alone (the cookie is then never read, see
 * cookies.ts), and a browser adds the header only when the calling page's own script holds the
 * token and sets it: a foreign page cannot ride the user's cookie this way, so there is nothing
 * for the origin check to protect. (Cross-origin, a browser would also have to pass a CORS
 * preflight, which this server never grants.)
 */
export function isHttpCallAllowed(req: IncomingMessage, allowedOrigins: readonly string[]): boolean {
  return hasBearerToken(req) || isOriginAllowed(req, allowedOrigins);
}

export function hasBearerToken(req: IncomingMessage): boolean {
  return /^Bearer \S/.test(req.headers.authorization ?? "");
}
