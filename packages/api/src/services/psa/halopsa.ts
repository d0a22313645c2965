// HaloPSA: OAuth2 client credentials at the authorisation server's /token (…/auth/token), a
// bearer token on the resource server's /api, private actions (hidden from the end user) on
// tickets. Tokens are kept until shortly before they expire, per connection version.
import { failure, type PsaProvider, requestJson, type TPsaHttp, type TPsaResult } from "./psa-provider.ts";

export type THaloConfig = {
  baseUrl: string;
  authUrl: string | null;
  tenant: string | null;
  clientId: string;
  clientSecret: string;
};

type TToken = { value: string; expiresAt: number };
/** Cached tokens by connection version (see createHaloProvider's `cacheKey`). */
const tokens = new Map<string, TToken>();
const TOKEN_SLACK_MS = 60_000;
/** The outcome Halo gives private notes out of the box. */
const NOTE_OUTCOME = "Private Note";

const trimSlash = (url: string) => url.replace(/\/+$/, "");

export function createHaloProvider(config: THaloConfig, http: TPsaHttp, cacheKey: string): PsaProvider {
  const api = `${trimSlash(config.baseUrl)}/api`;
  const authServer = trimSlash(config.authUrl ?? `${trimSlash(config.baseUrl)}/auth`);
  const tokenUrl = `${authServer}/token${config.tenant ? `?${new URLSearchParams({ tenant: config.tenant })}` : ""}`;

  async function token(signal: AbortSignal, isFresh = false): Promise<TPsaResult<string>> {
    const cached = tokens.get(cacheKey);
    if (!isFresh && cached && cached.expiresAt > Date.now()) return { ok: true, value: cached.value };
    const result = await requestJson(http, "HaloPSA (sign in)", tokenUrl, {
      method: "POST",
      headers: { "Content-Type": "application/x-www-form-urlencoded", Accept: "application/json" },
      body: new URLSearchParams({
        grant_type: "client_credentials",
        client_id: config.clientId,
        client_secret: config.clientSecret,
        scope: "all",
      }).toString(),
      signal,
    });
    if (!result.ok) {
      // A bad client id or secret is answered 400/401: no retry fixes that.
      return result.status === 400 ? { ...result, isRetryable: false } : result;
    }
    const body = (result.value ?? {}) as { access_token?: unknown; expires_in?: unknown };
    if (typeof body.access_token !== "string")
      return failure("HaloPSA (sign in): no access token in the answer", false);
    const lifetimeMs = (typeof body.expires_in === "number" ? body.expires_in : 3600) * 1000;
    tokens.set(cacheKey, { value: body.access_token, expiresAt: Date.now() + lifetimeMs - TOKEN_SLACK_MS });
    return { ok: true, value: body.access_token };
  }

  /** An API call with the bearer token; a 401 on a cached token gets one fresh token and a retry. */
  async function call(what: string, path: string, init: RequestInit & { signal: AbortSignal }) {
    for (const isFresh of [false, true]) {
      const bearer = await token(init.signal, isFresh);
      if (!bearer.ok) return bearer;
      const result = await requestJson(http, what, `${api}${path}`, {
        ...init,
        headers: { ...init.headers, Authorization: `Bearer ${bearer.value}`, Accept: "application/json" },
      });
      if (result.ok || result.status !== 401 || isFresh) return result;
      tokens.delete(cacheKey);
    }
    return failure(`${what}: the credentials were refused`, false);
  }

  return {
    async test(signal) {
      const result = await call("HaloPSA", "/agent/me", { signal });
      if (!result.ok) return result;
      const agent = (result.value ?? {}) as { name?: unknown };
      const who = typeof agent.name === "string" && agent.name ? ` as ${agent.name}` : "";
      return { ok: true, value: `Connected to HaloPSA at ${new URL(config.baseUrl).host}${who}.` };
    },

    async findNote(ticketId, marker, signal) {
      const query = new URLSearchParams({ ticket_id: String(ticketId), excludesys: "true", count: "100" });
      const result = await call("HaloPSA (look for an earlier note)", `/actions?${query}`, { signal });
      if (!result.ok) return result;
      const actions = ((result.value ?? {}) as { actions?: unknown }).actions;
      const list = Array.isArray(actions) ? (actions as { id?: unknown; note?: unknown }[]) : [];
      const match = list.find((action) => typeof action.note === "string" && action.note.includes(marker));
      return { ok: true, value: match?.id === undefined ? null : String(match.id) };
    },

    async addNote(ticketId, text, signal) {
      const result = await call("HaloPSA (add note)", "/actions", {
        method: "POST",
        headers: { "Content-Type": "application/json" },
        body: JSON.stringify([
          { ticket_id: ticketId, note: text, outcome: NOTE_OUTCOME, hiddenfromuser: true, sendemail: false },
        ]),
        signal,
      });
      if (!result.ok) return result;
      const created = Array.isArray(result.value) ? result.value[0] : result.value;
      const id = (created as { id?: unknown } | null | undefined)?.id;
      if (id === undefined || id === null)
        return failure("HaloPSA (add note): the answer had no action id", false);
      return { ok: true, value: String(id) };
    },
  };
}
