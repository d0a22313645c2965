// The live escalation stream of one account: listen on the bus first, then replay the event
// log after the client's position, then go live, skipping what was already sent. Gaps are
// filled from the event log: when a later event reveals them, when the bus says it may have
// dropped messages (overflow, reconnect), and by a periodic check while idle (a lost publish
// with nothing after it). So every event reaches the client once, in order.
import { BusGapError } from "@handoff/bus";
import type { ApiDeps } from "../context.ts";
import type { TEscalationBusMessage } from "../domain/bus-message.ts";
import { formatEventId, parseEventId } from "../domain/event-id.ts";
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
  let position: number | null = null;

  while (!signal.aborted) {
    const subscription = await deps.bus.subscribe(accountId, { signal, bufferSize: deps.streamBufferSize });
    try {
      const log = await deps.prisma.account.findUniqueOrThrow({
        where: { id: accountId },
        select: { eventEpoch: true, eventSeq: true },
      });
      if (position === null) {
        const start = startingPoint(options.lastEventId, log.eventEpoch, log.eventSeq);
        if (start.resync) {
          yield {
            id: formatEventId({ epoch: log.eventEpoch, seq: log.eventSeq }),
            event: { kind: "resync", reason: start.resync },
          };
        }
        position = start.seq;
      }

      const replayFrom: number = position;
      for await (const message of replay(deps, accountId, log.eventEpoch, replayFrom)) {
        position = message.seq;
        yield toStreamItem(message);
      }

      const live = subscription[Symbol.asyncIterator]();
      let pending = live.next();
      while (true) {
        const next = await nextOrTimeout(pending, deps.streamLogCheckMs);
        if (next === TIMED_OUT) {
          for await (const missed of replay(deps, accountId, log.eventEpoch, position)) {
            position = missed.seq;
            yield toStreamItem(missed);
          }
          continue;
        }
        if (next.done) break;
        pending = live.next();
        const message = next.value;
        if (message.seq <= position) continue;
        if (message.seq > position + 1) {
          for await (const missed of replay(deps, accountId, log.eventEpoch, position)) {
            if (missed.seq >= message.seq) break;
            position = missed.seq;
            yield toStreamItem(missed);
          }
        }
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
      subscription.close();
    }
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
