// The live streams of this process: one AccountHub per account with subscribers, opened by the
// first and closed with the last, so a stream's cost is per account, not per subscriber.
import { AccountHub, type TAccountHubDeps, type TFollowing, type TStreamSink } from "./account-hub.ts";
import { IdleLogCheck } from "./idle-log-check.ts";

export type { TFollowing, TStreamItem, TStreamSink } from "./account-hub.ts";

type THubEntry = { accountId: string; hub: Promise<AccountHub>; readers: number };

export type StreamHub = {
  /**
   * Hands `sink` the account's events after `lastEventId` (from now, without one), then live ones,
   * until stopped, or until the account's hub closes or fails, or cannot open (`sink.end`).
   */
  follow(options: {
    accountId: string;
    lastEventId: string | null | undefined;
    sink: TStreamSink;
  }): TFollowing;
  /** Diagnostics: open account hubs and the readers attached to them. */
  stats(): { accounts: number; readers: number };
};

/** One reader of a hub, from before the hub is open: passes items on, and gives its place back once. */
class Reader implements TStreamSink, TFollowing {
  readonly #sink: TStreamSink;
  readonly #entry: THubEntry;
  #release: ((entry: THubEntry) => void) | null;
  #following: TFollowing | null = null;

  constructor(sink: TStreamSink, entry: THubEntry, release: (entry: THubEntry) => void) {
    this.#sink = sink;
    this.#entry = entry;
    this.#release = release;
  }

  attach(following: TFollowing): void {
    if (this.#release) this.#following = following;
    else following.stop();
  }

  wants(item: Parameters<TStreamSink["wants"]>[0]): boolean {
    return this.#sink.wants(item);
  }

  deliver(item: Parameters<TStreamSink["deliver"]>[0]): void {
    if (this.#release) this.#sink.deliver(item);
  }

  end(error?: unknown): void {
    if (this.#leave()) this.#sink.end(error);
  }

  stop(): void {
    if (this.#leave()) this.#following?.stop();
  }

  /** Gives the place back; false when it already was. */
  #leave(): boolean {
    const release = this.#release;
    if (!release) return false;
    this.#release = null;
    release(this.#entry);
    return true;
  }
}

export function createStreamHub(deps: TAccountHubDeps): StreamHub {
  const entries = new Map<string, THubEntry>();
  const opening = { ...deps, logCheck: new IdleLogCheck(deps, deps.streamLogCheckMs) };

  function acquire(accountId: string): THubEntry {
    let entry = entries.get(accountId);
    if (!entry) {
      // A hub that failed, or could not open, is forgotten: the next subscriber opens a new one.
      const forget = () => {
        if (entries.get(accountId) === created) entries.delete(accountId);
      };
      const hub = AccountHub.open(opening, accountId, { onFailed: forget });
      const created: THubEntry = { accountId, hub, readers: 0 };
      entry = created;
      entries.set(accountId, created);
      hub.catch(forget);
    }
    entry.readers += 1;
    return entry;
  }

  function release(entry: THubEntry): void {
    const { accountId } = entry;
    entry.readers -= 1;
    if (entry.readers > 0 || entries.get(accountId) !== entry) return;
    entries.delete(accountId);
    void entry.hub.then(
      (hub) => hub.close(),
      () => undefined,
    );
  }

  return {
    follow({ accountId, lastEventId, sink }) {
      const entry = acquire(accountId);
      const reader = new Reader(sink, entry, release);
      entry.hub.then(
        (hub) => reader.attach(hub.follow(reader, lastEventId)),
        (error: unknown) => reader.end(error),
      );
      return reader;
    },
    stats() {
      let readers = 0;
      for (const entry of entries.values()) readers += entry.readers;
      return { accounts: entries.size, readers };
    },
  };
}
