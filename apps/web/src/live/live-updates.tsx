// Keeps the cached sessions, session and handoff pages current from the account's live stream
// instead of polling, and shows how that stream is doing. Works for every role: a VIEWER's stream
// carries only session.updated events, and every handoff change is followed by one of those.
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
  if (event.kind === "handoff") return utils.handoff.byId.invalidate({ handoffId: event.handoff.id });
  const sessionId = event.session.id;
  return Promise.all([
    utils.session.byId.invalidate({ sessionId }),
    utils.session.list.invalidate(),
    // The session's handoff pages: claims, releases and withdrawals change them too.
    utils.handoff.byId.invalidate(undefined, {
      predicate: (query) => isHandoffOf(query.state.data, sessionId),
    }),
  ]);
}

function isHandoffOf(data: unknown, sessionId: string): boolean {
  return typeof data === "object" && data !== null && "sessionId" in data && data.sessionId === sessionId;
}
