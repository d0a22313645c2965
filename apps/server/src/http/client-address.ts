// Who is calling, for rate limiting. X-Forwarded-For is only believed behind a proxy we control,
// since any client can send it.
import type { IncomingMessage } from "node:http";

export function clientIpOf(req: IncomingMessage, options: { isProxyTrusted: boolean }): string {
  if (options.isProxyTrusted) {
    const forwarded = req.headers["x-forwarded-for"];
    const first = (Array.isArray(forwarded) ? forwarded[0] : forwarded)?.split(",")[0]?.trim();
    if (first) return first;
  }
  return req.socket.remoteAddress ?? "unknown";
}
