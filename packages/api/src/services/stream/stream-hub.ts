// The live streams of this process: one AccountHub per account with subscribers, opened by the
// first and closed with the last, so a stream's cost is per account, not per subscriber.
import { AccountHub, type TAccountHubDeps, type TStreamSink } from "./account-hub.ts";

export type { TStreamItem, TStreamSink } from "./account-hub.ts";

type THubEntry = { hub: Promise<AccountHub>; readers: number };

export type StreamHub = {
  /**
   * Hands `sink` the account's events after `lastEventId` (from now, without one), then live ones;
   * settles when `signal` aborts (resolves) or the account's hub fails (rejects).
   */
  follow(options: {
    accountId: string;
    lastEventId: string | null | undefined;
    signal: AbortSignal;
    sink: TStreamSink;
  }): Promise<void>;
  /** Diagnostics: open account hubs and the readers attached to them. */
  stats(): { accounts: number; readers: number };
};

export function createStreamHub(deps: TAccountHubDeps): StreamHub {
  const entries = new Map<string, THubEntry>();

  function acquire(accountId: string): THubEntry {
    let entry = entries.get(accountId);
    if (!entry) {
      // A hub that failed, or could not open, is forgotten: the next subscriber opens a new one.
      const forget = () => {
        if (entries.get(accountId) === created) entries.delete(accountId);
      };
      const opening = AccountHub.open(deps, accountId, { onFailed: forget });
      const created: THubEntry = { hub: opening, readers: 0 };
      entry = created;
      entries.set(accountId, created);
      opening.catch(forget);
    }
    entry.readers += 1;
    return entry;
  }

  function release(accountId: string, entry: THubEntry): void {
    entry.readers -= 1;
    if (entry.readers > 0 || entries.get(accountId) !== entry) return;
    entries.delete(accountId);
    void entry.hub.then(
      (hub) => hub.close(),
      () => undefined,
    );
  }

  return {
    async follow({ accountId, lastEventId, signal, sink }) {
      const entry = acquire(accountId);
      try {
        const hub = await entry.hub;
        await hub.follow(sink, lastEventId, signal);
      } finally {
        release(accountId, entry);
      }
    },
    stats() {
      let readers = 0;
      for (const entry of entries.values()) readers += entry.readers;
      return { accounts: entries.size, readers };
    },
  };
}
