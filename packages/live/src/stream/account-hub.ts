// One account's live stream on this process: a single bus subscription and a single log watcher,
// whatever the number of subscribers, feeding a bounded history that every subscriber reads from.
// Gaps are filled from the event log: when a later event reveals them, when the bus says it may have
// dropped messages (overflow, reconnect), by a check while idle (a lost publish with nothing after
// it), and by polling while the bus is unreachable. The history only ever grows in seq order. Each
// subscriber is one small record, its sink and its position: every append starts a fan-out round
// that hands each one what it lacks, so it sees every event once, in order.
import { setTimeout as sleep } from "node:timers/promises";
import {
  type ApiDeps,
  formatEventId,
  isEscalationEvent,
  parseEventId,
  readEscalationEvents,
  readLatestEscalationEvents,
  type TBusMessage,
  type TEscalationBusMessage,
  type TEscalationEvent,
} from "@handoff/api";
import { BusGapError, BusUnavailableError } from "@handoff/bus";
import type { FanOutScheduler } from "../scheduler/fan-out-scheduler.ts";
import type { IdleLogCheck, TLogChecked } from "./idle-log-check.ts";
import { RecentHistory } from "./recent-history.ts";

const LOG_PAGE_SIZE = 500;
/** How soon after a resume the log is checked for events the hub may lack (see follow). */
const RESUME_CHECK_DELAY_MS = 50;

export type TStreamItem = {
  seq: number;
  id: string;
  event: TEscalationEvent;
  /** When the event was written (epoch ms, read once here for the fan-out lag); null for a resync notice. */
  atMs: number | null;
};

/** Where a hub delivers one subscriber's events, each once and in seq order, as they come. */
export type TStreamSink = {
  /** Whether this subscriber gets the item at all (a VIEWER gets no queue cards). */
  wants(item: TStreamItem): boolean;
  /** Sends the item on; must not block. A throw ends this subscriber's stream with that error. */
  deliver(item: TStreamItem): void;
  /** The stream ended without being stopped: the hub closed (no error) or failed. */
  end(error?: unknown): void;
};

/** A subscriber's hold on a stream; stop() detaches it, and its sink hears nothing more. */
export type TFollowing = { stop(): void };

/** One subscriber: its sink and its position, nothing per subscriber but this record. */
class Follower implements TFollowing {
  /** The seq of the last item handed over (or skipped as unwanted). */
  cursor = 0;
  isEnded = false;
  readonly sink: TStreamSink;
  readonly #followers: Set<Follower>;

  constructor(sink: TStreamSink, followers: Set<Follower>) {
    this.sink = sink;
    this.#followers = followers;
  }

  stop(): void {
    this.isEnded = true;
    this.#followers.delete(this);
  }

  /** Detaches it and tells its sink why, once. */
  end(error?: unknown): void {
    if (this.isEnded) return;
    this.stop();
    this.sink.end(error);
  }
}

const EVENTS_NOT_KEPT = "Events since you last connected are no longer kept; reload the queue.";
const FELL_BEHIND = "Too many events arrived at once to hand them all over; reload the queue.";

export type TAccountHubDeps = Pick<ApiDeps, "prisma" | "bus" | "logger"> & {
  /** The process's fan-out queue: every hub's rounds take their turns there. */
  scheduler: FanOutScheduler;
  /**
   * How often an idle stream checks the event log: a publish lost while the bus was down has
   * no later event to reveal the gap.
   */
  streamLogCheckMs: number;
  /** The bus buffer of each account hub; a hub that falls further behind resumes from the event log. */
  streamBufferSize?: number;
  /** Events per account kept in memory for clients that reconnect; older positions read the log. */
  streamHistorySize: number;
};

/** What a hub is opened with: the deps, and the process's idle check that covers every hub. */
export type TAccountHubOpening = TAccountHubDeps & { logCheck: IdleLogCheck };

export class AccountHub implements TLogChecked {
  readonly accountId: string;
  readonly epoch: string;
  readonly #deps: TAccountHubOpening;
  readonly #history: RecentHistory<TStreamItem>;
  readonly #stop = new AbortController();
  readonly #followers = new Set<Follower>();
  #isFanningOut = false;
  #isLogCheckScheduled = false;
  #isAnotherRoundDue = false;
  /** Log reads and appends run one at a time, so the history only grows in seq order. */
  #exclusive: Promise<unknown> = Promise.resolve();
  #lastHeardAt = performance.now();
  #isCheckingLog = false;
  #pendingLogCheck: Promise<void> | null = null;
  #failure: unknown = null;
  readonly #onFailed: () => void;

