// A user's devices that receive Web Push: opt in (or change the threshold), opt out, list them.
// An endpoint belongs to the user who registered it and never moves to anyone else (with or without
// its label and threshold): a browser shared by two people gets a fresh endpoint per opt-in (the
// web app renews it), so only someone holding another person's endpoint would ask to take it over.
import type { PrismaClient } from "@handoff/db";
import type { z } from "zod";
import { AppError } from "../../domain/app-error.ts";
import { priorityToApi, priorityToDb } from "../../domain/enum-mapping.ts";
import type { ZPushSubscribeInput } from "../../schemas/inputs.ts";
import type { TPushDevice } from "../../schemas/outputs.ts";
import type { TAuthedViewer } from "../auth/auth-service.ts";
import type { TPushWireMessage } from "./push-jobs.ts";
import type { WebPushSender } from "./web-push-sender.ts";

type TViewerRef = Pick<TAuthedViewer, "id" | "accountId">;
type TPushSubscribe = z.output<typeof ZPushSubscribeInput>;

/** A user keeps a handful of browsers; more is a script, not a person. */
const MAX_DEVICES_PER_USER = 20;

export async function subscribeDevice(
  deps: { prisma: PrismaClient; webPush: Pick<WebPushSender, "isAllowedEndpoint"> },
  viewer: TViewerRef,
  input: TPushSubscribe,
): Promise<TPushDevice> {
  const { prisma } = deps;
  if (!deps.webPush.isAllowedEndpoint(input.endpoint)) {
    throw new AppError(
      "BAD_REQUEST",
      `Handoff does not send to this push service (${new URL(input.endpoint).host}). Try Chrome, Edge, Firefox or Safari.`,
    );
  }
  const device = await prisma.$transaction(async (tx) => {
    const replaced =
      input.replacesEndpoint && input.replacesEndpoint !== input.endpoint
        ? await tx.pushSubscription.findFirst({
            where: { endpoint: input.replacesEndpoint, userId: viewer.id },
          })
        : null;
    if (replaced) await tx.pushSubscription.delete({ where: { id: replaced.id } });
    const count = await tx.pushSubscription.count({
      where: { userId: viewer.id, endpoint: { not: input.endpoint } },
    });
    if (count >= MAX_DEVICES_PER_USER) {
      throw new AppError(
        "CONFLICT",
        `You already get push alerts on ${count} devices: turn them off on one you no longer use first.`,
      );
    }
    // Omitted fields keep what the device (or the subscription it replaces) had.
    const minPriority = input.minPriority ? priorityToDb(input.minPriority) : replaced?.minPriority;
    const label = input.label ?? replaced?.label;
    const fields = {
      accountId: viewer.accountId,
      userId: viewer.id,
      p256dh: input.keys.p256dh,
      auth: input.keys.auth,
      ...(minPriority && { minPriority }),
      ...(label && { label }),
    };
    const existing = await tx.pushSubscription.findUnique({ where: { endpoint: input.endpoint } });
    if (existing && existing.userId !== viewer.id) {
      // Says nothing of whose it is: the caller may be in another account.
      throw new AppError(
        "CONFLICT",
        "This push subscription is already in use. Turn push alerts off and on again in this browser to get a fresh one.",
      );
    }
    return existing
      ? tx.pushSubscription.update({ where: { id: existing.id }, data: fields })
      : tx.pushSubscription.create({ data: { endpoint: input.endpoint, ...fields } });
  });
  return toPushDevice(device);
}

export async function unsubscribeDevice(
  prisma: PrismaClient,
  viewer: TViewerRef,
  endpoint: string,
): Promise<{ isRemoved: boolean }> {
  const { count } = await prisma.pushSubscription.deleteMany({ where: { endpoint, userId: viewer.id } });
  return { isRemoved: count > 0 };
}

export async function listDevices(prisma: PrismaClient, viewer: TViewerRef): Promise<TPushDevice[]> {
  const devices = await prisma.pushSubscription.findMany({
    where: { userId: viewer.id },
    orderBy: { createdAt: "asc" },
  });
  return devices.map(toPushDevice);
}

function toPushDevice(device: {
  id: string;
  endpoint: string;
  label: string | null;
  minPriority: Parameters<typeof priorityToApi>[0];
  createdAt: Date;
  lastPushedAt: Date | null;
}): TPushDevice {
  return {
    id: device.id,
    endpoint: device.endpoint,
    label: device.label,
    minPriority: priorityToApi(device.minPriority),
    createdAt: device.createdAt.toISOString(),
    lastPushedAt: device.lastPushedAt?.toISOString() ?? null,
  };
}

/** `isRemoved`: the push service said the device is gone, so it was removed (push is off there now). */
export type TPushTestResult = { isDelivered: boolean; isRemoved: boolean; problem: string | null };

/**
 * A test alert to one of the viewer's devices, sent at once (no job, no log row): what a senior
 * checks while setting up, not at 3 a.m. A device the push service says is gone is removed.
 */
export async function sendTestPush(
  deps: { prisma: PrismaClient; webPush: Pick<WebPushSender, "send"> },
  viewer: TViewerRef,
  endpoint: string,
): Promise<TPushTestResult> {
  const device = await deps.prisma.pushSubscription.findFirst({ where: { endpoint, userId: viewer.id } });
  if (!device) throw new AppError("NOT_FOUND", "Push alerts are not on for this device: turn them on first.");
  const message: TPushWireMessage = {
    title: "Test alert from Handoff",
    body: "Push alerts reach this device, even with every Handoff tab closed.",
    url: "/escalations",
    tag: "handoff-test",
    priority: null,
    reason: "test",
  };
  const result = await deps.webPush.send(
    { endpoint, keys: { p256dh: device.p256dh, auth: device.auth } },
    JSON.stringify(message),
    { ttlSeconds: 60, urgency: "high" },
  );
  if (result.ok) {
    await deps.prisma.pushSubscription.updateMany({
      where: { id: device.id },
      data: { lastPushedAt: new Date() },
    });
    return { isDelivered: true, isRemoved: false, problem: null };
  }
  if (result.isGone) {
    await deps.prisma.pushSubscription.deleteMany({ where: { id: device.id } });
    return {
      isDelivered: false,
      isRemoved: true,
      problem: "This device's push subscription has expired and was removed: turn push alerts on again.",
    };
  }
  return {
    isDelivered: false,
    isRemoved: false,
    problem: `The push service did not take it (${result.error}). Try again in a moment.`,
  };
}
