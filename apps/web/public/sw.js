// Handoff's service worker: shows Web Push alerts while no Handoff tab is open, and opens the
// handoff when one is clicked. It caches nothing and never answers fetches: the app always comes
// from the server. Served from /sw.js (scope /) with no-cache, so a new version is seen at once.

self.addEventListener("install", () => {
  self.skipWaiting();
});

self.addEventListener("activate", (event) => {
  event.waitUntil(self.clients.claim());
});

self.addEventListener("push", (event) => {
  event.waitUntil(showAlert(readMessage(event.data)));
});

async function showAlert(message) {
  // Someone looking at Handoff on this device sees it live there (and its own sound and alerts):
  // a second, system notification would only be noise. Browsers allow this while a tab is in focus.
  // A test alert is shown regardless: it is sent from that very tab to see one.
  const windows = await self.clients.matchAll({ type: "window", includeUncontrolled: true });
  const isWatched = windows.some((client) => client.focused && client.visibilityState === "visible");
  if (isWatched && message.reason !== "test") return;
  await self.registration.showNotification(message.title, {
    body: message.body,
    // One notification per handoff: a re-page replaces the earlier one and alerts again.
    tag: message.tag,
    renotify: true,
    // An urgent page stays on screen until someone acts on it.
    requireInteraction: message.priority === "urgent",
    data: { url: message.url },
    timestamp: Date.now(),
  });
}

self.addEventListener("notificationclick", (event) => {
  event.notification.close();
  event.waitUntil(openInApp(appPath(event.notification.data?.url)));
});

// The browser replaced the subscription (keys rotated, or it expired): tell the server which one it
// replaces, so the device keeps its threshold. If this fails, the queue page re-syncs on next visit.
self.addEventListener("pushsubscriptionchange", (event) => {
  event.waitUntil(resubscribe(event.oldSubscription, event.newSubscription));
});

/** The payload the server sends (TPushWireMessage), or a generic alert if it cannot be read. */
function readMessage(data) {
  try {
    const message = data?.json();
    if (message && typeof message.title === "string") {
      return {
        title: message.title,
        body: typeof message.body === "string" ? message.body : "",
        url: appPath(message.url),
        tag: typeof message.tag === "string" ? message.tag : "handoff",
        priority: message.priority ?? null,
        reason: typeof message.reason === "string" ? message.reason : null,
      };
    }
  } catch {
    // fall through to the generic alert
  }
  return {
    title: "Handoff",
    body: "Something needs you in the escalation queue.",
    url: "/escalations",
    tag: "handoff",
    priority: null,
    reason: null,
  };
}

/** Only a path inside the app: a notification never opens another site. */
function appPath(url) {
  return typeof url === "string" && url.startsWith("/") && !url.startsWith("//") ? url : "/escalations";
}

async function openInApp(path) {
  const url = new URL(path, self.location.origin).href;
  const windows = await self.clients.matchAll({ type: "window", includeUncontrolled: true });
  const exact = windows.find((client) => client.url === url);
  if (exact) return exact.focus();
  const tab = windows.find((client) => new URL(client.url).origin === self.location.origin);
  if (tab) {
    // The app routes there itself (no reload, no lost queue state); see src/lib/push-alerts.ts.
    tab.postMessage({ type: "handoff:navigate", path });
    return tab.focus();
  }
  return self.clients.openWindow(url);
}

async function resubscribe(oldSubscription, newSubscription) {
  const subscription =
    newSubscription ??
    (oldSubscription?.options
      ? await self.registration.pushManager.subscribe(oldSubscription.options)
      : null);
  if (!subscription) return;
  const { endpoint, keys } = subscription.toJSON();
  await fetch("/trpc/push.subscribe", {
    method: "POST",
    credentials: "same-origin",
    headers: { "content-type": "application/json" },
    // superjson's wire format, as the app's tRPC client sends it.
    body: JSON.stringify({ json: { endpoint, keys, replacesEndpoint: oldSubscription?.endpoint } }),
  });
}
