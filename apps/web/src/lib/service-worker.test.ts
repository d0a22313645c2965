// @vitest-environment node
// public/sw.js in a fake worker scope: what a push shows, and where a click on it goes (an open
// Handoff tab is reused and routed there; otherwise a new one opens). The browser itself is
// tested by the push integration test's wire checks and the quick check in the README.
import { readFileSync } from "node:fs";
import { describe, expect, it, vi } from "vitest";

const SOURCE = readFileSync(new URL("../../public/sw.js", import.meta.url), "utf8");
const ORIGIN = "https://handoff.example.com";

type TWindowClient = {
  url: string;
  focused: boolean;
  visibilityState: "visible" | "hidden";
  focus: ReturnType<typeof vi.fn>;
  postMessage: ReturnType<typeof vi.fn>;
};

function loadWorker(windows: TWindowClient[] = []) {
  const listeners = new Map<string, (event: unknown) => void>();
  const scope = {
    location: { origin: ORIGIN },
    addEventListener: (type: string, listener: (event: unknown) => void) => listeners.set(type, listener),
    skipWaiting: vi.fn(),
    registration: { showNotification: vi.fn(async () => undefined), pushManager: { subscribe: vi.fn() } },
    clients: {
      claim: vi.fn(async () => undefined),
      matchAll: vi.fn(async () => windows),
      openWindow: vi.fn(async () => null),
    },
  };
  new Function("self", "fetch", SOURCE)(scope, vi.fn());
  async function dispatch(type: string, event: object) {
    let work: Promise<unknown> = Promise.resolve();
    listeners.get(type)?.({ ...event, waitUntil: (promise: Promise<unknown>) => (work = promise) });
    await work;
  }
  return { scope, dispatch };
}

function tab(
  url: string,
  state: Partial<Pick<TWindowClient, "focused" | "visibilityState">> = {},
): TWindowClient {
  return {
    url,
    focused: false,
    visibilityState: "hidden",
    ...state,
    focus: vi.fn(async () => undefined),
    postMessage: vi.fn(),
  };
}

const message = {
  title: "[URGENT] VPN drops every 10 min",
  body: "Alice Chen needs a senior tech: tried MTU 1400",
  url: "/handoffs/h1",
  tag: "handoff-h1",
  priority: "urgent",
  reason: "escalated",
};

describe("the service worker", () => {
  it("shows a push as a notification tagged by handoff, kept on screen when urgent", async () => {
    const { scope, dispatch } = loadWorker();
    await dispatch("push", { data: { json: () => message } });
    expect(scope.registration.showNotification).toHaveBeenCalledWith(message.title, {
      body: message.body,
      tag: "handoff-h1",
      renotify: true,
      requireInteraction: true,
      data: { url: "/handoffs/h1" },
      timestamp: expect.any(Number),
    });
  });

  it("shows nothing while a Handoff tab on this device is in focus (it shows the arrival itself), except a test", async () => {
    const { scope, dispatch } = loadWorker([
      tab(`${ORIGIN}/escalations`, { focused: true, visibilityState: "visible" }),
    ]);
    await dispatch("push", { data: { json: () => message } });
    expect(scope.registration.showNotification).not.toHaveBeenCalled();
    await dispatch("push", {
      data: { json: () => ({ ...message, reason: "test", title: "Test alert from Handoff" }) },
    });
    expect(scope.registration.showNotification).toHaveBeenCalledWith(
      "Test alert from Handoff",
      expect.anything(),
    );

    const inBackground = loadWorker([
      tab(`${ORIGIN}/escalations`, { focused: false, visibilityState: "visible" }),
    ]);
    await inBackground.dispatch("push", { data: { json: () => message } });
    expect(inBackground.scope.registration.showNotification).toHaveBeenCalledTimes(1);
  });

  it("shows a generic alert for a push it cannot read, and never links off the app", async () => {
    const { scope, dispatch } = loadWorker();
    await dispatch("push", {
      data: {
        json: () => {
          throw new SyntaxError("not JSON");
        },
      },
    });
    await dispatch("push", { data: { json: () => ({ ...message, url: "https://evil.example/x" }) } });
    const calls = scope.registration.showNotification.mock.calls as unknown as [string, { data: unknown }][];
    expect(calls.map(([title, options]) => [title, options.data])).toEqual([
      ["Handoff", { url: "/escalations" }],
      [message.title, { url: "/escalations" }],
    ]);
  });

  it("on click, routes an open Handoff tab to the handoff and focuses it", async () => {
    const other = tab("https://elsewhere.example/");
    const queue = tab(`${ORIGIN}/escalations`);
    const { scope, dispatch } = loadWorker([other, queue]);
    const close = vi.fn();
    await dispatch("notificationclick", { notification: { close, data: { url: "/handoffs/h1" } } });
    expect(close).toHaveBeenCalled();
    expect(queue.postMessage).toHaveBeenCalledWith({ type: "handoff:navigate", path: "/handoffs/h1" });
    expect(queue.focus).toHaveBeenCalled();
    expect(other.focus).not.toHaveBeenCalled();
    expect(scope.clients.openWindow).not.toHaveBeenCalled();
  });

  it("on click, focuses a tab already on that handoff, or opens one when none is open", async () => {
    const open = tab(`${ORIGIN}/handoffs/h1`);
    const withTab = loadWorker([tab(`${ORIGIN}/sessions`), open]);
    await withTab.dispatch("notificationclick", {
      notification: { close: vi.fn(), data: { url: "/handoffs/h1" } },
    });
    expect(open.focus).toHaveBeenCalled();
    expect(open.postMessage).not.toHaveBeenCalled();

    const closed = loadWorker([]);
    await closed.dispatch("notificationclick", {
      notification: { close: vi.fn(), data: { url: "/handoffs/h1" } },
    });
    expect(closed.scope.clients.openWindow).toHaveBeenCalledWith(`${ORIGIN}/handoffs/h1`);
  });
});
