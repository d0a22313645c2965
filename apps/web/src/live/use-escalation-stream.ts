// Follows the account's event stream, gap-free: loads a snapshot, then streams every event after
// the position it reflects (or, for a snapshot without one, from the moment the stream starts:
// onStarted then says "reload what you show"). Resumes from the last event id on every reconnect
// (wsClient resends it), reloads on resync, reconnects at once when the network comes back or the
// laptop wakes, and stops for good on UNAUTHORIZED (off to sign in) or FORBIDDEN.
import { createRetryDelay, type TEscalationEvent } from "@handoff/api/client-contract";
import { useCallback, useEffect, useRef, useState } from "react";
import { useAuth } from "../auth/auth-context.tsx";
import { errorCode, errorMessage } from "../lib/api-errors.ts";
import { trpc } from "../lib/trpc.ts";

/** Every event but the stream's own resync instruction. */
export type TLiveEvent = Exclude<TEscalationEvent, { kind: "resync" }>;

export type TConnectionStatus =
  | { status: "connecting" }
  | { status: "live" }
  | { status: "reconnecting" }
  | { status: "offline" }
  /** The server will not serve the queue to us (role); no point retrying. */
  | { status: "refused"; message: string };

export type TSnapshotStatus =
  | { status: "loading" }
  | { status: "ready" }
  | { status: "error"; message: string };

type TStreamHandlers = {
  /**
   * Loads what the page shows and returns the event position it reflects; the events after it
   * follow through onEvent. Null: no position, stream from now and reload in onStarted.
   */
  loadSnapshot(): Promise<string | null>;
  onEvent(eventId: string, event: TLiveEvent): void;
  /** The stream (re)started: anything missed while it was down must be reloaded. */
  onStarted?(): void;
};

type TEscalationStream = {
  connection: TConnectionStatus;
  /** The first snapshot's load; after that the queue stays ready, even through a resync. */
  snapshot: TSnapshotStatus;
  /** Try a failed snapshot again now rather than after the backoff. */
  retry(): void;
};

/** After this long without getting back, the pill says Offline rather than Reconnecting. */
const OFFLINE_AFTER_MS = 30_000;
/** Consecutive failed reconnects before we ask over HTTP whether our login is still valid. */
const AUTH_PROBE_AFTER_FAILURES = 3;
const snapshotRetryDelay = createRetryDelay({ baseMs: 1_000, capMs: 15_000 });

