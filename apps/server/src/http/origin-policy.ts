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
