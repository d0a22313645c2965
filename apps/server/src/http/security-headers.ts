// The headers every answer carries so a browser holds the web app to its own origin: a Content
// Security Policy (scripts, styles, connections only from here; no plugins; never framed), no
// framing for older browsers, no referrer, no MIME sniffing, and HSTS once the app is reached
// over TLS (directly, or through a trusted proxy that says so in X-Forwarded-Proto).
import type { IncomingMessage, ServerResponse } from "node:http";
import type { TLSSocket } from "node:tls";

const HSTS = "max-age=31536000; includeSubDomains";

/** The policy for the built app: its scripts and styles are files from this origin, its only connection the API. */
export function contentSecurityPolicy(appOrigins: string[]): string {
  // 'self' covers ws(s) to the same host in current browsers; the app origins' WebSocket forms are
  // listed for the ones that read CSP level 2 literally.
  const sockets = appOrigins.map((origin) => origin.replace(/^http/, "ws"));
  return [
    "default-src 'self'",
    "script-src 'self'",
    "style-src 'self'",
    "img-src 'self' data:",
    "font-src 'self'",
    `connect-src 'self' ${sockets.join(" ")}`,
    "worker-src 'self'",
    "manifest-src 'self'",
    "object-src 'none'",
    "base-uri 'self'",
    "form-action 'self'",
    "frame-ancestors 'none'",
  ].join("; ");
}

function isOverTls(req: IncomingMessage, isProxyTrusted: boolean): boolean {
  if ((req.socket as TLSSocket).encrypted) return true;
  if (!isProxyTrusted) return false;
  // As with X-Forwarded-For, only the last entry: the one our own proxy wrote.
  const forwarded = req.headers["x-forwarded-proto"];
  const header = Array.isArray(forwarded) ? forwarded.at(-1) : forwarded;
  return header?.split(",").at(-1)?.trim().toLowerCase() === "https";
}

export function createSecurityHeaders(options: { appOrigins: string[]; isProxyTrusted: boolean }) {
  const policy = contentSecurityPolicy(options.appOrigins);
  return function setSecurityHeaders(req: IncomingMessage, res: ServerResponse): void {
    res.setHeader("Content-Security-Policy", policy);
    res.setHeader("X-Frame-Options", "DENY");
    res.setHeader("Referrer-Policy", "no-referrer");
    res.setHeader("X-Content-Type-Options", "nosniff");
    res.setHeader("Cross-Origin-Opener-Policy", "same-origin");
    if (isOverTls(req, options.isProxyTrusted)) res.setHeader("Strict-Transport-Security", HSTS);
  };
}
