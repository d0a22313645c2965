// "@handoff/api/client-contract": all the web app and the CLI may take from the API package besides
// the router's types: the zod-free helpers and constants of ./shared, and the contract's types (erased
// at build). Must never import zod or server code (biome.json enforces it), or the browser bundle grows
// by all of zod.

export type * from "./schemas/api-tokens.ts";
export type * from "./schemas/audit.ts";
export type * from "./schemas/enums.ts";
export type * from "./schemas/inputs.ts";
export type * from "./schemas/outputs.ts";
export type * from "./schemas/psa.ts";
export type * from "./schemas/sso.ts";
export type * from "./schemas/two-factor.ts";
export type * from "./schemas/webhooks.ts";
export * from "./shared/api-token-options.ts";
export { AUDIT_ACTION_LABELS, AUDIT_ACTIONS, type TAuditAction } from "./shared/audit-actions.ts";
export { isSentAlone, MAX_BATCH_CALLS } from "./shared/batching.ts";
export { HANDOFF_PRIORITIES, LIMITS } from "./shared/constants.ts";
export { formatEventId, parseEventId, type TEventPosition } from "./shared/event-id.ts";
export {
  queueChangeOf,
  queuePositionAfter,
  queuePositionOf,
  type TQueueChange,
  type TQueuePosition,
} from "./shared/queue-events.ts";
export {
  createRetryDelay,
  type TRetryDelayOptions,
  WEB_SOCKET_RECONNECT,
} from "./shared/reconnect-delay.ts";
export { formatRelativeTime } from "./shared/relative-time.ts";
export {
  BUSINESS_DAY_MINUTES,
  DEFAULT_ESCALATION_POLICY,
  formatSpan,
  POLICY_LIMITS,
  slaClock,
  type TEscalationPolicy,
  type TSlaTone,
} from "./shared/sla.ts";
export {
  SSO_PASSWORD_OFF_MESSAGE,
  SSO_REFUSALS,
  SSO_START_FIELD,
  ssoRefusalMessage,
  type TSsoRefusal,
} from "./shared/sso-refusals.ts";
export { WEBHOOK_EVENT_TYPES, WEBHOOK_KINDS } from "./shared/webhook-events.ts";
