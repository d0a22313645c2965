// What an ADMIN does with the account's webhook endpoints and Teams/Slack channels: list, add,
// edit, disable, delete, rotate a signing secret (the old one keeps signing for a grace period),
// send a test event, read the delivery log and resend a delivery (same webhook-id). URLs and
// secrets are sealed under SECRETS_KEY; a secret is shown once, on create and on rotate.
import type { PrismaClient, Team, WebhookEndpoint } from "@handoff/db";
import { AppError } from "../../domain/app-error.ts";
import { priorityToApi, priorityToDb } from "../../domain/enum-mapping.ts";
import {
  type TWebhookCreate,
  type TWebhookCreated,
  type TWebhookDeliveryView,
  type TWebhookEndpointView,
  type TWebhookEventType,
  type TWebhookList,
  type TWebhookUpdate,
  WEBHOOK_TEST_EVENT,
} from "../../schemas/webhooks.ts";
import type { TAuditSource } from "../audit/record-audit.ts";
import type { TAuthedViewer } from "../auth/auth-service.ts";
import { enqueueJobs } from "../jobs/job-queue.ts";
import type { JobWorker } from "../jobs/job-worker.ts";
import { privateHostRefusal } from "../outbound/private-address.ts";
import type { SecretBox } from "../psa/secret-box.ts";
import { recordWebhookAudit } from "./webhook-audit.ts";
import type { WebhookDeps } from "./webhook-delivery.ts";
import { deliveryJobKey, enqueueWebhookEvent, WEBHOOK_DELIVERY_JOB } from "./webhook-outbox.ts";
import { generateWebhookSecret } from "./webhook-signature.ts";

/** How long the previous secret keeps signing after a rotation, so receivers can switch over. */
export const ROTATION_GRACE_MS = 24 * 60 * 60_000;

type TDeps = { prisma: PrismaClient; webhooks: WebhookDeps; jobs: Pick<JobWorker, "kick"> };
type TViewerRef = Pick<TAuthedViewer, "accountId">;
type TEndpointWithTeam = WebhookEndpoint & { team: Pick<Team, "id" | "name"> | null };

const teamInclude = { team: { select: { id: true, name: true } } } as const;
const KIND_TO_DB = { standard: "STANDARD", teams: "TEAMS", slack: "SLACK" } as const;

export const NO_SECRETS_KEY_MESSAGE =
  "This server has no SECRETS_KEY, so it cannot keep webhook URLs and secrets. Whoever runs Handoff must set it first (see docs/operations.md, Configuration).";

export async function listWebhooks(deps: TDeps, viewer: TViewerRef): Promise<TWebhookList> {
  const endpoints = await deps.prisma.webhookEndpoint.findMany({
    where: { accountId: viewer.accountId },
    include: teamInclude,
    orderBy: { createdAt: "asc" },
  });
  return { isSecretsKeySet: deps.webhooks.secrets !== null, endpoints: endpoints.map(toView) };
}

export async function createWebhook(
  deps: TDeps,
  viewer: TViewerRef,
  input: TWebhookCreate,
  source: TAuditSource,
): Promise<TWebhookCreated> {
  const secrets = requireSecrets(deps);
  await assertReachable(deps, input.url);
  const teamId = input.kind === "standard" ? null : await teamInAccount(deps, viewer, input.teamId);
  const secret = input.kind === "standard" ? generateWebhookSecret() : null;
  const endpoint = await deps.prisma.$transaction(async (tx) => {
    const created = await tx.webhookEndpoint.create({
      data: {
        accountId: viewer.accountId,
        kind: KIND_TO_DB[input.kind],
        description: input.description,
        ...sealedUrl(secrets, viewer, input.kind, input.url),
        events: input.kind === "standard" ? input.events : [],
        teamId,
        ...(input.kind !== "standard" && { minPriority: priorityToDb(input.minPriority) }),
        sealedSecret: secret && secrets.seal(secret, viewer.accountId),
      },
      include: teamInclude,
    });
    await recordWebhookAudit(tx, source, "created", created, settingsOf(created));
    return created;
  });
  return { endpoint: toView(endpoint), secret };
}

