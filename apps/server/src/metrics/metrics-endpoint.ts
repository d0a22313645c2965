// Who may read /metrics. On the main port (the one the reverse proxy exposes) only a caller with
// METRICS_TOKEN as a bearer token; on METRICS_PORT (a listener of its own, on 127.0.0.1 unless
// METRICS_HOST says otherwise, never routed by the proxy) anyone who can reach it. Neither
// configured: /metrics is a plain 404, as for any unknown path.
import { createHash, timingSafeEqual } from "node:crypto";
import { createServer, type IncomingMessage, type Server, type ServerResponse } from "node:http";
import { sendPlain } from "../http/static-web.ts";
import type { Logger } from "../logger.ts";
import type { ServerMetrics } from "./server-metrics.ts";

export const METRICS_PATH = "/metrics";

const digest = (text: string) => createHash("sha256").update(text).digest();

/** Compared as digests, so neither the token's length nor its prefix leaks through timing. */
function hasToken(req: IncomingMessage, tokenDigest: Buffer): boolean {
  const authorization = req.headers.authorization ?? "";
  if (!authorization.startsWith("Bearer ")) return false;
  return timingSafeEqual(digest(authorization.slice("Bearer ".length).trim()), tokenDigest);
}

export async function sendMetrics(res: ServerResponse, metrics: ServerMetrics): Promise<void> {
  const body = await metrics.render();
  res.writeHead(200, { "Content-Type": metrics.contentType, "Cache-Control": "no-store" });
  res.end(body);
}

/** /metrics on the main port: with the bearer token, else 401; without a token configured, 404. */
export function createTokenMetricsHandler(metrics: ServerMetrics | null, token: string | null) {
  const tokenDigest = token ? digest(token) : null;
  return async (req: IncomingMessage, res: ServerResponse): Promise<void> => {
    if (!metrics || !tokenDigest) return sendPlain(res, 404, "Not found");
    if (!hasToken(req, tokenDigest)) {
      res.setHeader("WWW-Authenticate", 'Bearer realm="metrics"');
      return sendPlain(res, 401, "Unauthorized");
    }
    await sendMetrics(res, metrics);
  };
}

/** The separate listener: GET /metrics and nothing else. */
export function createMetricsListener(metrics: ServerMetrics, logger: Logger): Server {
  return createServer((req, res) => {
    const { pathname } = new URL(req.url ?? "/", "http://localhost");
    if (pathname !== METRICS_PATH || (req.method !== "GET" && req.method !== "HEAD")) {
      return sendPlain(res, 404, "Not found");
    }
    sendMetrics(res, metrics).catch((error: unknown) => {
      logger.error({ err: error }, "metrics scrape failed");
      if (!res.headersSent) sendPlain(res, 500, "Internal server error");
    });
  });
}
