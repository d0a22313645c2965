// Keeps the live escalation stream open and says how it is doing. Resumes from the last event
// id on every reconnect (wsClient resends it), reconnects at once when the network comes back
// or the laptop wakes, and stops for good on UNAUTHORIZED / FORBIDDEN.
import type { TEscalationEvent } from "@handoff/api/schemas";
import { useEffect, useRef, useState } from "react";
import { useAuth } from "../auth/auth-context.tsx";
import { errorCode, errorMessage, isUnauthorized } from "../lib/api-errors.ts";
import { trpc } from "../lib/trpc.ts";

export type TConnectionStatus =
  | { status: "connecting" }
  | { status: "live" }
  | { status: "reconnecting" }
  | { status: "offline" }
  /** The server will not stream to us (role); no point retrying. */
  | { status: "refused"; message: string };

type TStreamHandlers = {
  onEvent(eventId: string, event: TEscalationEvent): void;
  /** The stream is (again) live and the queue snapshot should be (re)loaded to close a gap. */
  onNeedsSnapshot(): void;
};

/** After this long without getting back, the pill says Offline rather than Reconnecting. */
const OFFLINE_AFTER_MS = 30_000;
/** Consecutive failed reconnects before we ask over HTTP whether our login is still valid. */
const AUTH_PROBE_AFTER_FAILURES = 3;

export function useEscalationStream(handlers: TStreamHandlers): TConnectionStatus {
  const { client } = trpc.useUtils();
  const { markSignedOut } = useAuth();
  const [connection, setConnection] = useState<TConnectionStatus>({ status: "connecting" });
  const handlersRef = useRef(handlers);
  handlersRef.current = handlers;

  useEffect(() => {
    let lastEventId: string | null = null;
    let hasBeenLive = false;
    let failures = 0;
    let isStopped = false;
    let lostAt: number | null = null;
    let subscription: { unsubscribe(): void } | null = null;

    const showLost = () => {
      lostAt ??= Date.now();
      const isOffline = !navigator.onLine || Date.now() - lostAt > OFFLINE_AFTER_MS;
      setConnection({ status: isOffline ? "offline" : hasBeenLive ? "reconnecting" : "connecting" });
    };

    const probeAuth = () => {
      // If the server rejects the socket itself (createContext throwing), the wsClient would
      // retry forever (tRPC #4774); an HTTP call tells us whether the login is the reason.
      client.auth.me.query().catch((error: unknown) => {
        if (!isUnauthorized(error)) return;
        stop();
        markSignedOut();
      });
    };

    const subscribe = () => {
      subscription?.unsubscribe();
      subscription = client.escalation.onEvent.subscribe(
        { lastEventId },
        {
          onStarted() {
            failures = 0;
            lostAt = null;
            setConnection({ status: "live" });
            // Without a position the server cannot replay what we missed: reload instead.
            if (!hasBeenLive || lastEventId === null) handlersRef.current.onNeedsSnapshot();
            hasBeenLive = true;
          },
          onData({ id, data }) {
            lastEventId = id;
            handlersRef.current.onEvent(id, data);
          },
          onConnectionStateChange(state) {
            if (state.state !== "connecting" || isStopped) return;
            if (state.error) failures += 1;
            if (failures === AUTH_PROBE_AFTER_FAILURES) probeAuth();
            showLost();
          },
          onError(error) {
            if (isUnauthorized(error)) {
              stop();
              markSignedOut();
              return;
            }
            if (errorCode(error) === "FORBIDDEN") {
              stop();
              setConnection({ status: "refused", message: errorMessage(error) });
              return;
            }
            // Any other end of the stream (server shedding a slow consumer, a bug): come back.
            showLost();
            setTimeout(() => isStopped || subscribe(), 1_000 + Math.random() * 2_000);
          },
          onComplete() {
            // The server ended the stream (e.g. we fell behind) or the socket was reset after a
            // sign-in/out: come back shortly, resuming from lastEventId, unless we are gone by then.
            setTimeout(() => isStopped || subscribe(), 200 + Math.random() * 300);
          },
        },
      );
    };

    const stop = () => {
      isStopped = true;
      subscription?.unsubscribe();
      subscription = null;
    };

    // Back from sleep or back online: don't wait out the backoff, try now.
    const wakeUp = () => {
      if (isStopped || document.visibilityState === "hidden") return;
      if (lostAt !== null) subscribe();
    };
    const wentOffline = () => {
      if (!isStopped) showLost();
    };

    subscribe();
    window.addEventListener("online", wakeUp);
    window.addEventListener("offline", wentOffline);
    document.addEventListener("visibilitychange", wakeUp);
    const ticker = setInterval(() => lostAt !== null && !isStopped && showLost(), 5_000);
    return () => {
      stop();
      clearInterval(ticker);
      window.removeEventListener("online", wakeUp);
      window.removeEventListener("offline", wentOffline);
      document.removeEventListener("visibilitychange", wakeUp);
    };
  }, [client, markSignedOut]);

  return connection;
}
