// Typed tRPC clients for tests, linked like the web app's: subscriptions over wsLink (keep-alive on,
// jittered retries, token in connectionParams), the rest over httpBatchLink with the session cookie
// (auth.* over httpLink, unbatched).
// Procedures are called directly: `await client.handoff.escalate(input)`, `client.x.onEvent.subscribe(…)`.
import { type AppRouter, AUTH_COOKIE_NAME, appRouter } from "@handoff/api";
import { createRetryDelay } from "@handoff/api/client-contract";
import { apiLinks } from "@handoff/api/client-links";
import {
  createTRPCClient,
  createWSClient,
  getUntypedClient,
  httpLink,
  type TRPCClient,
  wsLink,
} from "@trpc/client";
import type { AnyTRPCProcedure } from "@trpc/server";
import superjson from "superjson";
import { WebSocket } from "ws";
import type { TestServer } from "./start-test-server.ts";

export type TRPCWebSocketClient = ReturnType<typeof createWSClient>;

/** Queries and mutations become plain async functions; subscriptions keep `.subscribe`. */
type TCallable<T> = T extends { query: infer F }
  ? F
  : T extends { mutate: infer F }
    ? F
    : // A subscription's `subscribe` is a function; a router may also hold a procedure named "subscribe".
      T extends { subscribe: infer F extends (...args: never[]) => unknown }
      ? { subscribe: F }
      : { [K in keyof T]: TCallable<T[K]> };

export type TestClient = TCallable<TRPCClient<AppRouter>> & {
  /** The underlying vanilla client (`.query()` / `.mutate()` style), e.g. for code shared with the web app. */
  readonly trpc: TRPCClient<AppRouter>;
  readonly wsClient: TRPCWebSocketClient;
  /** Closes the WebSocket: ends its subscriptions on the server and stops reconnecting. */
  close(): Promise<void>;
};

export type TestClientOptions = {
  /** A session token (see login()); omit for an anonymous caller. */
  token?: string | null;
  /** How HTTP calls carry the token: the browser's cookie (default) or `Authorization: Bearer`, as a CLI does. */
  sendsTokenAs?: "cookie" | "bearer";
  /** Reconnect delay per attempt; defaults to a fast jittered exponential backoff (25 ms → 1 s). */
  retryDelayMs?: (attemptIndex: number) => number;
};

type TestServerAddress = Pick<TestServer, "url" | "wsUrl"> & Partial<Pick<TestServer, "onClose">>;

/** The web app's reconnect backoff, fast: clients cut off together do not reconnect in lockstep. */
export function jitteredBackoff(baseMs: number, maxMs: number) {
  return createRetryDelay({ baseMs, capMs: maxMs });
}

/** The router's procedures are keyed by their dotted path at runtime ("handoff.escalate"). */
const PROCEDURE_TYPES = new Map(
  Object.entries(appRouter._def.procedures as Record<string, unknown>).map(([path, procedure]) => [
    path,
    (procedure as Pick<AnyTRPCProcedure, "_def">)._def.type,
  ]),
);

function procedureTypeOf(path: string): string {
  const type = PROCEDURE_TYPES.get(path);
  if (!type) throw new Error(`AppRouter has no procedure "${path}"`);
  return type;
}

function callableProxy(trpc: TRPCClient<AppRouter>, path: string[]): unknown {
  const untyped = getUntypedClient(trpc);
  const dotted = path.join(".");
  return new Proxy(() => undefined, {
    get(_target, property) {
      // "then" must stay undefined, or `await client` would treat the client as a promise.
      if (typeof property !== "string" || property === "then") return undefined;
      // Only on a subscription procedure: a procedure may itself be named "subscribe" (push.subscribe).
      if (property === "subscribe" && PROCEDURE_TYPES.get(dotted) === "subscription") {
        return (input: unknown, observer: Parameters<typeof untyped.subscription>[2]) =>
          untyped.subscription(dotted, input, observer);
      }
      return callableProxy(trpc, [...path, property]);
    },
    apply(_target, _this, [input, requestOptions]) {
      return procedureTypeOf(dotted) === "query"
        ? untyped.query(dotted, input, requestOptions)
        : untyped.mutation(dotted, input, requestOptions);
    },
  });
}

export function createTestClient(server: TestServerAddress, options: TestClientOptions = {}): TestClient {
  const { token } = options;
  const wsClient = createWSClient({
    url: server.wsUrl,
    // Node 20 has no global WebSocket; `ws` implements the same interface.
    WebSocket: WebSocket as unknown as typeof globalThis.WebSocket,
    ...(token ? { connectionParams: { token } } : {}),
    keepAlive: { enabled: true, intervalMs: 5_000, pongTimeoutMs: 2_000 },
    retryDelayMs: options.retryDelayMs ?? jitteredBackoff(25, 1_000),
  });
  const httpOptions: { url: string; headers: Record<string, string> } = {
    url: `${server.url}/trpc`,
    headers: !token
      ? {}
      : options.sendsTokenAs === "bearer"
        ? { authorization: `Bearer ${token}` }
        : { cookie: `${AUTH_COOKIE_NAME}=${encodeURIComponent(token)}` },
  };
  const trpc = createTRPCClient<AppRouter>({
    links: apiLinks(wsLink({ client: wsClient, transformer: superjson }), httpOptions),
  });

  let closed: Promise<void> | null = null;
  const close = () => {
    unregister?.();
    closed ??= wsClient.close();
    return closed;
  };
  const unregister = server.onClose?.(close);
  const procedures = callableProxy(trpc, []) as object;
  return new Proxy(procedures, {
    get(target, property, receiver) {
      if (property === "trpc") return trpc;
      if (property === "wsClient") return wsClient;
      if (property === "close") return close;
      return Reflect.get(target, property, receiver);
    },
  }) as TestClient;
}

/** Signs in through `auth.login` (token mode) and returns the session token. */
export async function login(
  server: Pick<TestServer, "url">,
  email: string,
  password = "demo",
): Promise<string> {
  const client = createTRPCClient<AppRouter>({
    links: [httpLink({ url: `${server.url}/trpc`, transformer: superjson })],
  });
  const { token } = await client.auth.login.mutate({ email, password, mode: "token" });
  if (!token) throw new Error(`auth.login returned no token for ${email}`);
  return token;
}
