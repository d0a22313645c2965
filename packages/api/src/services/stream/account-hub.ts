// One account's live stream on this process: a single bus subscription and a single log watcher,
// whatever the number of subscribers, feeding a bounded history that every subscriber reads from.
// Gaps are filled from the event log: when a later event reveals them, when the bus says it may have
// dropped messages (overflow, reconnect), by a check while idle (a lost publish with nothing after
// it), and by polling while the bus is unreachable. The history only ever grows in seq order, so a
// reader that follows it sees every event once, in order. Must never hold per-subscriber state.
import { setTimeout as sleep } from "node:timers/promises";
import { BusGapError, BusUnavailableError } from "@handoff/bus";
import type { ApiDeps } from "../../context.ts";
import { isPresenceMessage, type TBusMessage, type TEscalationBusMessage } from "../../domain/bus-message.ts";
import { formatEventId, parseEventId } from "../../schemas/event-id.ts";
import type { TEscalationEvent } from "../../schemas/outputs.ts";
import { shareAcrossSubscribers } from "../../transformer.ts";
import { readEscalationEvents, readLatestEscalationEvents } from "../event-log.ts";
import { RecentHistory } from "./recent-history.ts";
import { wakeInSlices } from "./wake-queue.ts";

const LOG_PAGE_SIZE = 500;

export type TStreamItem = { seq: number; id: string; event: TEscalationEvent };

export type TAccountHubDeps = Pick<
  ApiDeps,
  "prisma" | "bus" | "logger" | "streamBufferSize" | "streamLogCheckMs" | "streamHistorySize"
>;

export class AccountHub {
  readonly accountId: string;
  readonly epoch: string;
  readonly #deps: TAccountHubDeps;
  readonly #history: RecentHistory<TStreamItem>;
  readonly #stop = new AbortController();
  readonly #waiters = new Set<() => void>();
  /** Log reads and appends run one at a time, so the history only grows in seq order. */
  #exclusive: Promise<unknown> = Promise.resolve();
  #lastHeardAt = performance.now();
  #isCheckingLog = false;
  #pendingLogCheck: Promise<void> | null = null;
  #failure: unknown = null;
  readonly #onFailed: () => void;

  /** Reads the account's position and recent events, then starts following the bus and the log. */
  static async open(
    deps: TAccountHubDeps,
    accountId: string,
    hooks: { onFailed(): void },
  ): Promise<AccountHub> {
    const head = await deps.prisma.account.findUniqueOrThrow({
      where: { id: accountId },
      select: { eventEpoch: true, eventSeq: true },
    });
    const recent = await readLatestEscalationEvents(deps, {
      accountId,
      epoch: head.eventEpoch,
      upToSeq: head.eventSeq,
      limit: deps.streamHistorySize,
    });
    const hub = new AccountHub(deps, accountId, head.eventEpoch, recent.completeAfter, hooks.onFailed);
    for (const message of recent.messages) hub.#append(message);
    // Events committed after the head was read are caught up once the bus subscription is in place.
    void hub.#run().catch((error: unknown) => hub.#fail(error));
    return hub;
  }

  private constructor(
    deps: TAccountHubDeps,
    accountId: string,
    epoch: string,
    completeAfter: number,
    onFailed: () => void,
  ) {
    this.#deps = deps;
    this.#onFailed = onFailed;
    this.accountId = accountId;
    this.epoch = epoch;
    this.#history = new RecentHistory(deps.streamHistorySize, completeAfter);
  }

  get position(): number {
    return this.#history.newestSeq;
  }

  /** Stops following the bus and the log; readers still attached end. */
  close(): void {
    this.#stop.abort();
    this.#wakeReaders();
  }

