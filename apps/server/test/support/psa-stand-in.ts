// A local stand-in for the two PSAs' documented requests, so tests drive the real provider code:
// ConnectWise PSA (REST 3.0 under /v4_6_release/apis/3.0: Basic company+publicKey:privateKey and
// the clientId header; GET /system/info; GET and POST /service/tickets/{id}/notes, with the
// `conditions=text like "%…%"` filter) and HaloPSA (GET /api/authinfo names the authorisation
// server, at /identity as a hosted tenant's is not at /auth; POST /identity/token client
// credentials → bearer; GET /api/agent/me; GET /api/actions?ticket_id=…; POST /api/actions with an array of actions).
// Wrong credentials get 401. Note posts can be made to fail, or to be stored and never answered.
// Every ConnectWise request is checked against the vendor's OpenAPI document first: one that does
// not conform is answered 400 and kept in `specViolations`.
import { once } from "node:events";
import { createServer, type IncomingMessage, type Server } from "node:http";
import type { AddressInfo } from "node:net";
import { connectWiseSpecViolations } from "./connectwise-openapi.ts";

export const CW = {
  companyId: "acme",
  publicKey: "pubKey123",
  privateKey: "privKey456",
  clientId: "0f3c8a52-client-id",
} as const;
/** The instance's action outcomes (GET /api/outcome). */
export const HALO_OUTCOMES = [
  { id: 1, outcome: "Private Note", buttonname: "Private Note" },
  { id: 23, outcome: "Escalation note", buttonname: "Escalation" },
];
export const HALO = { clientId: "halo-client", clientSecret: "halo-secret-789", tenant: "acme" } as const;

export type TStoredNote = {
  provider: "connectwise" | "halopsa";
  id: number;
  ticketId: number;
  text: string;
  /** The request body as received. */
  body: unknown;
};

/** What the next note posts get: a status (stored nothing), "store-then-500" (stored, answered 500), "hold" (stored, never answered). */
export type TNoteFault = { status: number; retryAfter?: string } | "store-then-500" | "hold";

export type PsaStandIn = {
  baseUrl: string;
  notes: TStoredNote[];
  /** Every request: method, path, the auth-related headers. */
  requests: Array<{ method: string; path: string; authorization?: string; clientId?: string }>;
  /** What ConnectWise's OpenAPI document does not allow in the requests received. */
  specViolations: string[];
  failNextNotes(...faults: TNoteFault[]): void;
  /** Note posts received (answered or not), retries included. */
  notePosts(): number;
  close(): Promise<void>;
};

const CW_PREFIX = "/v4_6_release/apis/3.0";
/** Where the stand-in's Halo authorisation server is: not `<baseUrl>/auth`, so only discovery finds it. */
export const HALO_AUTH_PATH = "/identity";
const CW_AUTH = `Basic ${Buffer.from(`${CW.companyId}+${CW.publicKey}:${CW.privateKey}`).toString("base64")}`;

