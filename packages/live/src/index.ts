// Public surface of @handoff/live: the live stream of one process (created once by the server and
// injected into the API as `deps.live`) and its tRPC WebSocket protocol (src/wire).
export { createLive, type Live, type TLiveDeps } from "./live.ts";
export { createPresenceHub } from "./presence/presence-hub.ts";
export { FanOutScheduler, type TFanOutRound } from "./scheduler/fan-out-scheduler.ts";
export type { StreamAdmission, TStreamLimits } from "./stream/stream-admission.ts";
export type { StreamHub, TFollowing, TStreamItem } from "./stream/stream-hub.ts";
export { createTrackedDataFrames } from "./wire/tracked-data-frame.ts";
export { createTrpcDelegate, DelegatedSocketView, type TDelegatedRequest } from "./wire/trpc-delegate.ts";
export { errorFrame, RECONNECT_NOTICE } from "./wire/trpc-wire.ts";
export { type TWireConnection, type TWireOptions, WireSession } from "./wire/wire-session.ts";
