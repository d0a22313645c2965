// Keeps the cached sessions, session and handoff pages current from the account's live stream
// (ENGINEER+; render it only for them) instead of polling, and shows how that stream is doing.
import { trpc } from "../lib/trpc.ts";
import { ConnectionPill } from "./connection-pill.tsx";
import { type TLiveEvent, useEscalationStream } from "./use-escalation-stream.ts";

type TUtils = ReturnType<typeof trpc.useUtils>;

export function LiveUpdates() {
  const utils = trpc.useUtils();
  const { connection } = useEscalationStream({
    // Nothing to position: the stream starts from now, and onStarted reloads what is on screen,
    // so whatever happened before it started (or while it was down) is picked up too.
    loadSnapshot: async () => null,
    onStarted: () => void utils.invalidate(),
    onEvent: (_eventId, event) => void refreshAffected(utils, event),
  });
  return <ConnectionPill connection={connection} />;
}

/** Invalidation refetches only what is on screen; the rest reloads when next shown. */
function refreshAffected(utils: TUtils, event: TLiveEvent): Promise<unknown> {
  if (event.kind === "session") {
    return Promise.all([
      utils.session.byId.invalidate({ sessionId: event.session.id }),
      utils.session.list.invalidate(),
    ]);
  }
  const { handoff } = event;
  return Promise.all([
    utils.handoff.byId.invalidate({ handoffId: handoff.id }),
    utils.session.byId.invalidate({ sessionId: handoff.sessionId }),
    utils.session.list.invalidate(),
  ]);
}
