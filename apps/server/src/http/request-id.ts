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
  return typeof incoming === "string" && WELL_FORMED_REQUEST_ID.test(incoming) ? incoming : freshRequestId();
}

/**
 * A uuid as one flat string. randomUUID joins about twenty pieces, and V8 keeps a string made so as
 * the chain of its pieces (about 450 bytes, not 60) for as long as it is held; a WebSocket holds its
 * id for the connection's life, thousands at once. Converting it to a number (which it is not) makes
 * V8 flatten it, as pino's flatstr does.
 */
function freshRequestId(): string {
  const id = randomUUID();
  Number(id);
  return id;
}
