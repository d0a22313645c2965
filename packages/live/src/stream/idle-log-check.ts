// The idle check of every account hub of the process, in one query: a publish lost while the bus
// was down has no later event to reveal the gap, so each interval the hubs that heard nothing for
// that long compare their position with their account's head (the account row's seq, written in the
// same transaction as the events). Only a hub that lacks events reads the log. One query per process
// per interval, however many accounts are open, instead of a log read per hub.
import type { ApiDeps } from "@handoff/api";

/** A hub as the check sees it. */
export type TLogChecked = {
  readonly accountId: string;
  /** Whether it heard nothing from the bus for a whole interval (and is not reading the log now). */
  isIdle(now: number): boolean;
  /** The account's head as the check read it; the hub catches up if it lacks events. */
  onHead(head: { epoch: string; seq: number }): void;
};

export class IdleLogCheck {
  readonly #deps: Pick<ApiDeps, "prisma" | "logger">;
  readonly #intervalMs: number;
  readonly #hubs = new Set<TLogChecked>();
  #timer: NodeJS.Timeout | null = null;
  /** Never more than one check at a time, however slow the database is. */
  #isChecking = false;

  constructor(deps: Pick<ApiDeps, "prisma" | "logger">, intervalMs: number) {
    this.#deps = deps;
    this.#intervalMs = intervalMs;
  }

  /** Checks `hub` while it follows the bus; the returned function stops that. */
  watch(hub: TLogChecked): () => void {
    this.#hubs.add(hub);
    this.#timer ??= setInterval(() => void this.#check(), this.#intervalMs);
    return () => {
      this.#hubs.delete(hub);
      if (this.#hubs.size > 0 || !this.#timer) return;
      clearInterval(this.#timer);
      this.#timer = null;
    };
  }

  async #check(): Promise<void> {
    if (this.#isChecking) return;
    const now = performance.now();
    const idle = [...this.#hubs].filter((hub) => hub.isIdle(now));
    if (idle.length === 0) return;
    this.#isChecking = true;
    try {
      const heads = await this.#deps.prisma.account.findMany({
        where: { id: { in: [...new Set(idle.map((hub) => hub.accountId))] } },
        select: { id: true, eventEpoch: true, eventSeq: true },
      });
      const headOf = new Map(heads.map((head) => [head.id, { epoch: head.eventEpoch, seq: head.eventSeq }]));
      for (const hub of idle) {
        const head = headOf.get(hub.accountId);
        if (head && this.#hubs.has(hub)) hub.onHead(head);
      }
    } catch (error) {
      // The database unreachable: the next interval tries again.
      this.#deps.logger.warn(
        { err: error, accounts: idle.length },
        "escalation streams could not check the event log; retrying",
      );
    } finally {
      this.#isChecking = false;
    }
  }
}