export async function updateWebhook(
  deps: TDeps,
  viewer: TViewerRef,
  input: TWebhookUpdate,
  source: TAuditSource,
): Promise<TWebhookEndpointView> {
  const secrets = requireSecrets(deps);
  const endpoint = await endpointInAccount(deps, viewer, input.endpointId);
  const kind = endpoint.kind === "STANDARD" ? "standard" : endpoint.kind === "TEAMS" ? "teams" : "slack";
  if (input.url) await assertReachable(deps, input.url);
  if (kind === "standard" && (input.teamId !== undefined || input.minPriority !== undefined)) {
    throw new AppError(
      "BAD_REQUEST",
      "A standard endpoint picks events; teams and priorities are for Teams and Slack.",
    );
  }
  if (kind !== "standard" && input.events !== undefined) {
    throw new AppError(
      "BAD_REQUEST",
      "Teams and Slack channels get escalations; pick a team and a priority instead.",
    );
  }
  const teamId = input.teamId === undefined ? undefined : await teamInAccount(deps, viewer, input.teamId);
  const updated = await deps.prisma.$transaction(async (tx) => {
    const changed = await tx.webhookEndpoint.update({
      where: { id: endpoint.id },
      data: {
        ...(input.description !== undefined && { description: input.description }),
        ...(input.url && sealedUrl(secrets, viewer, kind, input.url)),
        ...(input.events !== undefined && { events: input.events }),
        ...(teamId !== undefined && { teamId }),
        ...(input.minPriority !== undefined && { minPriority: priorityToDb(input.minPriority) }),
        ...(input.enabled !== undefined && { enabled: input.enabled }),
      },
      include: teamInclude,
    });
    await recordWebhookAudit(tx, source, "changed", changed, {
      ...settingsOf(changed),
      isUrlChanged: Boolean(input.url),
    });
    return changed;
  });
  return toView(updated);
}

export async function deleteWebhook(
  deps: TDeps,
  viewer: TViewerRef,
  endpointId: string,
  source: TAuditSource,
): Promise<void> {
  const endpoint = await endpointInAccount(deps, viewer, endpointId);
  await deps.prisma.$transaction(async (tx) => {
    const deliveries = await tx.webhookDelivery.findMany({ where: { endpointId }, select: { id: true } });
    await tx.job.deleteMany({
      where: {
        dedupeKey: { in: deliveries.map((delivery) => deliveryJobKey(delivery.id)) },
        status: "PENDING",
      },
    });
    await tx.webhookEndpoint.delete({ where: { id: endpoint.id } });
    await recordWebhookAudit(tx, source, "deleted", endpoint);
  });
}

/** A new secret, shown once; the previous one signs alongside it for ROTATION_GRACE_MS. */
export async function rotateWebhookSecret(
  deps: TDeps,
  viewer: TViewerRef,
  endpointId: string,
  source: TAuditSource,
): Promise<TWebhookCreated> {
  const secrets = requireSecrets(deps);
  const endpoint = await endpointInAccount(deps, viewer, endpointId);
  if (!endpoint.sealedSecret)
    throw new AppError("BAD_REQUEST", "Teams and Slack channels have no signing secret.");
  const secret = generateWebhookSecret();
  const previousSecretUntil = new Date(Date.now() + ROTATION_GRACE_MS);
  const updated = await deps.prisma.$transaction(async (tx) => {
    const rotated = await tx.webhookEndpoint.update({
      where: { id: endpoint.id },
      data: {
        sealedSecret: secrets.seal(secret, viewer.accountId),
        sealedPreviousSecret: endpoint.sealedSecret,
        previousSecretUntil,
      },
      include: teamInclude,
    });
    await recordWebhookAudit(tx, source, "secret_rotated", rotated, {
      previousSecretUntil: previousSecretUntil.toISOString(),
    });
    return rotated;
  });
  return { endpoint: toView(updated), secret };
}

export async function sendTestEvent(deps: TDeps, viewer: TViewerRef, endpointId: string): Promise<void> {
  const endpoint = await endpointInAccount(deps, viewer, endpointId);
  if (!endpoint.enabled)
    throw new AppError("CONFLICT", "This endpoint is disabled: enable it to send a test event.");
  const at = new Date();
  await deps.prisma.$transaction((tx) =>
    enqueueWebhookEvent(tx, {
      accountId: viewer.accountId,
      type: WEBHOOK_TEST_EVENT,
      key: `${WEBHOOK_TEST_EVENT}/${endpoint.id}/${at.getTime()}`,
      data: { message: "A test event from Handoff.", sentAt: at.toISOString() },
      endpointId: endpoint.id,
    }),
  );
  deps.jobs.kick();
}

export async function listDeliveries(
  deps: TDeps,
  viewer: TViewerRef,
  filter: { endpointId: string; limit: number },
): Promise<TWebhookDeliveryView[]> {
  await endpointInAccount(deps, viewer, filter.endpointId);
  const deliveries = await deps.prisma.webhookDelivery.findMany({
    where: { endpointId: filter.endpointId },
    include: { message: { select: { type: true } } },
    orderBy: { createdAt: "desc" },
    take: filter.limit,
  });
  return deliveries.map((delivery) => ({
    id: delivery.id,
    messageId: delivery.messageId,
    type: delivery.message.type,
    status: delivery.status.toLowerCase() as TWebhookDeliveryView["status"],
    attempts: delivery.attempts,
    responseStatus: delivery.responseStatus,
    lastError: delivery.lastError,
    durationMs: delivery.durationMs,
    lastAttemptAt: delivery.lastAttemptAt?.toISOString() ?? null,
    deliveredAt: delivery.deliveredAt?.toISOString() ?? null,
    createdAt: delivery.createdAt.toISOString(),
  }));
}

