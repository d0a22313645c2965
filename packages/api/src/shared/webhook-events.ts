// The webhook event types and endpoint kinds: zod-free, so the web app can list them.

export const WEBHOOK_EVENT_TYPES = [
  "handoff.created",
  "handoff.claimed",
  "handoff.released",
  "handoff.resolved",
  "handoff.overdue",
  "session.resolved",
] as const;
export type TWebhookEventType = (typeof WEBHOOK_EVENT_TYPES)[number];
/** Sent only by "Send test event", to the one endpoint. */
export const WEBHOOK_TEST_EVENT = "webhook.test";

export const WEBHOOK_KINDS = ["standard", "teams", "slack"] as const;
export type TWebhookKind = (typeof WEBHOOK_KINDS)[number];