export async function startPsaStandIn(): Promise<PsaStandIn> {
  const notes: TStoredNote[] = [];
  const requests: PsaStandIn["requests"] = [];
  const specViolations: string[] = [];
  const faults: TNoteFault[] = [];
  const tokens = new Set<string>();
  let nextId = 9000;
  let posts = 0;
  const held: Array<() => void> = [];

  const json = (res: import("node:http").ServerResponse, status: number, body: unknown, headers = {}) =>
    res.writeHead(status, { "content-type": "application/json", ...headers }).end(JSON.stringify(body));

  async function readBody(req: IncomingMessage): Promise<string> {
    const chunks: Buffer[] = [];
    for await (const chunk of req) chunks.push(chunk as Buffer);
    return Buffer.concat(chunks).toString("utf8");
  }

  /** Applies the next fault to a note post: true when the request was answered (or held) by it. */
  function fault(res: import("node:http").ServerResponse, store: () => TStoredNote): boolean {
    posts += 1;
    const next = faults.shift();
    if (next === undefined) return false;
    if (next === "hold") {
      store();
      held.push(() => res.destroy());
      return true;
    }
    if (next === "store-then-500") {
      store();
      json(res, 500, { message: "Internal error" });
      return true;
    }
    json(
      res,
      next.status,
      { message: "Try again later" },
      next.retryAfter ? { "retry-after": next.retryAfter } : {},
    );
    return true;
  }

  const server: Server = createServer(async (req, res) => {
    const url = new URL(req.url ?? "/", "http://stand-in");
    const body = await readBody(req);
    requests.push({
      method: req.method ?? "",
      path: url.pathname,
      authorization: req.headers.authorization,
      clientId: req.headers.clientid as string | undefined,
    });

    // ---- ConnectWise ----
    if (url.pathname.startsWith(CW_PREFIX)) {
      if (req.headers.authorization !== CW_AUTH || req.headers.clientid !== CW.clientId) {
        return json(res, 401, { code: "Unauthorized", message: "Invalid credentials" });
      }
      const path = url.pathname.slice(CW_PREFIX.length);
      const violations = connectWiseSpecViolations({
        method: req.method ?? "",
        path,
        accept: req.headers.accept,
        contentType: req.headers["content-type"],
        body,
      });
      if (violations.length > 0) {
        specViolations.push(...violations);
        return json(res, 400, { code: "InvalidRequest", message: violations.join("; ") });
      }
      if (req.method === "GET" && path === "/system/info") {
        return json(res, 200, { version: "v2025.1.12345", isCloud: true, serverTimeZone: "UTC" });
      }
      const match = /^\/service\/tickets\/(\d+)\/notes$/.exec(path);
      if (match) {
        const ticketId = Number(match[1]);
        if (req.method === "GET") {
          const like = /^text like "%(.*)%"$/.exec(url.searchParams.get("conditions") ?? "")?.[1];
          const found = notes.filter(
            (note) =>
              note.provider === "connectwise" &&
              note.ticketId === ticketId &&
              (!like || note.text.includes(like)),
          );
          return json(
            res,
            200,
            found.map((note) => ({ id: note.id, text: note.text })),
          );
        }
        if (req.method === "POST") {
          const parsed = JSON.parse(body) as { text?: unknown };
          if (typeof parsed.text !== "string" || parsed.text === "") {
            return json(res, 400, { code: "InvalidObject", message: "text is required" });
          }
          const store = () => {
            const note = {
              provider: "connectwise" as const,
              id: nextId++,
              ticketId,
              text: parsed.text as string,
              body: parsed,
            };
            notes.push(note);
            return note;
          };
          if (fault(res, store)) return;
          const note = store();
          return json(res, 201, { id: note.id, ticketId, text: note.text, internalAnalysisFlag: true });
        }
      }
      return json(res, 404, { code: "NotFound", message: "No such resource" });
    }

    // ---- HaloPSA ----
    if (req.method === "GET" && url.pathname === "/api/authinfo") {
      return json(res, 200, {
        auth_url: `http://${req.headers.host}${HALO_AUTH_PATH}`,
        tenant_id: HALO.tenant,
      });
    }
    if (req.method === "POST" && url.pathname === `${HALO_AUTH_PATH}/token`) {
      const form = new URLSearchParams(body);
      const isValid =
        req.headers["content-type"]?.startsWith("application/x-www-form-urlencoded") &&
        form.get("grant_type") === "client_credentials" &&
        form.get("client_id") === HALO.clientId &&
        form.get("client_secret") === HALO.clientSecret &&
        form.get("scope") === "all" &&
        url.searchParams.get("tenant") === HALO.tenant;
      if (!isValid) return json(res, 400, { error: "invalid_client" });
      const token = `halo-token-${nextId++}`;
      tokens.add(token);
      return json(res, 200, { access_token: token, token_type: "Bearer", expires_in: 3600, scope: "all" });
    }
    if (url.pathname.startsWith("/api/")) {
      const bearer = /^Bearer (.+)$/.exec(req.headers.authorization ?? "")?.[1];
      if (!bearer || !tokens.has(bearer)) return res.writeHead(401).end();
      if (req.method === "GET" && url.pathname === "/api/outcome") {
        return json(res, 200, HALO_OUTCOMES);
      }
      if (req.method === "GET" && url.pathname === "/api/agent/me") {
        return json(res, 200, { id: 7, name: "Handoff API" });
      }
      if (url.pathname === "/api/actions" && req.method === "GET") {
        const ticketId = Number(url.searchParams.get("ticket_id"));
        const actions = notes
          .filter((note) => note.provider === "halopsa" && note.ticketId === ticketId)
          .map((note) => ({ id: note.id, ticket_id: ticketId, note: note.text, hiddenfromuser: true }));
        return json(res, 200, { record_count: actions.length, actions });
      }
      if (url.pathname === "/api/actions" && req.method === "POST") {
        const parsed = JSON.parse(body) as Array<{ ticket_id?: unknown; note?: unknown }>;
        const action = Array.isArray(parsed) ? parsed[0] : undefined;
        if (!action || typeof action.ticket_id !== "number" || typeof action.note !== "string") {
          return res.writeHead(400, { "content-type": "text/plain" }).end("Invalid action");
        }
        const store = () => {
          const note = {
            provider: "halopsa" as const,
            id: nextId++,
            ticketId: action.ticket_id as number,
            text: action.note as string,
            body: parsed,
          };
          notes.push(note);
          return note;
        };
        if (fault(res, store)) return;
        const note = store();
        return json(res, 201, { id: note.id, ticket_id: note.ticketId, note: note.text });
      }
      return json(res, 404, { message: "Not found" });
    }
    return json(res, 404, { message: "Not found" });
  });
  server.listen(0, "127.0.0.1");
  await once(server, "listening");
  const { port } = server.address() as AddressInfo;
  return {
    baseUrl: `http://127.0.0.1:${port}`,
    notes,
    requests,
    specViolations,
    failNextNotes: (...next) => faults.push(...next),
    notePosts: () => posts,
    async close() {
      for (const release of held) release();
      server.closeAllConnections();
      server.close();
      await once(server, "close").catch(() => undefined);
    },
  };
}
