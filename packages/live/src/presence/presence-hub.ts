// Presence: who is looking at which handoff or session right now. Nothing is stored and nothing
// enters the event log (no seq is taken): each process knows its own viewers (their subscriptions
// are the viewing) and learns the other replicas' through the bus. Per account and process there is
// one room (opened by the first local viewer or watcher, closed with the last) with one bus
// subscription. A process publishes a join or leave when a (user, target) pair starts or stops on
// it, and its whole list as a heartbeat while it has any, so a replica that dies without a word is
// forgotten when its heartbeat's TTL runs out, and a lost message is corrected by the next heartbeat.
// A room that opens says hello, and the others answer with their lists at once.
import { randomUUID } from "node:crypto";
import type { Logger } from "@handoff/api";
import {
  isPresenceMessage,
  PAYLOAD_VERSION,
  type PresenceHub,
  type TBusMessage,
  type TPersonRef,
  type TPresenceBusMessage,
  type TPresenceTarget,
} from "@handoff/api";
import { type Bus, BusClosedError, BusUnavailableError } from "@handoff/bus";

export type TPresenceDeps = {
  bus: Bus<TBusMessage>;
  logger: Pick<Logger, "warn">;
  /** How often a process re-announces its viewers; other replicas forget them after three missed beats. */
  heartbeatMs: number;
};

const channelOf = (accountId: string) => `presence:${accountId}`;
const keyOf = (target: TPresenceTarget) => `${target.kind}:${target.id}`;

function targetOf(key: string): TPresenceTarget | null {
  const [kind, id] = [key.slice(0, key.indexOf(":")), key.slice(key.indexOf(":") + 1)];
  return (kind === "handoff" || kind === "session") && id ? { kind, id } : null;
}

/** Viewers by target key, then by user id. */
type TViewerMap = Map<string, Map<string, TPersonRef>>;

type TListener = (targetKey: string, viewers: TPersonRef[]) => void;

class PresenceRoom {
  readonly #accountId: string;
  readonly #deps: TPresenceDeps;
  readonly #replica: string;
  /** This process's viewers: how many subscriptions each (target, user) pair has here. */
  readonly #local = new Map<string, Map<string, { viewer: TPersonRef; count: number }>>();
  readonly #remote = new Map<string, { viewers: TViewerMap; expiresAt: number }>();
  readonly #targetListeners = new Map<string, Set<TListener>>();
  readonly #accountListeners = new Set<TListener>();
  readonly #stop = new AbortController();
  readonly #heartbeat: NodeJS.Timeout;
  users = 0;

  constructor(deps: TPresenceDeps, replica: string, accountId: string) {
    this.#deps = deps;
    this.#replica = replica;
    this.#accountId = accountId;
    this.#heartbeat = setInterval(() => this.#beat(), deps.heartbeatMs);
    this.#heartbeat.unref();
    void this.#follow();
  }

