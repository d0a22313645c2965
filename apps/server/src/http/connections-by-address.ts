// Open WebSocket connections per client address, so one address cannot hold the server's sockets.
// A refused address is logged once, until it drops back under the cap.
import type { Logger } from "../logger.ts";

export class ConnectionsByAddress {
  readonly #limit: number;
  readonly #logger: Pick<Logger, "warn">;
  readonly #counts = new Map<string, number>();
  readonly #loggedAtCap = new Set<string>();

  constructor(limit: number, logger: Pick<Logger, "warn">) {
    this.#limit = limit;
    this.#logger = logger;
  }

  hasRoomFor(address: string): boolean {
    if ((this.#counts.get(address) ?? 0) < this.#limit) return true;
    if (!this.#loggedAtCap.has(address)) {
      this.#loggedAtCap.add(address);
      this.#logger.warn(
        { ip: address, limit: this.#limit },
        "websocket refused: too many connections from one address",
      );
    }
    return false;
  }

  add(address: string): void {
    this.#counts.set(address, (this.#counts.get(address) ?? 0) + 1);
  }

  remove(address: string): void {
    const remaining = (this.#counts.get(address) ?? 1) - 1;
    if (remaining > 0) this.#counts.set(address, remaining);
    else this.#counts.delete(address);
    this.#loggedAtCap.delete(address);
  }
}
