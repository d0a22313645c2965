// The links every client of AppRouter uses (the web app, the CLI, the tests): subscriptions over
// the WebSocket link given, auth.* calls alone over HTTP (the server refuses them in a batch, see
// shared/batching.ts), everything else batched up to the server's cap; superjson both ways.
import { httpBatchLink, httpLink, splitLink, type TRPCLink } from "@trpc/client";
import superjson from "superjson";
import type { AppRouter } from "./root.ts";
import { isSentAlone, MAX_BATCH_CALLS } from "./shared/batching.ts";

type THttpOptions = Pick<Parameters<typeof httpLink<AppRouter>>[0], "url" | "fetch"> & {
  headers?: Record<string, string>;
};

export function apiLinks(subscriptions: TRPCLink<AppRouter>, options: THttpOptions): TRPCLink<AppRouter>[] {
  const http = { ...options, transformer: superjson };
  return [
    splitLink({
      condition: (operation) => operation.type === "subscription",
      true: subscriptions,
      false: splitLink({
        condition: (operation) => isSentAlone(operation.path),
        true: httpLink(http),
        false: httpBatchLink({ ...http, maxItems: MAX_BATCH_CALLS }),
      }),
    }),
  ];
}
