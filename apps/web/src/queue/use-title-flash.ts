// While escalations wait unseen in a hidden tab, the title alternates between the page title
// and "(N) New escalations"; it is restored as soon as the count drops to zero.
import { useEffect } from "react";

export function flashTitle(count: number): string {
  return `(${count}) New escalation${count === 1 ? "" : "s"}`;
}

export function useTitleFlash(count: number, baseTitle: string, intervalMs = 1_000): void {
  useEffect(() => {
    document.title = baseTitle;
    if (count === 0) return;
    let isFlashing = true;
    document.title = flashTitle(count);
    const timer = setInterval(() => {
      isFlashing = !isFlashing;
      document.title = isFlashing ? flashTitle(count) : baseTitle;
    }, intervalMs);
    return () => {
      clearInterval(timer);
      document.title = baseTitle;
    };
  }, [count, baseTitle, intervalMs]);
}
