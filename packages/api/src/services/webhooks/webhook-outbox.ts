// Outbound events enter here, in the transaction of the change they report: one WebhookMessage
// (its id is the `webhook-id` of every delivery), one WebhookDelivery per endpoint that wants it,
// and one "webhook.delivery" job per delivery, unique by key. So an event reaches each endpoint
// from exactly one job, however often the worker restarts; the job retries with the same id.
// Standard endpoints get the event types they picked; Teams and Slack channels get their team's
// escalations at or above their priority: new, overdue, and the claim and resolve that follow.
import { randomUUID } from "node:crypto";
import { type Prisma, utcTimestampSql, type WebhookEndpoint } from "@handoff/db";
import { priorityToApi } from "../../domain/enum-mapping.ts";
import type { THandoffCard } from "../../schemas/outputs.ts";
import type { TWebhookEventType } from "../../schemas/webhooks.ts";
import { HANDOFF_PRIORITIES } from "../../shared/constants.ts";
import { enqueueJobs } from "../jobs/job-queue.ts";

export const WEBHOOK_DELIVERY_JOB = "webhook.delivery";

/** What Teams and Slack channels are told about: escalations, as they start, go overdue and end. */
const CHAT_EVENT_TYPES: ReadonlySet<string> = new Set<TWebhookEventType>([
  "handoff.created",
  "handoff.overdue",
  "handoff.claimed",
  "handoff.resolved",
]);

export type TWebhookEvent = {
  accountId: string;
  type: string;
  /** One message per change (e.g. `handoff.claimed/<id>/<claimedAt>`): enqueueing it again adds nothing. */
  key: string;
  /** The body's `data`; links are added when it is sent. */
  data: Prisma.InputJsonObject & { handoff?: THandoffCard };
  /** Only this endpoint (a test event); otherwise every endpoint that wants the type. */
  endpointId?: string;
};

export const deliveryJobKey = (deliveryId: string) => `${WEBHOOK_DELIVERY_JOB}/${deliveryId}`;

/**
 * An account's enabled endpoints as enqueueWebhookEvent weighs them: include it in a read the change
 * makes anyway (`account: { select: { webhookEndpoints: enabledWebhookEndpoints } }`) and pass them,
 * so the change does not look them up in a statement of its own.
 */
export const enabledWebhookEndpoints = {
  where: { enabled: true },
  select: { id: true, kind: true, events: true, teamId: true, minPriority: true },
} satisfies Prisma.Account$webhookEndpointsArgs;

export type TWebhookTarget = Pick<WebhookEndpoint, keyof typeof enabledWebhookEndpoints.select>;

/**
 * Adds the message, its deliveries and their jobs in the caller's transaction; false when no endpoint
 * wants it. `enabled`: the account's enabled endpoints, read by the caller (enabledWebhookEndpoints);
 * omitted, they are read here.
 */
export async function enqueueWebhookEvent(
  tx: Prisma.TransactionClient,
  event: TWebhookEvent,
  enabled?: TWebhookTarget[],
): Promise<boolean> {
  const candidates =
    enabled ??
    (await tx.webhookEndpoint.findMany({
      where: { accountId: event.accountId, enabled: true, ...(event.endpointId && { id: event.endpointId }) },
      select: enabledWebhookEndpoints.select,
    }));
  const endpoints = candidates.filter((endpoint) =>
    event.endpointId ? endpoint.id === event.endpointId : wants(endpoint, event),
  );
  if (endpoints.length === 0) return false;
  const messageId = `msg_${randomUUID().replaceAll("-", "")}`;
  const deliveries = endpoints.map((endpoint) => ({ id: randomUUID(), endpointId: endpoint.id }));
  const now = utcTimestampSql(new Date());
  // One fixed statement for the message and its deliveries (Prisma compiles every createMany anew);
  // a message already there (its key) adds nothing, deliveries included.
  const [added] = await tx.$queryRaw<{ count: number }[]>`
    WITH "message" AS (
      INSERT INTO "WebhookMessage" ("id", "accountId", "type", "payload", "dedupeKey", "createdAt")
      VALUES (${messageId}, ${event.accountId}, ${event.type}, ${JSON.stringify(event.data)}::jsonb, ${event.key},
              ${now})
      ON CONFLICT DO NOTHING
      RETURNING "id"
    ), "delivery" AS (
      INSERT INTO "WebhookDelivery" ("id", "accountId", "messageId", "endpointId", "status", "attempts", "createdAt")
      SELECT "d"."id", ${event.accountId}, "message"."id", "d"."endpointId", 'PENDING', 0,
             ${now}
      FROM "message", jsonb_to_recordset(${JSON.stringify(deliveries)}::jsonb) AS "d"("id" text, "endpointId" text)
    )
    SELECT count(*)::int AS "count" FROM "message"`;
  if (!added?.count) return false;
  await enqueueJobs(
    tx,
    deliveries.map((delivery) => ({
      accountId: event.accountId,
      kind: WEBHOOK_DELIVERY_JOB,
      payload: { deliveryId: delivery.id },
      dedupeKey: deliveryJobKey(delivery.id),
    })),
  );
  return true;
}

function wants(endpoint: TWebhookTarget, event: TWebhookEvent): boolean {
  if (endpoint.kind === "STANDARD") return endpoint.events.includes(event.type);
  const handoff = event.data.handoff;
  if (!CHAT_EVENT_TYPES.has(event.type) || !handoff || handoff.intent !== "escalate") return false;
  if (endpoint.teamId !== null && endpoint.teamId !== handoff.team?.id) return false;
  const rank = HANDOFF_PRIORITIES.indexOf(handoff.priority);
  return rank >= HANDOFF_PRIORITIES.indexOf(priorityToApi(endpoint.minPriority));
}

/** A `handoff.*` event about `card`, one per change: `changedAt` tells changes of one handoff apart. */
export function handoffWebhookEvent(
  accountId: string,
  type: TWebhookEventType,
  card: THandoffCard,
  changedAt: Date | string,
  extra: Prisma.InputJsonObject = {},
): TWebhookEvent {
  const at = typeof changedAt === "string" ? changedAt : changedAt.toISOString();
  return { accountId, type, key: `${type}/${card.id}/${at}`, data: { handoff: card, ...extra } };
}
