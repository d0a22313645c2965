// "@handoff/api/helpers": all the web app may take from the API package besides the router's
// types: zod-free helpers and constants, and the contract's types (erased at build). Must never
// import zod or server code (biome.json enforces it), or the browser bundle grows by all of zod.

export { HANDOFF_PRIORITIES, LIMITS } from "./schemas/constants.ts";
export type * from "./schemas/enums.ts";
export { formatEventId, parseEventId, type TEventPosition } from "./schemas/event-id.ts";
export type * from "./schemas/inputs.ts";
export type * from "./schemas/outputs.ts";
export type * from "./schemas/psa.ts";
export {
  createRetryDelay,
  type TRetryDelayOptions,
  WEB_SOCKET_RECONNECT,
} from "./schemas/reconnect-delay.ts";
export { formatRelativeTime } from "./schemas/relative-time.ts";
export {
  BUSINESS_DAY_MINUTES,
  DEFAULT_ESCALATION_POLICY,
  formatSpan,
  POLICY_LIMITS,
  slaClock,
  type TEscalationPolicy,
  type TSlaTone,
} from "./schemas/sla.ts";
