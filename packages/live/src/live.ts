// The live stream of one process, created once by the server and injected into the API as
// `deps.live`: one fan-out scheduler, the account hubs, the stream caps, and presence. No module
// holds state of its own; everything a stream shares lives in this instance.
import type {
  ApiDeps,
  PresenceHub,
  TEscalationRequest,
  TLive,
  TLiveStreamHolder,
  TLiveStreamSlot,
} from "@handoff/api";
import { createPresenceHub } from "./presence/presence-hub.ts";
import type { FanOutScheduler } from "./scheduler/fan-out-scheduler.ts";
import type { TAccountHubDeps } from "./stream/account-hub.ts";
import { EscalationSource } from "./stream/escalation-source.ts";
import type { TEscalationStreamDeps } from "./stream/escalation-stream.ts";
import { holdLiveStreamSlot } from "./stream/live-stream-slot.ts";
import {
  createStreamAdmission,
  type StreamAdmission,
  type TStreamLimits,
} from "./stream/stream-admission.ts";
import { createStreamHub, type StreamHub } from "./stream/stream-hub.ts";

export type TLiveDeps = TAccountHubDeps &
  Pick<ApiDeps, "connectionLogins" | "logins"> & {
    /** Caps live streams per socket and per login. */
    streamLimits: TStreamLimits;
    /** How often a process re-announces its viewers (see presence-hub.ts). */
    presenceHeartbeatMs: number;
  };

export type Live = TLive & {
  readonly scheduler: FanOutScheduler;
  /** This process's escalation streams: one hub per account. */
  readonly streams: StreamHub;
  readonly admission: StreamAdmission;
  readonly presence: PresenceHub;
  /** What escalation.onEvent returns: the request, started when attached to or iterated. */
  escalations(request: TEscalationRequest): EscalationSource;
};

export function createLive(deps: TLiveDeps): Live {
  const { scheduler, logger, connectionLogins, logins } = deps;
  const streams = createStreamHub(deps);
  const admission = createStreamAdmission(deps.streamLimits, logger);
  const slotDeps = { streamAdmission: admission, logins, connectionLogins };
  // One object for every stream: `{ ...slotDeps, streams }` per stream would give each its own hidden class.
  const streamDeps: TEscalationStreamDeps = { ...slotDeps, streams };
  const presence = createPresenceHub({ bus: deps.bus, logger, heartbeatMs: deps.presenceHeartbeatMs });
  return {
    scheduler,
    streams,
    admission,
    presence,
    asRequest: (work) => scheduler.asRequest(work),
    holdSlot: (holder: TLiveStreamHolder): TLiveStreamSlot => holdLiveStreamSlot(slotDeps, holder),
    escalations: (request) => new EscalationSource(streamDeps, request),
  };
}
