// The typed client: AppRouter's *type* only (no server code is bundled, see scripts/build.mjs and
// biome.json). Calls go over HTTP with `Authorization: Bearer`; the live queue over one WebSocket,
// the token in its connection params, reconnecting with the web app's backoff.
import type { AppRouter } from "@handoff/api";
import { createRetryDelay, WEB_SOCKET_RECONNECT } from "@handoff/api/client-contract";
import { apiLinks } from "@handoff/api/client-links";
import { createTRPCClient, createWSClient, type TRPCClient, wsLink } from "@trpc/client";
import superjson from "superjson";
import { WebSocket } from "ws";
import type { TSavedLogin } from "./saved-login.ts";

export type TApiClient = TRPCClient<AppRouter>;

export function createApiClient(login: TSavedLogin) {
  const wsClient = createWSClient({
    url: `${login.url.replace(/^http/, "ws")}/trpc`,
    // Node 20 has no global WebSocket; `ws` implements the same interface.
    WebSocket: WebSocket as unknown as typeof globalThis.WebSocket,
    connectionParams: { token: login.token },
    retryDelayMs: createRetryDelay(WEB_SOCKET_RECONNECT),
    keepAlive: { enabled: true, intervalMs: 10_000, pongTimeoutMs: 4_000 },
    // Only `queue --watch` opens a socket; a claim or a query never does.
    lazy: { enabled: true, closeMs: 0 },
  });
  const httpOptions = {
    url: `${login.url}/trpc`,
    headers: { authorization: `Bearer ${login.token}` },
  };
  const client: TApiClient = createTRPCClient<AppRouter>({
    links: apiLinks(wsLink({ client: wsClient, transformer: superjson }), httpOptions),
  });
  return { client, close: () => wsClient.close() };
}
