// What the API needs of the live stream, declared here and implemented by @handoff/live, which the
// server creates once and injects as `deps.live`. The live package builds on this one, so the API
// never imports it: the shapes it relies on live beside the code that relies on them.
import type { TrackedEnvelope } from "@trpc/server";
import type { AppError } from "./domain/app-error.ts";
import type { TRole } from "./schemas/enums.ts";
import type { TEscalationEvent, TPersonRef, TPresenceChange, TPresenceTarget } from "./schemas/outputs.ts";
import type { TAuthedViewer } from "./services/auth/auth-service.ts";

/** One WebSocket connection's live streams; the transport creates one per connection. */
export type TSocketStreams = {
  live: number;
  refused: number;
  /** Ends a connection that keeps asking past its cap, so its requests stop costing the server. */
  disconnect(reason: string): void;
};

export type TLiveStreamHolder = {
  /** Always set for a signed-in viewer; an empty token would simply count as signed out. */
  authToken: string | null;
  viewer: TAuthedViewer;
  socket: TSocketStreams | undefined;
  /** The least role the stream needs: a demotion below it ends the stream. */
  minimumRole: TRole;
  /** Called once, when the login no longer allows the stream; the stream should end with `reason`. */
  onLost(reason: AppError): void;
};

export type TLiveStreamSlot = { release(): void };

export type PresenceHub = {
  /**
   * `viewer` is looking at `target` until `signal` aborts. Yields who is looking at it (everyone,
   * the viewer too), at once and after every change.
   */
  view(options: {
    accountId: string;
    viewer: TPersonRef;
    target: TPresenceTarget;
    signal: AbortSignal;
  }): AsyncGenerator<TPersonRef[]>;
  /** Every target of the account with viewers (one change per target), then each change, until `signal` aborts. */
  watch(options: { accountId: string; signal: AbortSignal }): AsyncGenerator<TPresenceChange>;
  /** Diagnostics: open rooms, and local viewers across them. */
  stats(): { accounts: number; viewers: number };
  /** Stops heartbeats and bus subscriptions; used at shutdown. */
  close(): void;
};

/** One client's escalation stream, as escalation.onEvent asks for it (after its middleware). */
export type TEscalationRequest = {
  viewer: TAuthedViewer;
  authToken: string | null;
  /** The WebSocket connection's streams, counted under the per-socket cap. */
  socket: TSocketStreams | undefined;
  lastEventId: string | null | undefined;
  /** Aborted when the client stops the subscription (tRPC's adapter; the fast path stops it itself). */
  signal?: AbortSignal;
};

/**
 * What escalation.onEvent returns: tracked events, resumable from the last event id. tRPC's own
 * adapter iterates it; @handoff/live's WebSocket path attaches to it directly, one frame per event
 * for every subscriber, without an iterator per subscriber. Nothing starts until either does.
 */
export type TEscalationSource = AsyncIterable<TrackedEnvelope<TEscalationEvent>>;

export type TLive = {
  /** Runs a query's or mutation's work ahead of the live stream's fan-out (see @handoff/live's scheduler). */
  asRequest<T>(work: () => Promise<T>): Promise<T>;
  /** Takes a slot under the stream caps (or throws the caps' AppError) and watches the login, until released. */
  holdSlot(holder: TLiveStreamHolder): TLiveStreamSlot;
  /** The account's escalation stream for one client (see TEscalationSource). */
  escalations(request: TEscalationRequest): TEscalationSource;
  /** Who is viewing which handoff or session: this process's viewers, and the other replicas' by the bus. */
  presence: PresenceHub;
};
