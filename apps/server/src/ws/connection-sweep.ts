// The timed duties of every WebSocket of the process on one timer: keep-alive pings, cutting peers
// that stopped answering, closing sockets that never signed in. One interval and a few numbers per
// socket, instead of timers per socket re-armed on every message.

export type TSweptConnection = {
  /** Called every period with the current time (performance.now()). */
  sweep(now: number): void;
};

export class ConnectionSweep {
  readonly #connections = new Set<TSweptConnection>();
  readonly #periodMs: number;
  #timer: NodeJS.Timeout | null = null;

  constructor(periodMs: number) {
    this.#periodMs = periodMs;
  }

  add(connection: TSweptConnection): void {
    this.#connections.add(connection);
    this.#timer ??= setInterval(() => this.#sweepAll(), this.#periodMs);
  }

  delete(connection: TSweptConnection): void {
    this.#connections.delete(connection);
    if (this.#connections.size > 0 || !this.#timer) return;
    clearInterval(this.#timer);
    this.#timer = null;
  }

  #sweepAll(): void {
    const now = performance.now();
    for (const connection of this.#connections) connection.sweep(now);
  }
}

export type TKeepAlive = { pingMs: number; pongWaitMs: number };

/**
 * What keep-alive asks of a socket last heard from at `heardAt` and pinged at `pingedAt` (null
 * since it was last heard): tRPC's protocol, a "PING" after `pingMs` of silence, and the socket cut
 * if nothing comes back within `pongWaitMs`.
 */
export function keepAliveDue(
  state: { heardAt: number; pingedAt: number | null },
  now: number,
  keepAlive: TKeepAlive,
): "ping" | "cut" | null {
  if (state.pingedAt !== null) return now - state.pingedAt >= keepAlive.pongWaitMs ? "cut" : null;
  return now - state.heardAt >= keepAlive.pingMs ? "ping" : null;
}
