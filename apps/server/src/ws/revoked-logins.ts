// Closes this process's WebSockets whose login ended anywhere (a sign-out, a deactivation on any
// replica), the moment the bus says so, and forgets their cached login: no call and no stream on
// them outlives the login. The login re-check stays as the bound when a message is lost.
import { type ApiDeps, followLoginRevocations } from "@handoff/api";
import type { SocketConnection } from "./socket-connection.ts";

export function closeSocketsOfEndedLogins(
  deps: Pick<ApiDeps, "bus" | "logger" | "connectionLogins">,
  connections: ReadonlySet<SocketConnection>,
): { stop(): void } {
  const stopping = new AbortController();
  void followLoginRevocations(
    deps,
    (tokenHashes) => {
      for (const hash of tokenHashes) deps.connectionLogins.forgetHash(hash);
      for (const connection of connections) {
        if (connection.authTokenHash && tokenHashes.has(connection.authTokenHash)) {
          connection.disconnect("Signed out");
        }
      }
    },
    stopping.signal,
  );
  return { stop: () => stopping.abort() };
}
