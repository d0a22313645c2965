// Push alerts on this device (Web Push through public/sw.js): they arrive with every Handoff tab
// closed. Opt-in per device with a priority threshold; the server keeps one subscription per
// browser. Never subscribes without a click (the browser asks for permission then), and a device
// whose subscription no longer matches the server's key or list is shown as off, not silently
// re-enabled.
import type { THandoffPriority } from "@handoff/api/client-contract";
import { useCallback, useEffect, useState } from "react";
import { errorMessage } from "./api-errors.ts";
import {
  currentSubscription,
  isPushSupported,
  type TClient,
  turnOffPushOnThisDevice,
} from "./push-device.ts";
import { trpc } from "./trpc.ts";

export type TPushStatus = "unsupported" | "blocked" | "checking" | "off" | "on";

export type TPushState = {
  status: TPushStatus;
  minPriority: THandoffPriority;
  isBusy: boolean;
  error: string | null;
  /** What the last test alert did ("Sent: …" or why not). */
  testOutcome: string | null;
};

const BLOCKED_MESSAGE = "Notifications are blocked for this site: allow them in the browser's site settings.";

function subscriptionInput(subscription: PushSubscription) {
  const { endpoint = subscription.endpoint, keys = {} } = subscription.toJSON();
  return { endpoint, keys: { p256dh: keys.p256dh ?? "", auth: keys.auth ?? "" } };
}

function base64UrlToBytes(value: string): Uint8Array<ArrayBuffer> {
  const base64 = value.replace(/-/g, "+").replace(/_/g, "/");
  const binary = atob(base64.padEnd(Math.ceil(base64.length / 4) * 4, "="));
  return Uint8Array.from(binary, (char) => char.charCodeAt(0));
}

/** Whether the browser subscribed with this server key (a new key means subscribing again). */
function isSubscribedWith(subscription: PushSubscription, publicKey: string): boolean {
  const key = subscription.options.applicationServerKey;
  if (!key) return false;
  const current = new Uint8Array(key);
  const expected = base64UrlToBytes(publicKey);
  return current.length === expected.length && current.every((byte, index) => byte === expected[index]);
}

/** "Chrome on macOS": enough to tell one's devices apart. */
export function deviceLabel(userAgent: string): string {
  const browser = /Edg\//.test(userAgent)
    ? "Edge"
    : /Firefox\//.test(userAgent)
      ? "Firefox"
      : /Chrome\//.test(userAgent)
        ? "Chrome"
        : /Safari\//.test(userAgent)
          ? "Safari"
          : "Browser";
  const system = /Android/.test(userAgent)
    ? "Android"
    : /iPhone|iPad/.test(userAgent)
      ? "iOS"
      : /Windows/.test(userAgent)
        ? "Windows"
        : /Mac OS X/.test(userAgent)
          ? "macOS"
          : /Linux/.test(userAgent)
            ? "Linux"
            : null;
  return system ? `${browser} on ${system}` : browser;
}

export function usePushAlerts() {
  const { client } = trpc.useUtils();
  const [state, setState] = useState<TPushState>(() => ({
    status: !isPushSupported()
      ? "unsupported"
      : Notification.permission === "denied"
        ? "blocked"
        : "checking",
    minPriority: "high",
    isBusy: false,
    error: null,
    testOutcome: null,
  }));

  useEffect(() => {
    if (state.status !== "checking") return;
    let isCurrent = true;
    readDeviceState(client)
      .then((next) => isCurrent && setState((previous) => ({ ...previous, ...next })))
      .catch(() => isCurrent && setState((previous) => ({ ...previous, status: "off" })));
    return () => {
      isCurrent = false;
    };
  }, [client, state.status]);

  const run = useCallback(async (work: () => Promise<Partial<TPushState>>) => {
    setState((previous) => ({ ...previous, isBusy: true, error: null, testOutcome: null }));
    try {
      const next = await work();
      setState((previous) => ({ ...previous, ...next, isBusy: false }));
    } catch (error) {
      setState((previous) => ({ ...previous, isBusy: false, error: errorMessage(error) }));
    }
  }, []);

  const enable = useCallback(
    (minPriority: THandoffPriority) =>
      run(async () => {
        const permission = await Notification.requestPermission();
        if (permission !== "granted") {
          return { status: permission === "denied" ? "blocked" : "off", error: BLOCKED_MESSAGE };
        }
        await subscribeThisDevice(client, minPriority);
        return { status: "on", minPriority };
      }),
    [client, run],
  );

  const changeMinPriority = useCallback(
    (minPriority: THandoffPriority) =>
      run(async () => {
        const subscription = await currentSubscription();
        if (!subscription) await subscribeThisDevice(client, minPriority);
        else await client.push.subscribe.mutate({ ...subscriptionInput(subscription), minPriority });
        return { status: "on", minPriority };
      }),
    [client, run],
  );

  const disable = useCallback(
    () =>
      run(async () => {
        await turnOffPushOnThisDevice(client);
        return { status: "off" };
      }),
    [client, run],
  );

  const sendTest = useCallback(
    () =>
      run(async () => {
        const subscription = await currentSubscription();
        if (!subscription) return { status: "off" };
        const test = await client.push.test.mutate({ endpoint: subscription.endpoint });
        if (test.isDelivered) return { testOutcome: "Test alert sent: it should show in a few seconds." };
        return { testOutcome: test.problem, ...(test.isRemoved && { status: "off" as const }) };
      }),
    [client, run],
  );

  return { ...state, enable, changeMinPriority, disable, sendTest };
}

async function readDeviceState(client: TClient): Promise<Partial<TPushState>> {
  const subscription = await currentSubscription();
  if (!subscription) return { status: "off" };
  const [{ publicKey }, devices] = await Promise.all([
    client.push.publicKey.query(),
    client.push.mine.query(),
  ]);
  if (!isSubscribedWith(subscription, publicKey)) {
    // The server's key changed: this subscription can never be delivered to again.
    await subscription.unsubscribe();
    return { status: "off" };
  }
  // Not on the server's list: the push service dropped it, or someone else opted in on this browser.
  const device = devices.find((candidate) => candidate.endpoint === subscription.endpoint);
  return device ? { status: "on", minPriority: device.minPriority } : { status: "off" };
}

async function subscribeThisDevice(client: TClient, minPriority: THandoffPriority): Promise<void> {
  const registration = await navigator.serviceWorker.register("/sw.js", { scope: "/" });
  await navigator.serviceWorker.ready;
  const { publicKey } = await client.push.publicKey.query();
  // A subscription left over from before (another key, one the push service dropped, or someone
  // else's on this browser) is replaced by a fresh one.
  await (await registration.pushManager.getSubscription())?.unsubscribe();
  const subscription = await registration.pushManager
    .subscribe({ userVisibleOnly: true, applicationServerKey: base64UrlToBytes(publicKey) })
    .catch((error: unknown) => {
      // e.g. a private window, or a browser whose push service is unreachable.
      throw new Error(`This browser could not set up push alerts (${errorMessage(error)}).`);
    });
  await client.push.subscribe.mutate({
    ...subscriptionInput(subscription),
    minPriority,
    label: deviceLabel(navigator.userAgent),
  });
}
