// Builds the tRPC client: subscriptions over one WebSocket (jittered backoff, keep-alive),
// queries and mutations over batched HTTP with the session cookie (auth.* unbatched). superjson both ways.
import type { AppRouter } from "@handoff/api";
import { createRetryDelay, WEB_SOCKET_RECONNECT } from "@handoff/api/client-contract";
import { apiLinks } from "@handoff/api/client-links";
import { createWSClient, type TRPCLink, type TRPCWebSocketClient, wsLink } from "@trpc/client";
import superjson from "superjson";
import { trpc } from "./trpc.ts";

export type TApiClient = {
  trpcClient: ReturnType<typeof trpc.createClient>;
  /** Drops the WebSocket so the next subscription connects with the current cookie (after sign-in/out). */
  resetConnection(): void;
};

function webSocketUrl(): string {
  const protocol = window.location.protocol === "https:" ? "wss:" : "ws:";
  return `${protocol}//${window.location.host}/trpc`;
}

/**
 * The server reads the login cookie once, when the socket opens, so the socket must not
 * outlive a sign-in or sign-out: it is created on the first subscription and reset on both.
 * Lazy mode stays off: the queue's socket reconnects by itself even with nothing in flight.
 */
function createSubscriptionLink(): { link: TRPCLink<AppRouter>; reset(): void } {
  let wsClient: TRPCWebSocketClient | null = null;
  const getClient = () => {
    wsClient ??= createWSClient({
      url: webSocketUrl,
      retryDelayMs: createRetryDelay(WEB_SOCKET_RECONNECT),
      keepAlive: { enabled: true, intervalMs: 10_000, pongTimeoutMs: 4_000 },
      lazy: { enabled: false, closeMs: 0 },
    });
    return wsClient;
  };
  const link: TRPCLink<AppRouter> = (runtime) => (operation) =>
    wsLink<AppRouter>({ client: getClient(), transformer: superjson })(runtime)(operation);
  const reset = () => {
    // Forget it before closing: closing completes live subscriptions, which may resubscribe.
    const closing = wsClient;
    wsClient = null;
    void closing?.close();
  };
  return { link, reset };
}

export function createApiClient(): TApiClient {
  const subscriptions = createSubscriptionLink();
  const httpOptions = {
    url: "/trpc",
    fetch: (url: URL | RequestInfo, options?: RequestInit) =>
      fetch(url, { ...options, credentials: "include" }),
  };
  const trpcClient = trpc.createClient({ links: apiLinks(subscriptions.link, httpOptions) });
  return { trpcClient, resetConnection: subscriptions.reset };
}
