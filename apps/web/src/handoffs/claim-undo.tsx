// "Claimed X. Undo": after any claim (queue button, `c`, Claim & continue) the claimer has
// UNDO_WINDOW_MS to put it back in the queue. Lives above the routes, because every claim
// navigates away from where it was made.
import { createContext, type ReactNode, useCallback, useContext, useEffect, useState } from "react";
import { useNavigate } from "react-router";
import { errorMessage } from "../lib/api-errors.ts";
import { useReleaseHandoff } from "./use-release-handoff.ts";

export const UNDO_WINDOW_MS = 10_000;

type TClaimed = { handoffId: string; problemSummary: string };
type TOffer = TClaimed & { expiresAt: number };

const OfferUndoContext = createContext<((claimed: TClaimed) => void) | null>(null);

/** Call after a claim succeeded: shows the undo bar for UNDO_WINDOW_MS. */
export function useOfferClaimUndo(): (claimed: TClaimed) => void {
  const offer = useContext(OfferUndoContext);
  if (!offer) throw new Error("useOfferClaimUndo must be used inside <ClaimUndoProvider>");
  return offer;
}

export function ClaimUndoProvider({ children }: { children: ReactNode }) {
  const [offer, setOffer] = useState<TOffer | null>(null);
  const offerUndo = useCallback(
    (claimed: TClaimed) => setOffer({ ...claimed, expiresAt: Date.now() + UNDO_WINDOW_MS }),
    [],
  );
  const close = useCallback(() => setOffer(null), []);
  return (
    <OfferUndoContext.Provider value={offerUndo}>
      {children}
      {offer && <ClaimUndoBar key={`${offer.handoffId}:${offer.expiresAt}`} offer={offer} onDone={close} />}
    </OfferUndoContext.Provider>
  );
}

function ClaimUndoBar({ offer, onDone }: { offer: TOffer; onDone(): void }) {
  const navigate = useNavigate();
  const release = useReleaseHandoff();
  const [secondsLeft, setSecondsLeft] = useState(() => secondsUntil(offer.expiresAt));
  const isBusy = release.isPending;

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

  return (
    <div className="undo-bar" role="status" data-testid="claim-undo">
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
        <button type="button" className="button undo-bar__undo" onClick={undo} disabled={isBusy}>
          {isBusy ? "Releasing…" : `Undo (${secondsLeft}s)`}
        </button>
      )}
      <button type="button" className="button button--ghost" onClick={onDone} aria-label="Dismiss">
        ✕
      </button>
      {!release.error && (
        <span
          className="undo-bar__timer"
          style={{ animationDuration: `${UNDO_WINDOW_MS}ms` }}
          aria-hidden="true"
        />
      )}
    </div>
  );
}

function secondsUntil(at: number): number {
  return Math.max(0, Math.ceil((at - Date.now()) / 1000));
}
