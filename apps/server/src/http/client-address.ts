// Who is calling, for rate limiting. X-Forwarded-For is only believed behind a proxy we control,
// since any client can send it; and only its last entry, the one our proxy appended.
import type { IncomingMessage } from "node:http";

export function clientIpOf(req: IncomingMessage, options: { isProxyTrusted: boolean }): string {
  if (options.isProxyTrusted) {
    const forwarded = req.headers["x-forwarded-for"];
    const header = Array.isArray(forwarded) ? forwarded.at(-1) : forwarded;
    const last = header?.split(",").at(-1)?.trim();
    if (last) return last;
  }
  return req.socket.remoteAddress ?? "unknown";
}