  get localViewers(): number {
    let count = 0;
    for (const users of this.#local.values()) count += users.size;
    return count;
  }

  close(): void {
    clearInterval(this.#heartbeat);
    this.#stop.abort();
  }

  viewersOf(targetKey: string): TPersonRef[] {
    const byUser = new Map<string, TPersonRef>();
    for (const { viewer } of this.#local.get(targetKey)?.values() ?? []) byUser.set(viewer.id, viewer);
    for (const replica of this.#remote.values()) {
      for (const viewer of replica.viewers.get(targetKey)?.values() ?? []) byUser.set(viewer.id, viewer);
    }
    return [...byUser.values()].sort((a, b) => a.name.localeCompare(b.name) || a.id.localeCompare(b.id));
  }

  targetKeys(): Set<string> {
    const keys = new Set(this.#local.keys());
    for (const replica of this.#remote.values()) for (const key of replica.viewers.keys()) keys.add(key);
    return keys;
  }

  listen(targetKey: string | null, listener: TListener): () => void {
    if (targetKey === null) {
      this.#accountListeners.add(listener);
      return () => this.#accountListeners.delete(listener);
    }
    let listeners = this.#targetListeners.get(targetKey);
    if (!listeners) {
      listeners = new Set();
      this.#targetListeners.set(targetKey, listeners);
    }
    listeners.add(listener);
    return () => {
      listeners.delete(listener);
      if (listeners.size === 0) this.#targetListeners.delete(targetKey);
    };
  }

  /** Adds a local viewing; the returned function ends it. */
  join(targetKey: string, viewer: TPersonRef): () => void {
    let users = this.#local.get(targetKey);
    if (!users) {
      users = new Map();
      this.#local.set(targetKey, users);
    }
    const entry = users.get(viewer.id);
    if (entry) entry.count += 1;
    else this.#changing([targetKey], () => users.set(viewer.id, { viewer, count: 1 }));
    if (!entry) this.#publish({ op: "join", target: targetKey, viewer });
    let isLeft = false;
    return () => {
      if (isLeft) return;
      isLeft = true;
      const current = users.get(viewer.id);
      if (!current) return;
      current.count -= 1;
      if (current.count > 0) return;
      this.#changing([targetKey], () => {
        users.delete(viewer.id);
        if (users.size === 0 && this.#local.get(targetKey) === users) this.#local.delete(targetKey);
      });
      this.#publish({ op: "leave", target: targetKey, viewer });
    };
  }

  /** Applies `change` and tells listeners about every target among `keys` whose viewers it changed. */
  #changing(keys: Iterable<string>, change: () => void): void {
    const affected = [...new Set(keys)];
    const before = affected.map((key) => signature(this.viewersOf(key)));
    change();
    affected.forEach((key, index) => {
      const viewers = this.viewersOf(key);
      if (signature(viewers) === before[index]) return;
      for (const listener of this.#targetListeners.get(key) ?? []) listener(key, viewers);
      for (const listener of this.#accountListeners) listener(key, viewers);
    });
  }

  #publish(body: TPresenceBody): void {
    const message = {
      v: PAYLOAD_VERSION,
      kind: "presence",
      accountId: this.#accountId,
      replica: this.#replica,
      ...body,
    } as TPresenceBusMessage;
    // Best effort: a lost message is corrected by the next heartbeat.
    this.#deps.bus.publish(channelOf(this.#accountId), message).catch(() => undefined);
  }

  #publishState(): void {
    const viewers: Array<{ target: string; viewer: TPersonRef }> = [];
    for (const [target, users] of this.#local) {
      for (const { viewer } of users.values()) viewers.push({ target, viewer });
    }
    this.#publish({ op: "state", ttlMs: this.#deps.heartbeatMs * 3, viewers });
  }

  #beat(): void {
    if (this.#local.size > 0) this.#publishState();
    const now = Date.now();
    for (const [replica, state] of this.#remote) {
      if (state.expiresAt <= now) this.#replaceRemote(replica, null);
    }
  }

  #replaceRemote(replica: string, next: { viewers: TViewerMap; expiresAt: number } | null): void {
    const keys = [...(this.#remote.get(replica)?.viewers.keys() ?? []), ...(next?.viewers.keys() ?? [])];
    this.#changing(keys, () => {
      if (next) this.#remote.set(replica, next);
      else this.#remote.delete(replica);
    });
  }

  #receive(message: TPresenceBusMessage): void {
    if (message.replica === this.#replica) return;
    const ttlMs = this.#deps.heartbeatMs * 3;
    if (message.op === "hello") {
      if (this.#local.size > 0) this.#publishState();
      return;
    }
    if (message.op === "state") {
      const viewers: TViewerMap = new Map();
      for (const { target, viewer } of message.viewers) {
        if (!targetOf(target)) continue;
        let users = viewers.get(target);
        if (!users) {
          users = new Map();
          viewers.set(target, users);
        }
        users.set(viewer.id, viewer);
      }
      const expiresAt = Date.now() + (viewers.size > 0 ? message.ttlMs : 0);
      this.#replaceRemote(message.replica, viewers.size > 0 ? { viewers, expiresAt } : null);
      return;
    }
    if (!targetOf(message.target)) return;
    let state = this.#remote.get(message.replica);
    if (!state) {
      state = { viewers: new Map(), expiresAt: 0 };
      this.#remote.set(message.replica, state);
    }
    state.expiresAt = Date.now() + ttlMs;
    const { viewers } = state;
    this.#changing([message.target], () => {
      let users = viewers.get(message.target);
      if (message.op === "join") {
        if (!users) {
          users = new Map();
          viewers.set(message.target, users);
        }
        users.set(message.viewer.id, message.viewer);
      } else {
        users?.delete(message.viewer.id);
        if (users?.size === 0) viewers.delete(message.target);
      }
    });
  }

  /** Follows the account's presence channel until closed; after a lost connection, says hello again. */
  async #follow(): Promise<void> {
    const signal = this.#stop.signal;
    let failures = 0;
    while (!signal.aborted) {
      try {
        const subscription = await this.#deps.bus.subscribe(channelOf(this.#accountId), { signal });
        failures = 0;
        this.#publish({ op: "hello" });
        // Whatever was said while we were not listening is in the others' next state.
        if (this.#local.size > 0) this.#publishState();
        for await (const message of subscription) {
          if (isPresenceMessage(message) && message.accountId === this.#accountId) this.#receive(message);
        }
      } catch (error) {
        if (error instanceof BusClosedError) return;
        if (!(error instanceof BusUnavailableError)) {
          this.#deps.logger.warn(
            { err: error, accountId: this.#accountId },
            "presence lost the bus; listening again",
          );
        }
      }
      if (signal.aborted) return;
      failures += 1;
      await new Promise((resolve) => setTimeout(resolve, Math.min(200 * 2 ** failures, 5_000)));
    }
  }
}

type TPresenceBody =
  | { op: "join" | "leave"; target: string; viewer: TPersonRef }
  | { op: "state"; ttlMs: number; viewers: Array<{ target: string; viewer: TPersonRef }> }
  | { op: "hello" };

function signature(viewers: TPersonRef[]): string {
  return viewers.map((viewer) => `${viewer.id}\u0000${viewer.name}`).join("\u0001");
}

/** Waits for the next push, or the signal. */
function nextSignal(signal: AbortSignal): { wait(): Promise<void>; wake(): void } {
  let wake: (() => void) | null = null;
  let isPending = false;
  return {
    wait() {
      if (isPending || signal.aborted) {
        isPending = false;
        return Promise.resolve();
      }
      return new Promise<void>((resolve) => {
        const done = () => {
          wake = null;
          signal.removeEventListener("abort", done);
          resolve();
        };
        wake = done;
        signal.addEventListener("abort", done, { once: true });
      });
    },
    wake() {
      if (wake) wake();
      else isPending = true;
    },
  };
}

export function createPresenceHub(deps: TPresenceDeps): PresenceHub {
  const replica = randomUUID();
  const rooms = new Map<string, PresenceRoom>();

  function acquire(accountId: string): PresenceRoom {
    let room = rooms.get(accountId);
    if (!room) {
      room = new PresenceRoom(deps, replica, accountId);
      rooms.set(accountId, room);
    }
    room.users += 1;
    return room;
  }

  function release(accountId: string, room: PresenceRoom): void {
    room.users -= 1;
    if (room.users > 0 || rooms.get(accountId) !== room) return;
    rooms.delete(accountId);
    room.close();
  }

  return {
    async *view({ accountId, viewer, target, signal }) {
      const room = acquire(accountId);
      const key = keyOf(target);
      // Only the latest list matters: changes that pile up while the client reads are coalesced.
      let latest: TPersonRef[] | null = null;
      const pushed = nextSignal(signal);
      const stopListening = room.listen(key, (_key, viewers) => {
        latest = viewers;
        pushed.wake();
      });
      const leave = room.join(key, viewer);
      try {
        latest = null;
        yield room.viewersOf(key);
        while (!signal.aborted) {
          await pushed.wait();
          if (signal.aborted) return;
          const viewers: TPersonRef[] | null = latest;
          latest = null;
          if (viewers) yield viewers;
        }
      } finally {
        leave();
        stopListening();
        release(accountId, room);
      }
    },

    async *watch({ accountId, signal }) {
      const room = acquire(accountId);
      // Per target, only its latest list is kept until the client reads it.
      const pending = new Map<string, TPersonRef[]>();
      const pushed = nextSignal(signal);
      const stopListening = room.listen(null, (key, viewers) => {
        pending.set(key, viewers);
        pushed.wake();
      });
      try {
        for (const key of room.targetKeys()) pending.set(key, room.viewersOf(key));
        while (!signal.aborted) {
          for (const key of [...pending.keys()]) {
            // Read at the moment of sending: a change that came in meanwhile replaced it.
            const viewers = pending.get(key);
            const target = targetOf(key);
            pending.delete(key);
            if (viewers && target) yield { target, viewers };
          }
          await pushed.wait();
        }
      } finally {
        stopListening();
        release(accountId, room);
      }
    },

    stats() {
      let viewers = 0;
      for (const room of rooms.values()) viewers += room.localViewers;
      return { accounts: rooms.size, viewers };
    },

    close() {
      for (const room of rooms.values()) room.close();
      rooms.clear();
    },
  };
}
