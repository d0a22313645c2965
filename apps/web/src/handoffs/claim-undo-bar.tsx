// The undo bar a claim shows (claim-undo.tsx offers it): the countdown, Undo (the button or the
// `u` key) and Dismiss. In a chunk of its own: nothing shows it before the first claim.
import { useEffect, useRef, useState } from "react";
import { useLocation } from "wouter";
import { errorMessage } from "../lib/api-errors.ts";
import { isTypingInto } from "../lib/typing.ts";
import { useReleaseHandoff } from "./use-release-handoff.ts";
import "./undo-bar.css";

/** The claim to offer undoing, and when the offer ends. */
export type TOffer = { handoffId: string; problemSummary: string; expiresAt: number };

/** Gives focus to the page's heading when the bar that held it goes away. */
function useFocusWhileShown() {
  const ref = useRef<HTMLDivElement | null>(null);
  useEffect(() => {
    const bar = ref.current;
    bar?.focus();
    return () => {
      if (!bar?.contains(document.activeElement)) return;
      const heading = document.querySelector<HTMLElement>("main h1");
      if (!heading) return;
      heading.tabIndex = -1;
      heading.focus();
    };
  }, []);
  return ref;
}

export function ClaimUndoBar({ offer, onDone }: { offer: TOffer; onDone(): void }) {
  const [, navigate] = useLocation();
  const release = useReleaseHandoff();
  const [secondsLeft, setSecondsLeft] = useState(() => secondsUntil(offer.expiresAt));
  // The bar shows once its chunk is in: its timer runs down what is left of the window.
  const [msLeft] = useState(() => Math.max(0, offer.expiresAt - Date.now()));
  const isBusy = release.isPending;
  const barRef = useFocusWhileShown();

  useEffect(() => {
    if (isBusy || release.error) return;
    const timer = setInterval(() => {
      const left = secondsUntil(offer.expiresAt);
      if (left <= 0) onDone();
      else setSecondsLeft(left);
    }, 250);
    return () => clearInterval(timer);
  }, [offer.expiresAt, isBusy, release.error, onDone]);

  const undo = async () => {
    try {
      await release.mutateAsync({ handoffId: offer.handoffId });
      onDone();
      navigate("/escalations");
    } catch {
      // Shown below; the bar stays until dismissed.
    }
  };

  const undoRef = useRef(undo);
  undoRef.current = undo;
  const canUndo = !isBusy && !release.error;
  useEffect(() => {
    if (!canUndo) return;
    const onKeyDown = (event: KeyboardEvent) => {
      if (event.key !== "u" || event.altKey || event.ctrlKey || event.metaKey || isTypingInto(event.target))
        return;
      event.preventDefault();
      void undoRef.current();
    };
    document.addEventListener("keydown", onKeyDown);
    return () => document.removeEventListener("keydown", onKeyDown);
  }, [canUndo]);

  return (
    <div className="undo-bar" role="status" data-testid="claim-undo" ref={barRef} tabIndex={-1}>
      <p className="undo-bar__text">
        {release.error ? (
          <span role="alert">{errorMessage(release.error)}</span>
        ) : (
          <>
            You claimed <strong>{offer.problemSummary}</strong>.
          </>
        )}
      </p>
      {!release.error && (
        <button
          type="button"
          className="button undo-bar__undo"
          onClick={undo}
          disabled={isBusy}
          aria-keyshortcuts="u"
        >
          {isBusy ? (
            "Releasing…"
          ) : (
            <>
              Undo{" "}
              <span className="undo-bar__key" aria-hidden="true">
                u
              </span>{" "}
              ({secondsLeft}s)
            </>
          )}
        </button>
      )}
      <button type="button" className="button button--ghost" onClick={onDone} aria-label="Dismiss">
        ✕
      </button>
      {!release.error && (
        <span className="undo-bar__timer" style={{ animationDuration: `${msLeft}ms` }} aria-hidden="true" />
      )}
    </div>
  );
}

function secondsUntil(at: number): number {
  return Math.max(0, Math.ceil((at - Date.now()) / 1000));
}
