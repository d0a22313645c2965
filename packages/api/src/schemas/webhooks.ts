// Inputs and outputs of outbound webhooks and the Teams and Slack channels (webhook.*). Imports no
// server code. Secrets go out once (on create and rotate) and are never listed; a Teams or Slack
// URL is itself a credential, so lists show only its host.
import { z } from "zod";
import { type TWebhookEventType, type TWebhookKind, WEBHOOK_EVENT_TYPES } from "../shared/webhook-events.ts";
import { ZHandoffPriority } from "./enums.ts";

export * from "../shared/webhook-events.ts";

const ZId = z.string().trim().min(1, "An id is required").max(64, "That id is too long");

/** https only: an endpoint on the public internet, or a private one the server is allowed to reach. */
export function isAllowedWebhookUrl(text: string): boolean {
  if (!URL.canParse(text)) return false;
  const url = new URL(text);
  if (url.username || url.password || url.hash) return false;
  if (url.protocol === "https:") return true;
  return url.protocol === "http:" && ["localhost", "127.0.0.1", "[::1]"].includes(url.hostname);
}

const ZWebhookUrl = z
  .string()
  .trim()
  .min(1, "Enter the endpoint's URL")
  .max(2_000, "The URL can be at most 2000 characters")
  .refine(
    isAllowedWebhookUrl,
    "The URL must be an https:// address, such as https://hooks.example.com/handoff",
  );

const ZDescription = z
  .string()
  .trim()
  .min(1, "Describe the endpoint, e.g. what receives it")
  .max(200, "The description can be at most 200 characters");

const ZEvents = z
  .array(z.enum(WEBHOOK_EVENT_TYPES, { error: `Events are ${WEBHOOK_EVENT_TYPES.join(", ")}` }))
  .min(1, "Pick at least one event")
  .transform((events) => [...new Set(events)]);

const ZStandardFields = z.object({
  kind: z.literal("standard"),
  url: ZWebhookUrl,
  description: ZDescription,
  events: ZEvents,
});

/** A Teams or Slack channel: one team's escalations (or every team's) at or above a priority. */
const ZChatFields = z.object({
  kind: z.enum(["teams", "slack"]),
  url: ZWebhookUrl,
  description: ZDescription,
  teamId: ZId.nullable(),
  minPriority: ZHandoffPriority,
});

export const ZWebhookCreateInput = z.discriminatedUnion("kind", [ZStandardFields, ZChatFields], {
  error: 'Pick a kind: "standard", "teams" or "slack"',
});
export type TWebhookCreateInput = z.input<typeof ZWebhookCreateInput>;
export type TWebhookCreate = z.output<typeof ZWebhookCreateInput>;

/** Blank URL keeps the stored one; the kind never changes. */
export const ZWebhookUpdateInput = z.object({
  endpointId: ZId,
  url: ZWebhookUrl.optional().or(z.literal("").transform(() => undefined)),
  description: ZDescription.optional(),
  events: ZEvents.optional(),
  teamId: ZId.nullable().optional(),
  minPriority: ZHandoffPriority.optional(),
  enabled: z.boolean().optional(),
});
export type TWebhookUpdate = z.output<typeof ZWebhookUpdateInput>;

export const ZWebhookEndpointInput = z.object({ endpointId: ZId });
export const ZWebhookDeliveriesInput = z.object({
  endpointId: ZId,
  limit: z.number().int().min(1).max(200).default(50),
});
export const ZWebhookDeliveryInput = z.object({ deliveryId: ZId });

// ---- outputs ---------------------------------------------------------------------------------

export type TWebhookEndpointView = {
  id: string;
  kind: TWebhookKind;
  description: string;
  /** The whole URL of a standard endpoint; the host of a Teams or Slack one. */
  urlHint: string;
  events: TWebhookEventType[];
  team: { id: string; name: string } | null;
  minPriority: z.infer<typeof ZHandoffPriority>;
  enabled: boolean;
  /** While a rotation's grace period lasts, deliveries are signed with the old secret too. */
  previousSecretUntil: string | null;
  createdAt: string;
  updatedAt: string;
};

export type TWebhookList = { isSecretsKeySet: boolean; endpoints: TWebhookEndpointView[] };

/** On create and rotate: the signing secret, shown this once (standard endpoints only). */
export type TWebhookCreated = { endpoint: TWebhookEndpointView; secret: string | null };

export type TWebhookDeliveryView = {
  id: string;
  /** The `webhook-id` header: the same on every try and resend of this event. */
  messageId: string;
  type: string;
  status: "pending" | "delivered" | "failed";
  attempts: number;
  responseStatus: number | null;
  lastError: string | null;
  durationMs: number | null;
  lastAttemptAt: string | null;
  deliveredAt: string | null;
  createdAt: string;
};
