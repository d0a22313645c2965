// The live escalation stream of one account: listen on the bus first, then replay the event
// log after the client's position, then go live, skipping what was already sent. Gaps are
// filled from the event log: when a later event reveals them, when the bus says it may have
// dropped messages (overflow, reconnect), and by a periodic check while idle (a lost publish
// with nothing after it); while the bus is unreachable the stream polls the log instead. So
// every event reaches the client once, in order.
import { setTimeout as sleep } from "node:timers/promises";
import { BusGapError, BusUnavailableError } from "@handoff/bus";
import type { ApiDeps } from "../context.ts";
import type { TEscalationBusMessage } from "../domain/bus-message.ts";
import { formatEventId, parseEventId } from "../schemas/event-id.ts";
import type { TEscalationEvent } from "../schemas/outputs.ts";
import { readEscalationEvents } from "./event-log.ts";

const REPLAY_PAGE_SIZE = 500;

export type TStreamItem = { id: string; event: TEscalationEvent };

type TStreamDeps = Pick<ApiDeps, "prisma" | "bus" | "logger" | "streamBufferSize" | "streamLogCheckMs">;

export async function* streamEscalationEvents(
  deps: TStreamDeps,
  options: { accountId: string; lastEventId: string | null | undefined; signal: AbortSignal },
): AsyncGenerator<TStreamItem> {
  const { accountId, signal } = options;
  const head = await deps.prisma.account.findUniqueOrThrow({
    where: { id: accountId },
    select: { eventEpoch: true, eventSeq: true },
  });
  const start = startingPoint(options.lastEventId, head.eventEpoch, head.eventSeq);
  if (start.resync) {
    yield {
      id: formatEventId({ epoch: head.eventEpoch, seq: head.eventSeq }),
      event: { kind: "resync", reason: start.resync },
    };
  }
  let position = start.seq;

  /** What the log holds after `position` (and before `beforeSeq`), in order. */
  async function* catchUp(beforeSeq = Number.POSITIVE_INFINITY): AsyncGenerator<TStreamItem> {
    for await (const message of replay(deps, accountId, head.eventEpoch, position)) {
      if (message.seq >= beforeSeq) return;
      position = message.seq;
      yield toStreamItem(message);
    }
  }

  let isBusDown = false;
  while (!signal.aborted) {
    // Listen first, then read the backlog: nothing committed in between can be missed.
    const subscription = await subscribeUnlessBusDown(deps, accountId, signal);
    if ((subscription === null) !== isBusDown) {
      isBusDown = !isBusDown;
      deps.logger.warn(
        { accountId },
        isBusDown
          ? "escalation bus unavailable; polling the event log"
          : "escalation bus back; streaming live",
      );
    }
    try {
      yield* catchUp();
      if (!subscription) {
        await sleep(deps.streamLogCheckMs, undefined, { signal }).catch(() => undefined);
        continue;
      }
      const live = subscription[Symbol.asyncIterator]();
      let pending = readAhead(live);
      while (true) {
        const next = await nextOrTimeout(pending, deps.streamLogCheckMs);
        if (next === TIMED_OUT) {
          yield* catchUp();
          continue;
        }
        if (next.done) break;
        pending = readAhead(live);
        const message = next.value;
        if (message.seq <= position) continue;
        if (message.seq > position + 1) yield* catchUp(message.seq);
        position = message.seq;
        yield toStreamItem(message);
      }
    } catch (error) {
      if (!(error instanceof BusGapError)) throw error;
      deps.logger.warn(
        { accountId, position },
        "escalation stream may have missed bus messages; resuming from the event log",
      );
    } finally {
      subscription?.close();
    }
  }
}

/** The bus subscription, or null while the bus is unreachable: the stream then polls the event log. */
async function subscribeUnlessBusDown(deps: TStreamDeps, accountId: string, signal: AbortSignal) {
  try {
    return await deps.bus.subscribe(accountId, { signal, bufferSize: deps.streamBufferSize });
  } catch (error) {
    if (!(error instanceof BusUnavailableError)) throw error;
    return null;
  }
}

function startingPoint(
  lastEventId: string | null | undefined,
  epoch: string,
  currentSeq: number,
): { seq: number; resync?: string } {
  // No position: the client has just loaded its queue, so only what happens from now on.
  if (!lastEventId) return { seq: currentSeq };
  const parsed = parseEventId(lastEventId);
  if (!parsed) return { seq: currentSeq, resync: "The last event id was not recognised; reload the queue." };
  if (parsed.epoch !== epoch) {
    return { seq: currentSeq, resync: "The event log was reset since you last connected; reload the queue." };
  }
  if (parsed.seq > currentSeq) {
    return { seq: currentSeq, resync: "The last event id is ahead of the event log; reload the queue." };
  }
  return { seq: parsed.seq };
}

async function* replay(deps: TStreamDeps, accountId: string, epoch: string, afterSeq: number) {
  let cursor = afterSeq;
  while (true) {
    const page = await readEscalationEvents(deps.prisma, {
      accountId,
      epoch,
      afterSeq: cursor,
      limit: REPLAY_PAGE_SIZE,
    });
    yield* page;
    const last = page.at(-1);
    if (!last || page.length < REPLAY_PAGE_SIZE) return;
    cursor = last.seq;
  }
}

const TIMED_OUT = Symbol("timed out");

/**
 * Starts the next read before the current message is handed on. Its failure (a bus disconnect)
 * may come while we are suspended at a yield: it is marked handled here and still seen by the
 * next nextOrTimeout(), so it never becomes an unhandled rejection that would end the process.
 */
function readAhead<T>(live: AsyncIterator<T>): Promise<IteratorResult<T>> {
  const read = live.next();
  read.catch(() => undefined);
  return read;
}

/** The pending read, or TIMED_OUT after `ms`; the read stays pending for the next call. */
async function nextOrTimeout<T>(pending: Promise<T>, ms: number): Promise<T | typeof TIMED_OUT> {
  let timer: NodeJS.Timeout | undefined;
  const timeout = new Promise<typeof TIMED_OUT>((resolve) => {
    timer = setTimeout(() => resolve(TIMED_OUT), ms);
  });
  try {
    return await Promise.race([pending, timeout]);
  } finally {
    clearTimeout(timer);
  }
}

function toStreamItem(message: TEscalationBusMessage): TStreamItem {
  return {
    id: formatEventId(message),
    event: {
      kind: "handoff",
      type: message.type,
      seq: message.seq,
      at: message.at,
      handoff: message.handoff,
    },
  };
}
