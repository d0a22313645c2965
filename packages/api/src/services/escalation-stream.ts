// The live escalation stream of one account: listen on the bus first, then replay the event
// log after the client's position, then go live, skipping what was already sent. A gap in
// the live feed (a lost publish) or a bus overflow is filled from the event log, so every
// event reaches the client once, in order.
import { BusGapError } from "@handoff/bus";
import type { ApiDeps } from "../context.ts";
import type { TEscalationBusMessage } from "../domain/bus-message.ts";
import { formatEventId, parseEventId } from "../domain/event-id.ts";
import type { TEscalationEvent } from "../schemas/outputs.ts";
import { readEscalationEvents } from "./event-log.ts";

const REPLAY_PAGE_SIZE = 500;

export type TStreamItem = { id: string; event: TEscalationEvent };

type TStreamDeps = Pick<ApiDeps, "prisma" | "bus" | "logger" | "streamBufferSize">;

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

      for await (const message of subscription) {
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