  /** Reads the account's position and recent events, then starts following the bus and the log. */
  static async open(
    deps: TAccountHubOpening,
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
    deps: TAccountHubOpening,
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
    for (const follower of this.#followers) follower.end();
  }

  /**
   * Hands `sink` the account's events after the client's `lastEventId` (or from now, without one),
   * then live ones, until stopped, or until the hub closes or fails (`sink.end`). From the history
   * when it reaches back that far, else from the log first.
   */
  follow(sink: TStreamSink, lastEventId: string | null | undefined): TFollowing {
    const follower = new Follower(sink, this.#followers);
    this.#join(follower, lastEventId).catch((error: unknown) => follower.end(error));
    return follower;
  }

  async #join(follower: Follower, lastEventId: string | null | undefined): Promise<void> {
    const { sink } = follower;
    // A client that resumes may know of events whose publish has not reached us, or was lost. One
    // from further on than this hub waits for the log; any other is served from what the hub has
    // at once, and a check shortly after, shared by every resume meanwhile, hands it anything
    // missing in order: a reconnect storm costs a log read per RESUME_CHECK_DELAY_MS, not per client.
    if (this.#isAheadOfHub(lastEventId)) await this.#checkLogSoon();
    else if (lastEventId) this.#checkLogShortly();
    const start = startingPoint(lastEventId, this.epoch, this.position);
    if (follower.isEnded) return;
    if (start.resync) sink.deliver(this.#resyncItem(start.resync));
    let cursor = start.seq;
    let recent = this.#history.after(cursor);
    while (recent === null && !this.#isOver(follower)) {
      const page = await this.#readLog(cursor);
      if (follower.isEnded) return;
      if (page.items.length === 0 || page.isPruned) {
        // The log no longer holds what the history lacks (it was reset, or retention pruned it).
        sink.deliver(this.#resyncItem(EVENTS_NOT_KEPT));
        cursor = this.position;
      } else {
        for (const item of page.items) cursor = deliverIfWanted(sink, item);
      }
      recent = this.#history.after(cursor);
    }
    if (this.#failure) throw this.#failure;
    if (follower.isEnded) return;
    if (this.#stop.signal.aborted || recent === null) return follower.end();
    // What the history holds past its cursor reaches it by fan-out like any event, a budget of
    // followers per turn: the resumes of a reconnect storm cannot hold up everything else.
    follower.cursor = cursor;
    this.#followers.add(follower);
    if (recent.length > 0) this.#fanOut();
  }

  #checkLogShortly(): void {
    if (this.#isLogCheckScheduled) return;
    this.#isLogCheckScheduled = true;
    setTimeout(() => {
      this.#isLogCheckScheduled = false;
      if (!this.#stop.signal.aborted) void this.#catchUpOrLog();
    }, RESUME_CHECK_DELAY_MS).unref();
  }

  #isAheadOfHub(lastEventId: string | null | undefined): boolean {
    const parsed = lastEventId ? parseEventId(lastEventId) : null;
    return parsed !== null && parsed.epoch === this.epoch && parsed.seq > this.position;
  }

  #isOver(follower: Follower): boolean {
    return follower.isEnded || this.#stop.signal.aborted || this.#failure !== null;
  }

  #resyncItem(reason: string): TStreamItem {
    const seq = this.position;
    return {
      seq,
      id: formatEventId({ epoch: this.epoch, seq }),
      event: { kind: "resync", reason },
      atMs: null,
    };
  }

  async #readLog(afterSeq: number): Promise<{ items: TStreamItem[]; isPruned: boolean }> {
    const { messages, isPruned } = await readEscalationEvents(this.#deps, {
      accountId: this.accountId,
      epoch: this.epoch,
      afterSeq,
      limit: LOG_PAGE_SIZE,
    });
    return { items: messages.map(toStreamItem), isPruned };
  }

  /**
   * Hands every follower its next item, a budget of followers per turn of the event loop (see
   * fan-out-scheduler.ts). Another round follows while any follower lacks items (appends during a
   * round, or a burst).
   */
  #fanOut(): void {
    if (this.#followers.size === 0) return;
    if (this.#isFanningOut) {
      this.#isAnotherRoundDue = true;
      return;
    }
    this.#isFanningOut = true;
    const followers = [...this.#followers];
    /** `history.next(cursor)` per cursor: nearly every follower is at the same one. */
    const nextByCursor = new Map<number, TStreamItem | undefined | null>();
    let next = 0;
    this.#deps.scheduler.schedule({
      serve: (budget) => {
        const end = Math.min(next + budget, followers.length);
        for (let index = next; index < end; index += 1) {
          this.#handNextItem(followers[index] as Follower, nextByCursor);
        }
        const served = end - next;
        next = end;
        if (next === followers.length) this.#endRound();
        return served;
      },
    });
  }

  #endRound(): void {
    this.#isFanningOut = false;
    if (!this.#isAnotherRoundDue) return;
    this.#isAnotherRoundDue = false;
    this.#fanOut();
  }

  #handNextItem(follower: Follower, nextByCursor: Map<number, TStreamItem | undefined | null>): void {
    if (follower.isEnded || follower.cursor >= this.position) return;
    let next = nextByCursor.get(follower.cursor);
    if (next === undefined && !nextByCursor.has(follower.cursor)) {
      next = this.#history.next(follower.cursor);
      nextByCursor.set(follower.cursor, next);
    }
    try {
      if (next === null) {
        // Fell further behind than the history holds (a burst larger than it, in one round).
        follower.sink.deliver(this.#resyncItem(FELL_BEHIND));
        follower.cursor = this.position;
        return;
      }
      // One item per follower per round: the first event of a burst reaches everyone before the
      // second reaches anyone, so each event's latency is one pass over the followers, not several.
      if (next) follower.cursor = deliverIfWanted(follower.sink, next);
      if (follower.cursor < this.position) this.#isAnotherRoundDue = true;
    } catch (error) {
      follower.end(error);
    }
  }

  #append(message: TEscalationBusMessage): void {
    this.#history.append(toStreamItem(message));
  }