export function useEscalationStream(handlers: TStreamHandlers): TEscalationStream {
  const { client } = trpc.useUtils();
  const { signOutIfUnauthorized } = useAuth();
  const [connection, setConnection] = useState<TConnectionStatus>({ status: "connecting" });
  const [snapshot, setSnapshot] = useState<TSnapshotStatus>({ status: "loading" });
  const handlersRef = useRef(handlers);
  handlersRef.current = handlers;
  const retryRef = useRef(() => {});

  useEffect(() => {
    /** The last event applied, from the snapshot or the stream: where a resubscription resumes. */
    let lastEventId: string | null = null;
    let isLoadingSnapshot = false;
    let snapshotFailures = 0;
    let snapshotRetry: ReturnType<typeof setTimeout> | undefined;
    let hasBeenLive = false;
    let failures = 0;
    let isStopped = false;
    let lostAt: number | null = null;
    let subscription: { unsubscribe(): void } | null = null;
    /** At most one pending comeback; a snapshot reload or a stop cancels it. */
    let resubscribeTimer: ReturnType<typeof setTimeout> | undefined;

    const resubscribeSoon = (delayMs: number) => {
      clearTimeout(resubscribeTimer);
      resubscribeTimer = setTimeout(() => {
        if (!isStopped && !isLoadingSnapshot) subscribe();
      }, delayMs);
    };

    const showLost = () => {
      lostAt ??= Date.now();
      const isOffline = !navigator.onLine || Date.now() - lostAt > OFFLINE_AFTER_MS;
      setConnection({ status: isOffline ? "offline" : hasBeenLive ? "reconnecting" : "connecting" });
    };

    /** Ends everything on an expired login or a refusal; says whether it did. */
    const stopIfFinal = (error: unknown): boolean => {
      if (signOutIfUnauthorized(error)) {
        stop();
        return true;
      }
      if (errorCode(error) !== "FORBIDDEN") return false;
      stop();
      setConnection({ status: "refused", message: errorMessage(error) });
      return true;
    };

    const loadSnapshotThenSubscribe = async () => {
      if (isLoadingSnapshot || isStopped) return;
      isLoadingSnapshot = true;
      clearTimeout(snapshotRetry);
      clearTimeout(resubscribeTimer);
      subscription?.unsubscribe();
      subscription = null;
      try {
        const position = await handlersRef.current.loadSnapshot();
        if (isStopped) return;
        lastEventId = position;
        snapshotFailures = 0;
        setSnapshot({ status: "ready" });
        subscribe();
      } catch (error) {
        if (isStopped || stopIfFinal(error)) return;
        showLost();
        // Once the queue is on screen a failed reload (after a resync) leaves it there meanwhile.
        setSnapshot((current) =>
          current.status === "ready" ? current : { status: "error", message: errorMessage(error) },
        );
        snapshotRetry = setTimeout(
          () => void loadSnapshotThenSubscribe(),
          snapshotRetryDelay(snapshotFailures++),
        );
      } finally {
        isLoadingSnapshot = false;
      }
    };

    const probeAuth = () => {
      // If the server rejects the socket itself (createContext throwing), the wsClient would
      // retry forever (tRPC #4774); an HTTP call tells us whether the login is the reason.
      client.auth.me.query().catch(stopIfFinal);
    };

    const subscribe = () => {
      clearTimeout(resubscribeTimer);
      subscription?.unsubscribe();
      subscription = client.escalation.onEvent.subscribe(
        { lastEventId },
        {
          onStarted() {
            failures = 0;
            lostAt = null;
            hasBeenLive = true;
            setConnection({ status: "live" });
            handlersRef.current.onStarted?.();
          },
          onData({ id, data }) {
            // Our position belongs to another event log: start over from a fresh snapshot.
            if (data.kind === "resync") return void loadSnapshotThenSubscribe();
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
            if (stopIfFinal(error)) return;
            // Any other end of the stream (server shedding a slow consumer, a bug): come back.
            showLost();
            resubscribeSoon(1_000 + Math.random() * 2_000);
          },
          onComplete() {
            // The server ended the stream (e.g. we fell behind) or the socket was reset after a
            // sign-in/out: come back shortly, resuming from lastEventId, unless we are gone by then.
            resubscribeSoon(200 + Math.random() * 300);
          },
        },
      );
    };

    const stop = () => {
      isStopped = true;
      clearTimeout(resubscribeTimer);
      subscription?.unsubscribe();
      subscription = null;
    };

    // Back from sleep or back online: don't wait out the backoff, try now.
    const wakeUp = () => {
      if (isStopped || lostAt === null || document.visibilityState === "hidden") return;
      // No stream yet (the snapshot failed): start over from a snapshot.
      if (subscription === null) void loadSnapshotThenSubscribe();
      else subscribe();
    };
    const wentOffline = () => {
      if (!isStopped) showLost();
    };

    retryRef.current = () => void loadSnapshotThenSubscribe();
    void loadSnapshotThenSubscribe();
    window.addEventListener("online", wakeUp);
    window.addEventListener("offline", wentOffline);
    document.addEventListener("visibilitychange", wakeUp);
    const ticker = setInterval(() => lostAt !== null && !isStopped && showLost(), 5_000);
    return () => {
      stop();
      clearTimeout(snapshotRetry);
      clearInterval(ticker);
      window.removeEventListener("online", wakeUp);
      window.removeEventListener("offline", wentOffline);
      document.removeEventListener("visibilitychange", wakeUp);
    };
  }, [client, signOutIfUnauthorized]);

  const retry = useCallback(() => {
    setSnapshot((current) => (current.status === "error" ? { status: "loading" } : current));
    retryRef.current();
  }, []);

  return { connection, snapshot, retry };
}
