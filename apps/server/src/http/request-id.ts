// The id that ties together every log line of one request: the reverse proxy's `x-request-id` when
// it sent a well-formed one (so its access log and ours join up), else a fresh one. Echoed in the
// response, so a user's bug report can quote it.
import { randomUUID } from "node:crypto";
import type { IncomingMessage } from "node:http";

export const REQUEST_ID_HEADER = "x-request-id";

/** What Caddy, nginx, HAProxy and load balancers send (uuids, hex, base64-ish); nothing that could forge a log line. */
const WELL_FORMED_REQUEST_ID = /^[A-Za-z0-9._:+/=-]{1,128}$/;

export function requestIdOf(req: IncomingMessage): string {
  const incoming = req.headers[REQUEST_ID_HEADER];
  return typeof incoming === "string" && WELL_FORMED_REQUEST_ID.test(incoming) ? incoming : randomUUID();
}
