// Presence from the WebSocket. usePresence holds a presence.view subscription while the page is
// open: the subscription is the viewing, so leaving the page (or losing the socket) ends it.
// useAccountPresence follows who views which handoff or session (the queue's cards). Both come back
// by themselves after the server ends the stream, and stop for good on UNAUTHORIZED or FORBIDDEN.
import type { TPersonRef, TPresenceChange } from "@handoff/api/client-contract";
import { useEffect, useRef, useState } from "react";
import { useAuth } from "../auth/auth-context.tsx";
import { errorCode } from "../lib/api-errors.ts";
import { trpc } from "../lib/trpc.ts";

type TPresenceInput = { handoffId: string } | { sessionId: string };

type TObserver<T> = {
  onStarted(): void;
  onData(value: T): void;
  onError(error: unknown): void;
  onComplete(): void;
};

/** Keeps one subscription open until unmount, resubscribing (jittered) whenever it ends. */
function useResubscribing<T>(
  start: ((observer: TObserver<T>) => { unsubscribe(): void }) | null,
  onData: (value: T) => void,
  onStarted: () => void,
  key: string,
) {
  const { signOutIfUnauthorized } = useAuth();
  // The latest callbacks; `key` (and whether there is anything to start) decides when to resubscribe.
  const handlers = useRef({ start, onData, onStarted });
  handlers.current = { start, onData, onStarted };
  const isOn = start !== null;
  useEffect(() => {
    if (!isOn) return;
    let isStopped = false;
    let subscription: { unsubscribe(): void } | undefined;
    let timer: ReturnType<typeof setTimeout> | undefined;
    const again = (delayMs: number) => {
      clearTimeout(timer);
      timer = setTimeout(() => !isStopped && subscribe(), delayMs + Math.random() * delayMs);
    };
    const subscribe = () => {
      subscription?.unsubscribe();
      subscription = handlers.current.start?.({
        onStarted: () => handlers.current.onStarted(),
        onData: (value) => handlers.current.onData(value),
        onError(error) {
          if (signOutIfUnauthorized(error) || errorCode(error) === "FORBIDDEN") return;
          again(1_000);
        },
        onComplete: () => again(250),
      });
    };
    subscribe();
    return () => {
      isStopped = true;
      clearTimeout(timer);
      subscription?.unsubscribe();
    };
  }, [isOn, key, signOutIfUnauthorized]);
}

/** Who is on this page with me (everyone but me), for as long as the component is mounted. */
export function usePresence(input: TPresenceInput | null): TPersonRef[] {
  const { client } = trpc.useUtils();
  const { viewer } = useAuth();
  const [viewers, setViewers] = useState<TPersonRef[]>([]);
  const key = input ? JSON.stringify(input) : "";
  useResubscribing<{ viewers: TPersonRef[] }>(
    input && viewer?.role !== "viewer" ? (observer) => client.presence.view.subscribe(input, observer) : null,
    (value) => setViewers(value.viewers),
    () => undefined,
    key,
  );
  useEffect(() => setViewers([]), [key]);
  return viewers.filter((person) => person.id !== viewer?.id);
}

/** Who views which handoff or session, keyed `handoff:<id>` / `session:<id>` (everyone but me). */
export function useAccountPresence(isEnabled: boolean): ReadonlyMap<string, TPersonRef[]> {
  const { client } = trpc.useUtils();
  const { viewer } = useAuth();
  const [byTarget, setByTarget] = useState<ReadonlyMap<string, TPersonRef[]>>(new Map());
  useResubscribing<TPresenceChange>(
    isEnabled ? (observer) => client.presence.onChange.subscribe(undefined, observer) : null,
    ({ target, viewers }) =>
      setByTarget((current) => {
        const next = new Map(current);
        const others = viewers.filter((person) => person.id !== viewer?.id);
        if (others.length > 0) next.set(`${target.kind}:${target.id}`, others);
        else next.delete(`${target.kind}:${target.id}`);
        return next;
      }),
    // A (re)started stream sends every viewed target again: start from nothing.
    () => setByTarget(new Map()),
    String(isEnabled),
  );
  return byTarget;
}