  /**
   * The account's events after the client's `lastEventId` (or from now, without one), then live
   * ones, until `signal` aborts. From the history when it reaches back that far, else the log.
   */
  async *read(lastEventId: string | null | undefined, signal: AbortSignal): AsyncGenerator<TStreamItem> {
    // A client that resumes may know of events whose publish has not reached us, or was lost.
    if (lastEventId) await this.#checkLogSoon();
    const start = startingPoint(lastEventId, this.epoch, this.position);
    if (start.resync) {
      yield {
        seq: this.position,
        id: formatEventId({ epoch: this.epoch, seq: this.position }),
        event: { kind: "resync", reason: start.resync },
      };
    }
    let cursor = start.seq;
    while (true) {
      if (this.#failure) throw this.#failure;
      if (signal.aborted || this.#stop.signal.aborted) return;
      const items = this.#history.after(cursor) ?? (await this.#readLog(cursor));
      if (items.length === 0) {
        await this.#nextAppend(signal);
        continue;
      }
      for (const item of items) {
        yield item;
        cursor = item.seq;
      }
    }
  }

  async #readLog(afterSeq: number): Promise<TStreamItem[]> {
    const messages = await readEscalationEvents(this.#deps, {
      accountId: this.accountId,
      epoch: this.epoch,
      afterSeq,
      limit: LOG_PAGE_SIZE,
    });
    return messages.map(toStreamItem);
  }