  #fail(error: unknown): void {
    if (this.#stop.signal.aborted) return;
    this.#deps.logger.error({ err: error, accountId: this.accountId }, "escalation stream hub failed");
    this.#failure = error;
    this.#onFailed();
    this.#stop.abort();
    for (const follower of this.#followers) follower.end(error);
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
        // From the hub's own position: events committed while it ran, never old enough to be pruned.
        const { messages: page } = await readEscalationEvents(this.#deps, {
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
      if (isAppended) this.#fanOut();
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
    this.#fanOut();
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

  isIdle(now: number): boolean {
    return !this.#isCheckingLog && now - this.#lastHeardAt >= this.#deps.streamLogCheckMs;
  }

  onHead(head: { epoch: string; seq: number }): void {
    // Another epoch is another log: nothing in it is this hub's (readers learn of it on resume).
    if (head.epoch !== this.epoch || head.seq <= this.position || this.#isCheckingLog) return;
    this.#isCheckingLog = true;
    void this.#catchUpOrLog().finally(() => {
      this.#isCheckingLog = false;
    });
  }

  async #follow(subscription: AsyncIterable<TBusMessage>): Promise<void> {
    // While it follows the bus, the process's idle check covers it (idle-log-check.ts).
    const stopChecking = this.#deps.logCheck.watch(this);
    try {
      for await (const message of subscription) {
        this.#lastHeardAt = performance.now();
        // Presence has a channel of its own; anything else here is not an event of this log.
        if (!isEscalationEvent(message) || message.epoch !== this.epoch) continue;
        // A failed gap read leaves the message out; the idle check brings it from the log.
        await this.#runExclusive(() => this.#accept(message)).catch((error: unknown) =>
          this.#deps.logger.warn(
            { err: error, accountId: this.accountId },
            "escalation stream could not fill a gap from the event log; retrying",
          ),
        );
      }
    } finally {
      stopChecking();
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
  return { seq, id: formatEventId(message), event, atMs: Date.parse(at) };
}

/** Hands `item` to `sink` if it wants it; returns the item's seq, the sink's new position. */
function deliverIfWanted(sink: TStreamSink, item: TStreamItem): number {
  if (sink.wants(item)) sink.deliver(item);
  return item.seq;
}
