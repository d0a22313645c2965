// One client's escalation stream: the account's events after its last event id, then live ones,
// handed to `deliver` by the account's hub (no per-subscriber iterator or serialisation), for as
// long as the client stays and its login allows. Transport-free: the WebSocket server frames them.
import type { ApiDeps } from "../../context.ts";
import type { AppError } from "../../domain/app-error.ts";
import { hasRoleAtLeast } from "../../domain/roles.ts";
import type { TAuthedViewer } from "../auth-service.ts";
import { holdLiveStreamSlot } from "./live-stream-slot.ts";
import type { TSocketStreams } from "./stream-admission.ts";
import type { TStreamItem } from "./stream-hub.ts";

export type TEscalationStreamRequest = {
  viewer: TAuthedViewer;
  authToken: string | null;
  socket: TSocketStreams;
  lastEventId: string | null | undefined;
  /** Must not block; a throw ends the stream with that error. */
  deliver(item: TStreamItem): void;
  /** Aborted when the client stops the stream or goes. */
  signal: AbortSignal;
};

/**
 * Starts the stream, or throws the caps' AppError at once. The returned promise resolves when
 * `signal` aborts, and rejects with an AppError when the login is lost (UNAUTHORIZED, FORBIDDEN)
 * or with the hub's failure.
 */
export function startEscalationStream(
  deps: Pick<ApiDeps, "streams" | "streamAdmission" | "logins" | "connectionLogins">,
  request: TEscalationStreamRequest,
): Promise<void> {
  const { viewer } = request;
  // ENGINEER+ follow the whole stream, queue cards included. A VIEWER has no queue, only the
  // session and handoff pages it may read anyway: it gets the session.updated events (and resync
  // notices), which is what keeps those pages live, and no handoff.* cards. An engineer demoted
  // mid-stream loses it (FORBIDDEN): their next one is a VIEWER's.
  const canSeeQueue = hasRoleAtLeast(viewer.role, "engineer");
  const stream = new AbortController();
  let lostReason: AppError | null = null;
  const release = holdLiveStreamSlot(deps, {
    authToken: request.authToken,
    viewer,
    socket: request.socket,
    minimumRole: canSeeQueue ? "engineer" : "viewer",
    onLost(reason) {
      lostReason = reason;
      stream.abort();
    },
  });
  const onClientGone = () => stream.abort();
  request.signal.addEventListener("abort", onClientGone, { once: true });
  const following = deps.streams.follow({
    accountId: viewer.accountId,
    lastEventId: request.lastEventId,
    signal: stream.signal,
    sink: {
      wants: (item) => canSeeQueue || item.event.kind !== "handoff",
      deliver: request.deliver,
    },
  });
  return following
    .then(() => {
      if (lostReason) throw lostReason;
    })
    .finally(() => {
      release();
      request.signal.removeEventListener("abort", onClientGone);
      stream.abort();
    });
}
