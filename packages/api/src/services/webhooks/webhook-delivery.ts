// The "webhook.delivery" job: sends one message to one endpoint, signed (standard) or as a Teams
// card or Slack blocks, and writes the delivery log row. At-least-once: a worker that dies after
// the receiver got the request sends it again once its lease runs out, with the same `webhook-id`
// and body, so the receiver can drop the repeat. The timestamp and signature are of each attempt.
import type { PrismaClient, WebhookEndpoint, WebhookMessage } from "@handoff/db";
import { z } from "zod";
import type { TJobHandlers, TJobResult, TJobRun } from "../jobs/job-worker.ts";
import type { SecretBox } from "../psa/secret-box.ts";
import { chatContent } from "./chat-content.ts";
import { slackMessage } from "./slack-blocks.ts";
import { teamsMessage } from "./teams-card.ts";
import { postToEndpoint, type TWebhookHttp } from "./webhook-http.ts";
import { WEBHOOK_DELIVERY_JOB } from "./webhook-outbox.ts";
import { signatureHeaders } from "./webhook-signature.ts";

export type WebhookDeps = {
  /** The SECRETS_KEY box (shared with PSA credentials); null: no endpoint can be saved or used. */
  secrets: SecretBox | null;
  http: TWebhookHttp;
};

const ZPayload = z.object({ deliveryId: z.string() });

/** The body of a standard delivery: the event as the Standard Webhooks spec lays it out, with links. */
export function standardBody(message: WebhookMessage, appOrigin: string): string {
  const data = { ...(message.payload as Record<string, unknown>) };
  for (const [field, path] of [
    ["handoff", "handoffs"],
    ["session", "sessions"],
  ] as const) {
    const subject = data[field] as { id: string } | undefined;
    if (subject) data[field] = { ...subject, url: `${appOrigin}/${path}/${subject.id}` };
  }
  return JSON.stringify({ type: message.type, timestamp: message.createdAt.toISOString(), data });
}

/** The secrets that sign now: the current one, and the previous one while its grace period lasts. */
export function signingSecrets(secrets: SecretBox, endpoint: WebhookEndpoint, now: Date): string[] {
  if (!endpoint.sealedSecret) return [];
  const current = secrets.open(endpoint.sealedSecret, endpoint.accountId);
  const isInGrace =
    endpoint.sealedPreviousSecret && endpoint.previousSecretUntil && endpoint.previousSecretUntil > now;
  return isInGrace
    ? [current, secrets.open(endpoint.sealedPreviousSecret as string, endpoint.accountId)]
    : [current];
}

export function createWebhookJobHandlers(options: {
  prisma: PrismaClient;
  webhooks: WebhookDeps;
  appOrigin: string;
  retry?: { attempts: number };
}): TJobHandlers {
  const { prisma, webhooks, appOrigin } = options;

  function requestFor(endpoint: WebhookEndpoint, message: WebhookMessage, secrets: SecretBox) {
    const payload = message.payload as Record<string, unknown>;
    if (endpoint.kind === "STANDARD") {
      const body = standardBody(message, appOrigin);
      const headers = signatureHeaders(
        { id: message.id, timestamp: new Date(), body },
        signingSecrets(secrets, endpoint, new Date()),
      );
      return { body, headers };
    }
    const content = chatContent(message.type, payload, appOrigin);
    const body = endpoint.kind === "TEAMS" ? teamsMessage(content) : slackMessage(content);
    return { body: JSON.stringify(body), headers: {} };
  }

  async function deliver(payload: unknown, job: TJobRun): Promise<TJobResult> {
    const { deliveryId } = ZPayload.parse(payload);
    const delivery = await prisma.webhookDelivery.findUnique({
      where: { id: deliveryId },
      include: { endpoint: true, message: true },
    });
    if (!delivery || delivery.status === "DELIVERED") return { ok: true };
    const { endpoint, message } = delivery;
    const fail = async (error: string): Promise<TJobResult> => {
      await prisma.webhookDelivery.update({
        where: { id: deliveryId },
        data: { status: "FAILED", lastError: error },
      });
      return { ok: false, error, isRetryable: false };
    };
    if (!endpoint.enabled) return fail("The endpoint was disabled before this was delivered.");
    if (!webhooks.secrets)
      return fail("This server has no SECRETS_KEY, so it cannot open the endpoint's URL.");
    let url: string;
    let request: { body: string; headers: Record<string, string> };
    try {
      url = webhooks.secrets.open(endpoint.sealedUrl, endpoint.accountId);
      request = requestFor(endpoint, message, webhooks.secrets);
    } catch {
      return fail("The endpoint's stored URL or secret cannot be opened with this server's SECRETS_KEY.");
    }
    const sent = await postToEndpoint(webhooks.http, { url, ...request, signal: job.signal });
    const isFinal = !sent.ok && (!sent.isRetryable || job.isLastAttempt);
    await prisma.webhookDelivery.update({
      where: { id: deliveryId },
      data: {
        status: sent.ok ? "DELIVERED" : isFinal ? "FAILED" : "PENDING",
        attempts: { increment: 1 },
        responseStatus: sent.responseStatus,
        lastError: sent.error,
        durationMs: sent.durationMs,
        lastAttemptAt: new Date(),
        ...(sent.ok && { deliveredAt: new Date() }),
      },
    });
    return sent.ok
      ? { ok: true }
      : {
          ok: false,
          error: sent.error ?? "failed",
          isRetryable: sent.isRetryable,
          retryAfterMs: sent.retryAfterMs,
        };
  }

  return { [WEBHOOK_DELIVERY_JOB]: { maxAttempts: options.retry?.attempts ?? 10, run: deliver } };
}
