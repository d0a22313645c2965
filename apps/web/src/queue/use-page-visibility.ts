// Whether the tab is hidden, kept in sync with visibilitychange.
import { useSyncExternalStore } from "react";

function subscribe(onChange: () => void) {
  document.addEventListener("visibilitychange", onChange);
  return () => document.removeEventListener("visibilitychange", onChange);
}

export function usePageHidden(): boolean {
  return useSyncExternalStore(subscribe, () => document.visibilityState === "hidden");
}
