// This device's push subscription as the whole signed-in app needs it, without the queue's push
// control (push-alerts.ts, loaded with that control): whether the browser can push, turning it off
// on sign-out, and opening the page a clicked notification names.
import { useEffect } from "react";
import { useLocation } from "wouter";
import type { trpc } from "./trpc.ts";

export type TClient = ReturnType<typeof trpc.useUtils>["client"];

/** The message public/sw.js posts to an open tab when a notification is clicked. */
const NAVIGATE_MESSAGE = "handoff:navigate";

export function isPushSupported(): boolean {
  return (
    typeof navigator !== "undefined" &&
    "serviceWorker" in navigator &&
    typeof window !== "undefined" &&
    "PushManager" in window &&
    "Notification" in window
  );
}

export async function currentSubscription(): Promise<PushSubscription | null> {
  const registration = await navigator.serviceWorker.getRegistration("/");
  return (await registration?.pushManager.getSubscription()) ?? null;
}

/**
 * Stops pushes to this browser: on the server, and the browser's subscription itself. Sign-out
 * calls it too (best effort): the next person at this desk must not get the previous one's pages.
 */
export async function turnOffPushOnThisDevice(client: TClient): Promise<void> {
  if (!isPushSupported()) return;
  const subscription = await currentSubscription();
  if (!subscription) return;
  await client.push.unsubscribe.mutate({ endpoint: subscription.endpoint });
  await subscription.unsubscribe();
}

/** A click on a push notification with a Handoff tab open: route there in that tab (see sw.js). */
export function useOpenFromPushNotification(): void {
  const [, navigate] = useLocation();
  useEffect(() => {
    if (!isPushSupported()) return;
    const container = navigator.serviceWorker;
    const onMessage = (event: MessageEvent) => {
      const data = event.data as { type?: unknown; path?: unknown } | null;
      if (data?.type !== NAVIGATE_MESSAGE || typeof data.path !== "string") return;
      if (data.path.startsWith("/") && !data.path.startsWith("//")) navigate(data.path);
    };
    container.addEventListener("message", onMessage);
    container.startMessages();
    return () => container.removeEventListener("message", onMessage);
  }, [navigate]);
}
