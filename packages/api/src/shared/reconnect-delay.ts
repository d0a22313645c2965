// Client reconnect delays: exponential backoff with jitter, capped, so a server restart does not
// bring every open browser back in the same millisecond. Shared by the web app and the test client;
// the server's own retries (background jobs) have theirs in services/jobs/retry-delay.ts.
export type TRetryDelayOptions = { baseMs: number; capMs: number; random?: () => number };

export function createRetryDelay({ baseMs, capMs, random = Math.random }: TRetryDelayOptions) {
  return (attemptIndex: number): number => {
    const ceiling = Math.min(capMs, baseMs * 2 ** attemptIndex);
    // Keep a small floor so a flapping server is not hammered in a tight loop.
    const floor = Math.min(ceiling, baseMs / 2);
    return Math.round(floor + random() * (ceiling - floor));
  };
}

/** How the web app's WebSocket reconnects (wsLink): the bench's subscribers reconnect the same way. */
export const WEB_SOCKET_RECONNECT: TRetryDelayOptions = { baseMs: 500, capMs: 10_000 };
