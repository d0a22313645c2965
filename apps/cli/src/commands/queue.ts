// `handoff queue [--watch]`: the open handoffs, and with --watch the live queue: cards arrive, get
// claimed and leave. It resumes from the last event it applied after a network drop, as the web
// app does (the socket resends lastEventId; a resync notice reloads the snapshot).
import {
  createRetryDelay,
  type TEscalationEvent,
  type THandoffCard,
  type TQueueChange,
} from "@handoff/api/client-contract";
import type { TApiClient } from "../api-client.ts";
import { errorCode } from "../api-errors.ts";
import { cardLine } from "../card-lines.ts";
import type { Output } from "../output.ts";
import { applyQueueEvent, queueFromSnapshot, type TWatchedQueue } from "../watched-queue.ts";

const resubscribeDelay = createRetryDelay({ baseMs: 500, capMs: 10_000 });

export async function showQueue(client: TApiClient, out: Output): Promise<void> {
  const { handoffs, lastEventId } = await client.handoff.queue.query({});
  if (out.isJson) return out.json({ handoffs, lastEventId });
  printSnapshot(out, handoffs);
}

function printSnapshot(out: Output, handoffs: THandoffCard[]) {
  out.line(out.paint("bold", `${handoffs.length} waiting in the queue`));
  const now = Date.now();
  for (const card of handoffs) out.line(`  ${cardLine(out, card, now)}`);
}

const CHANGE_LABEL: Record<TQueueChange, string> = {
  arrived: "+ NEW    ",
  claimed: "✓ CLAIMED",
  left: "- LEFT   ",
  updated: "~ UPDATED",
};

function printChange(out: Output, change: TQueueChange, card: THandoffCard) {
  const label = out.paint(
    change === "arrived" ? "green" : change === "claimed" ? "cyan" : "dim",
    CHANGE_LABEL[change],
  );
  const detail =
    change === "claimed"
      ? `${card.problemSummary}, by ${card.claimedBy?.name ?? "someone"}  ${out.paint("dim", card.id)}`
      : change === "left"
        ? `${card.problemSummary} (its session was resolved)  ${out.paint("dim", card.id)}`
        : cardLine(out, card, Date.now());
  out.line(`${label} ${detail}`);
}

/** Runs until `signal` aborts (resolves) or the server refuses the token or role (rejects). */
export function watchQueue(client: TApiClient, out: Output, signal: AbortSignal): Promise<void> {
  return new Promise<void>((resolve, reject) => {
    let queue: TWatchedQueue = { cards: new Map(), epoch: null, lastSeq: null };
    let lastEventId: string | null = null;
    let subscription: { unsubscribe(): void } | null = null;
    let retryTimer: NodeJS.Timeout | undefined;
    let failures = 0;
    let isLost = false;

    const finish = (error?: unknown) => {
      clearTimeout(retryTimer);
      subscription?.unsubscribe();
      subscription = null;
      if (error === undefined) resolve();
      else reject(error);
    };
    signal.addEventListener("abort", () => finish(), { once: true });

    const retrySoon = (work: () => void) => {
      clearTimeout(retryTimer);
      retryTimer = setTimeout(() => !signal.aborted && work(), resubscribeDelay(failures++));
    };

    const loadSnapshot = async () => {
      subscription?.unsubscribe();
      subscription = null;
      try {
        const snapshot = await client.handoff.queue.query({});
        queue = queueFromSnapshot(snapshot.handoffs, snapshot.lastEventId);
        lastEventId = snapshot.lastEventId;
        if (out.isJson) out.json({ type: "snapshot", ...snapshot });
        else printSnapshot(out, snapshot.handoffs);
        subscribe();
      } catch (error) {
        if (isFinal(error)) return finish(error);
        out.note(`Can't load the queue (${(error as Error).message}); trying again…`);
        retrySoon(() => void loadSnapshot());
      }
    };

    const onEvent = (id: string, event: TEscalationEvent) => {
      if (event.kind === "resync") {
        out.note("The server's event log changed: reloading the queue.");
        return void loadSnapshot();
      }
      lastEventId = id;
      if (event.kind !== "handoff") return;
      const applied = applyQueueEvent(queue, id, event);
      queue = applied.queue;
      if (applied.change === null) return;
      if (out.isJson) out.json({ type: "event", id, event });
      else printChange(out, applied.change, event.handoff);
    };

    const subscribe = () => {
      subscription?.unsubscribe();
      subscription = client.escalation.onEvent.subscribe(
        { lastEventId },
        {
          onStarted() {
            failures = 0;
            if (isLost) out.note("Live again: caught up from where the connection dropped.");
            isLost = false;
          },
          onData: ({ id, data }) => onEvent(id, data),
          onConnectionStateChange(state) {
            if (state.state !== "connecting" || !state.error || isLost) return;
            isLost = true;
            out.note("Connection lost: reconnecting…");
          },
          onError(error) {
            if (isFinal(error)) return finish(error);
            isLost = true;
            out.note(`The live queue stopped (${error.message}): resuming…`);
            retrySoon(subscribe);
          },
          // The server ended the stream (a restart, a slow reader): resume from lastEventId.
          onComplete: () => retrySoon(subscribe),
        },
      );
    };

    void loadSnapshot();
  });
}

/** No point retrying: the token is gone, or the role or scopes do not allow the queue. */
function isFinal(error: unknown): boolean {
  const code = errorCode(error);
  return code === "UNAUTHORIZED" || code === "FORBIDDEN";
}
