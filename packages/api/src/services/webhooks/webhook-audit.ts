// The audit rows of webhook endpoints and Teams/Slack channels: one action per change, the endpoint
// as target (its description as label), and what it points at by its shown hint only: a Teams or
// Slack URL is itself a credential, and a secret is never recorded.
import type { Prisma, WebhookEndpoint } from "@handoff/db";
import { recordAudit, type TAuditSource } from "../audit/record-audit.ts";

type TWebhookChange = "created" | "changed" | "deleted" | "secret_rotated";

export async function recordWebhookAudit(
  tx: Pick<Prisma.TransactionClient, "auditEvent">,
  source: TAuditSource,
  change: TWebhookChange,
  endpoint: Pick<WebhookEndpoint, "id" | "kind" | "description" | "urlHint">,
  details: Prisma.InputJsonObject = {},
): Promise<void> {
  const action =
    endpoint.kind === "STANDARD" || change === "secret_rotated"
      ? (`webhook.${change}` as const)
      : (`chat_channel.${change}` as const);
  await recordAudit(tx, source, {
    action,
    target: { type: "webhook_endpoint", id: endpoint.id, label: endpoint.description },
    details: { kind: endpoint.kind.toLowerCase(), urlHint: endpoint.urlHint, ...details },
  });
}
