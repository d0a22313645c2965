// Guards the signed-in part of the app: waits for "who am I", else sends to /login and back.
import type { ReactNode } from "react";
import { Redirect, useLocation, useSearch } from "wouter";
import { FullPageMessage } from "../layout/full-page-message.tsx";
import { errorMessage } from "../lib/api-errors.ts";
import { useAuth } from "./auth-context.tsx";

export function RequireAuth({ children }: { children: ReactNode }) {
  const { viewer, isLoading, error } = useAuth();
  const [pathname] = useLocation();
  const search = useSearch();
  if (isLoading) return <FullPageMessage title="Loading…" isBusy />;
  if (error) return <FullPageMessage title="Can't reach Handoff" detail={errorMessage(error)} canRetry />;
  if (!viewer) {
    const from = `${pathname}${search ? `?${search}` : ""}`;
    return <Redirect to={`/login${from === "/" ? "" : `?next=${encodeURIComponent(from)}`}`} replace />;
  }
  return children;
}
