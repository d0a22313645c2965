// HaloPSA: OAuth2 client credentials at the authorisation server's /token, a bearer token on the
// resource server's /api, private actions (hidden from the end user) on tickets. Without an
// authorisation server in the settings, the instance names its own (GET /api/authinfo: hosted
// tenants' is not under their address). Tokens are kept until shortly before they expire, per
// connection version.

import type { THaloOutcome } from "../../schemas/psa.ts";
import type { TOutboundRequest } from "../outbound/guarded-fetch.ts";
import { failure, type PsaProvider, requestJson, type TPsaHttp, type TPsaResult } from "./psa-provider.ts";

export type THaloConfig = {
  baseUrl: string;
  authUrl: string | null;
  tenant: string | null;
  clientId: string;
  clientSecret: string;
  noteOutcome: THaloOutcome | null;
};

type TToken = { value: string; expiresAt: number };
/** Cached tokens by connection version (see createHaloProvider's `cacheKey`). */
const tokens = new Map<string, TToken>();
const TOKEN_SLACK_MS = 60_000;
/** The outcome Halo gives private notes out of the box, for a connection with none picked. */
const DEFAULT_NOTE_OUTCOME = "Private Note";

const trimSlash = (url: string) => url.replace(/\/+$/, "");

export function createHaloProvider(config: THaloConfig, http: TPsaHttp, cacheKey: string): PsaProvider {
  const api = `${trimSlash(config.baseUrl)}/api`;

  /** The token endpoint: the configured authorisation server's, or the one the instance names. */
  async function tokenUrl(signal: AbortSignal): Promise<TPsaResult<string>> {
    const url = (authServer: string, tenant: string | null) =>
      `${trimSlash(authServer)}/token${tenant ? `?${new URLSearchParams({ tenant })}` : ""}`;
    if (config.authUrl) return { ok: true, value: url(config.authUrl, config.tenant) };
    const what = "HaloPSA (find the authorisation server)";
    const info = await requestJson(http, what, `${api}/authinfo`, {
      headers: { Accept: "application/json" },
      signal,
    });
    if (!info.ok) return info;
    const { auth_url, tenant_id } = (info.value ?? {}) as { auth_url?: unknown; tenant_id?: unknown };
    if (typeof auth_url !== "string" || !URL.canParse(auth_url))
      return failure(`${what}: /api/authinfo named none; enter the authorisation server's address`, false);
    return {
      ok: true,
      value: url(auth_url, config.tenant ?? (typeof tenant_id === "string" ? tenant_id : null)),
    };
  }

  async function token(signal: AbortSignal, isFresh = false): Promise<TPsaResult<string>> {
    const cached = tokens.get(cacheKey);
    if (!isFresh && cached && cached.expiresAt > Date.now()) return { ok: true, value: cached.value };
    const endpoint = await tokenUrl(signal);
    if (!endpoint.ok) return endpoint;
    const result = await requestJson(http, "HaloPSA (sign in)", endpoint.value, {
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
  async function call(what: string, path: string, init: TOutboundRequest) {
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

    async noteOutcomes(signal) {
      const result = await call("HaloPSA (list outcomes)", "/outcome", { signal });
      if (!result.ok) return result;
      const list = Array.isArray(result.value) ? (result.value as { id?: unknown; outcome?: unknown }[]) : [];
      return {
        ok: true,
        value: list.flatMap((item) =>
          typeof item.id === "number" && typeof item.outcome === "string" && item.outcome.trim()
            ? [{ id: item.id, name: item.outcome.trim() }]
            : [],
        ),
      };
    },

    async addNote(ticketId, text, signal) {
      const result = await call("HaloPSA (add note)", "/actions", {
        method: "POST",
        headers: { "Content-Type": "application/json" },
        body: JSON.stringify([
          {
            ticket_id: ticketId,
            note: text,
            ...(config.noteOutcome
              ? { outcome_id: config.noteOutcome.id, outcome: config.noteOutcome.name }
              : { outcome: DEFAULT_NOTE_OUTCOME }),
            hiddenfromuser: true,
            sendemail: false,
          },
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
