// "Claimed X. Undo": after any claim (queue button, `c`, Claim & continue) the claimer has
// UNDO_WINDOW_MS to put it back in the queue, with the button or the `u` key. Lives above the
// routes, because every claim navigates away from where it was made. The bar takes focus when it
// appears (the claim button it answers is gone) and hands it to the page's heading when it goes.
import { createContext, type ReactNode, Suspense, useCallback, useContext, useState } from "react";
import { lazyPage } from "../lib/lazy-page.ts";
import type { TOffer } from "./claim-undo-bar.tsx";

export const UNDO_WINDOW_MS = 10_000;

type TClaimed = Omit<TOffer, "expiresAt">;

const ClaimUndoBar = lazyPage(() => import("./claim-undo-bar.tsx"), "ClaimUndoBar");

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
      {offer && (
        <Suspense fallback={null}>
          <ClaimUndoBar key={`${offer.handoffId}:${offer.expiresAt}`} offer={offer} onDone={close} />
        </Suspense>
      )}
    </OfferUndoContext.Provider>
  );
}
