// One client's escalation stream: the account's events after its last event id, then live ones,
// handed to `deliver` by the account's hub (no per-subscriber iterator, promise or serialisation),
// for as long as the client stays and its login allows. Transport-free: the WebSocket server frames
// them.
import {
  type AppError,
  hasRoleAtLeast,
  type TAuthedViewer,
  type TEscalationRequest,
  type TLiveStreamHolder,
  type TLiveStreamSlot,
  type TRole,
  type TSocketStreams,
} from "@handoff/api";
import { holdLiveStreamSlot, type TLiveStreamSlotDeps } from "./live-stream-slot.ts";
import type { TPushSink } from "./pulled-items.ts";
import type { StreamHub, TFollowing, TStreamItem, TStreamSink } from "./stream-hub.ts";

/**
 * Starts the stream, or throws the caps' AppError at once; stop() ends it without a word to `end`.
 * `sink.deliver` must not block (a throw ends the stream with that error); `sink.end` is told when
 * the stream ended without being stopped: with an AppError when the login is lost (UNAUTHORIZED,
 * FORBIDDEN), with the hub's failure, or with nothing when the hub closed. The login, an API
 * token's scope and its use are escalation.onEvent's middleware's (the procedure runs for every
 * stream, whichever way it is served).
 */
export function startEscalationStream(
  deps: TEscalationStreamDeps,
  request: TEscalationRequest,
  sink: TPushSink<TStreamItem>,
): TFollowing {
  return new EscalationStream(deps, request, sink);
}

export type TEscalationStreamDeps = TLiveStreamSlotDeps & { streams: StreamHub };

/** The sink, the login's holder and the handle at once: one record per stream. */
class EscalationStream implements TStreamSink, TFollowing, TLiveStreamHolder {
  readonly authToken: string | null;
  readonly viewer: TAuthedViewer;
  readonly socket: TSocketStreams | undefined;
  readonly minimumRole: TRole;
  readonly #sink: TPushSink<TStreamItem>;
  readonly #canSeeQueue: boolean;
  readonly #following: TFollowing;
  /** Null once the stream is over and the slot given back. */
  #slot: TLiveStreamSlot | null;

  constructor(deps: TEscalationStreamDeps, request: TEscalationRequest, sink: TPushSink<TStreamItem>) {
    this.#sink = sink;
    this.authToken = request.authToken;
    this.viewer = request.viewer;
    this.socket = request.socket;
    // ENGINEER+ follow the whole stream, queue cards included. A VIEWER has no queue, only the
    // session and handoff pages it may read anyway: it gets the session.updated events (and resync
    // notices), which is what keeps those pages live, and no handoff.* cards. An engineer demoted
    // mid-stream loses it (FORBIDDEN): their next one is a VIEWER's.
    this.#canSeeQueue = hasRoleAtLeast(request.viewer.role, "engineer");
    this.minimumRole = this.#canSeeQueue ? "engineer" : "viewer";
    this.#slot = holdLiveStreamSlot(deps, this);
    this.#following = deps.streams.follow({
      accountId: request.viewer.accountId,
      lastEventId: request.lastEventId,
      sink: this,
    });
  }

  wants(item: TStreamItem): boolean {
    return this.#canSeeQueue || item.event.kind !== "handoff";
  }

  deliver(item: TStreamItem): void {
    if (this.#slot) this.#sink.deliver(item);
  }

  end(error?: unknown): void {
    if (this.#finish()) this.#sink.end(error);
  }

  onLost(reason: AppError): void {
    if (!this.#finish()) return;
    this.#following.stop();
    this.#sink.end(reason);
  }

  stop(): void {
    if (this.#finish()) this.#following.stop();
  }

  /** Gives the slot back once; false when the stream was already over. */
  #finish(): boolean {
    const slot = this.#slot;
    if (!slot) return false;
    this.#slot = null;
    slot.release();
    return true;
  }
}