/** Sends a delivery again (delivered or failed), with the same webhook-id and body. */
export async function resendDelivery(deps: TDeps, viewer: TViewerRef, deliveryId: string): Promise<void> {
  const delivery = await deps.prisma.webhookDelivery.findUnique({ where: { id: deliveryId } });
  if (!delivery || delivery.accountId !== viewer.accountId)
    throw new AppError("NOT_FOUND", "No delivery with that id.");
  const key = deliveryJobKey(delivery.id);
  await deps.prisma.$transaction(async (tx) => {
    const job = await tx.job.findUnique({ where: { dedupeKey: key }, select: { status: true } });
    if (job?.status === "PENDING" || job?.status === "RUNNING") {
      throw new AppError(
        "CONFLICT",
        "This delivery is still being tried; wait for it to finish before resending.",
      );
    }
    await tx.webhookDelivery.update({
      where: { id: delivery.id },
      data: { status: "PENDING", lastError: null },
    });
    if (job) {
      await tx.job.update({
        where: { dedupeKey: key },
        data: { status: "PENDING", attempts: 0, runAt: new Date(), finishedAt: null, lastError: null },
      });
    } else {
      const request = {
        accountId: viewer.accountId,
        kind: WEBHOOK_DELIVERY_JOB,
        payload: { deliveryId },
        dedupeKey: key,
      };
      await enqueueJobs(tx, [request]);
    }
  });
  deps.jobs.kick();
}

function requireSecrets(deps: TDeps): SecretBox {
  if (!deps.webhooks.secrets) throw new AppError("PRECONDITION_FAILED", NO_SECRETS_KEY_MESSAGE);
  return deps.webhooks.secrets;
}

/** Refused at once when the server may not reach it; every delivery checks again (DNS can change). */
async function assertReachable(deps: TDeps, url: string): Promise<void> {
  if (deps.webhooks.http.allowPrivateHosts) return;
  const refusal = await privateHostRefusal(url);
  if (refusal && !refusal.isRetryable) {
    throw new AppError(
      "BAD_REQUEST",
      `${refusal.reason}: Handoff only sends to such an address when WEBHOOK_ALLOW_PRIVATE_HOSTS is set.`,
    );
  }
}

function sealedUrl(
  secrets: SecretBox,
  viewer: TViewerRef,
  kind: "standard" | "teams" | "slack",
  url: string,
) {
  // A Teams or Slack URL is the credential itself: lists show only where it goes.
  const urlHint = kind === "standard" ? url : `${new URL(url).origin}/…`;
  return { sealedUrl: secrets.seal(url, viewer.accountId), urlHint };
}

async function teamInAccount(deps: TDeps, viewer: TViewerRef, teamId: string | null): Promise<string | null> {
  if (teamId === null) return null;
  const team = await deps.prisma.team.findUnique({ where: { id: teamId }, select: { accountId: true } });
  if (!team || team.accountId !== viewer.accountId)
    throw new AppError("BAD_REQUEST", "No team with that id in your account.");
  return teamId;
}

async function endpointInAccount(
  deps: TDeps,
  viewer: TViewerRef,
  endpointId: string,
): Promise<WebhookEndpoint> {
  const endpoint = await deps.prisma.webhookEndpoint.findUnique({ where: { id: endpointId } });
  if (!endpoint || endpoint.accountId !== viewer.accountId)
    throw new AppError("NOT_FOUND", "No webhook endpoint with that id.");
  return endpoint;
}

/** What an endpoint is set to, for its audit rows. */
function settingsOf(endpoint: TEndpointWithTeam) {
  return endpoint.kind === "STANDARD"
    ? { events: endpoint.events, enabled: endpoint.enabled }
    : {
        team: endpoint.team?.name ?? null,
        minPriority: priorityToApi(endpoint.minPriority),
        enabled: endpoint.enabled,
      };
}

function toView(endpoint: TEndpointWithTeam): TWebhookEndpointView {
  return {
    id: endpoint.id,
    kind: endpoint.kind.toLowerCase() as TWebhookEndpointView["kind"],
    description: endpoint.description,
    urlHint: endpoint.urlHint,
    events: endpoint.events as TWebhookEventType[],
    team: endpoint.team,
    minPriority: priorityToApi(endpoint.minPriority),
    enabled: endpoint.enabled,
    previousSecretUntil: endpoint.previousSecretUntil?.toISOString() ?? null,
    createdAt: endpoint.createdAt.toISOString(),
    updatedAt: endpoint.updatedAt.toISOString(),
  };
}