  #nextAppend(signal: AbortSignal): Promise<void> {
    return new Promise((resolve) => {
      const wake = () => {
        this.#waiters.delete(wake);
        signal.removeEventListener("abort", wake);
        resolve();
      };
      this.#waiters.add(wake);
      signal.addEventListener("abort", wake, { once: true });
    });
  }

  /**
   * Wakes every waiting reader, a slice per turn of the event loop (see wake-queue.ts). A reader
   * woken late finds more items after its cursor; one that re-waits meanwhile waits for the next append.
   */
  #wakeReaders(): void {
    if (this.#waiters.size === 0) return;
    wakeInSlices(this.#waiters);
    this.#waiters.clear();
  }

  #append(message: TEscalationBusMessage): void {
    this.#history.append(toStreamItem(message));
  }

  #fail(error: unknown): void {
    if (this.#stop.signal.aborted) return;
    this.#deps.logger.error({ err: error, accountId: this.accountId }, "escalation stream hub failed");
    this.#failure = error;
    this.#onFailed();
    this.close();
  }

  #runExclusive<T>(task: () => Promise<T>): Promise<T> {
    const run = this.#exclusive.then(task);
    this.#exclusive = run.catch(() => undefined);
    return run;
  }

  /** Appends what the log holds after our position (and before `beforeSeq`), in order. */
  async #catchUp(beforeSeq = Number.POSITIVE_INFINITY): Promise<void> {
    let isAppended = false;
    try {
      while (true) {
        const page = await readEscalationEvents(this.#deps, {
          accountId: this.accountId,
          epoch: this.epoch,
          afterSeq: this.position,
          limit: LOG_PAGE_SIZE,
        });
        for (const message of page) {
          if (message.seq >= beforeSeq) return;
          this.#append(message);
          isAppended = true;
        }
        if (page.length < LOG_PAGE_SIZE) return;
      }
    } finally {
      if (isAppended) this.#wakeReaders();
    }
  }

  /**
   * A log check that starts after this call; callers that come while it waits share it, so a
   * reconnect storm costs a handful of reads, not one per client.
   */
  #checkLogSoon(): Promise<void> {
    this.#pendingLogCheck ??= this.#catchUpOrLog(() => {
      this.#pendingLogCheck = null;
    });
    return this.#pendingLogCheck;
  }

  /** A catch-up whose failure (the database unreachable) is logged; the next check tries again. */
  async #catchUpOrLog(onStart: () => void = () => undefined): Promise<void> {
    const catchUp = () => {
      onStart();
      return this.#catchUp();
    };
    await this.#runExclusive(catchUp).catch((error: unknown) =>
      this.#deps.logger.warn(
        { err: error, accountId: this.accountId },
        "escalation stream could not read the event log; retrying",
      ),
    );
  }

  async #accept(message: TEscalationBusMessage): Promise<void> {
    if (message.seq <= this.position) return;
    if (message.seq > this.position + 1) await this.#catchUp(message.seq);
    this.#append(message);
    this.#wakeReaders();
  }

  async #run(): Promise<void> {
    let isBusDown = false;
    const signal = this.#stop.signal;
    while (!signal.aborted) {
      // Listen first, then read the backlog: nothing committed in between can be missed.
      const subscription = await this.#subscribeUnlessBusDown();
      if ((subscription === null) !== isBusDown) {
        isBusDown = !isBusDown;
        this.#deps.logger.warn(
          { accountId: this.accountId },
          isBusDown
            ? "escalation bus unavailable; polling the event log"
            : "escalation bus back; streaming live",
        );
      }
      try {
        await this.#catchUpOrLog();
        if (!subscription) {
          await sleep(this.#deps.streamLogCheckMs, undefined, { signal }).catch(() => undefined);
          continue;
        }
        await this.#follow(subscription);
      } catch (error) {
        if (!(error instanceof BusGapError)) throw error;
        this.#deps.logger.warn(
          { accountId: this.accountId, position: this.position },
          "escalation stream may have missed bus messages; resuming from the event log",
        );
      } finally {
        subscription?.close();
      }
    }
  }

  async #follow(subscription: AsyncIterable<TBusMessage>): Promise<void> {
    const checkMs = this.#deps.streamLogCheckMs;
    const idleCheck = setInterval(() => {
      // Never more than one check at a time, however slow the database is.
      if (this.#isCheckingLog || performance.now() - this.#lastHeardAt < checkMs) return;
      this.#isCheckingLog = true;
      void this.#catchUpOrLog().finally(() => {
        this.#isCheckingLog = false;
      });
    }, checkMs);
    try {
      for await (const message of subscription) {
        this.#lastHeardAt = performance.now();
        // Presence has a channel of its own; anything else here is not an event of this log.
        if (isPresenceMessage(message) || message.epoch !== this.epoch) continue;
        // A failed gap read leaves the message out; the idle check brings it from the log.
        await this.#runExclusive(() => this.#accept(message)).catch((error: unknown) =>
          this.#deps.logger.warn(
            { err: error, accountId: this.accountId },
            "escalation stream could not fill a gap from the event log; retrying",
          ),
        );
      }
    } finally {
      clearInterval(idleCheck);
    }
  }

  /** The bus subscription, or null while the bus is unreachable: the hub then polls the event log. */
  async #subscribeUnlessBusDown() {
    try {
      return await this.#deps.bus.subscribe(this.accountId, {
        signal: this.#stop.signal,
        bufferSize: this.#deps.streamBufferSize,
      });
    } catch (error) {
      if (!(error instanceof BusUnavailableError)) throw error;
      return null;
    }
  }
}

function startingPoint(
  lastEventId: string | null | undefined,
  epoch: string,
  position: number,
): { seq: number; resync?: string } {
  // No position: the client has just loaded its queue, so only what happens from now on.
  if (!lastEventId) return { seq: position };
  const parsed = parseEventId(lastEventId);
  if (!parsed) return { seq: position, resync: "The last event id was not recognised; reload the queue." };
  if (parsed.epoch !== epoch) {
    return { seq: position, resync: "The event log was reset since you last connected; reload the queue." };
  }
  if (parsed.seq > position) {
    return { seq: position, resync: "The last event id is ahead of the event log; reload the queue." };
  }
  return { seq: parsed.seq };
}

function toStreamItem(message: TEscalationBusMessage): TStreamItem {
  const { seq, at } = message;
  const event: TEscalationEvent =
    message.type === "session.updated"
      ? { kind: "session", type: message.type, seq, at, session: message.session }
      : { kind: "handoff", type: message.type, seq, at, handoff: message.handoff };
  return { seq, id: formatEventId(message), event: shareAcrossSubscribers(event) };
}
