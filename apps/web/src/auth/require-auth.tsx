// Guards the signed-in part of the app: waits for "who am I", else sends to /login and back.
import { Navigate, Outlet, useLocation } from "react-router";
import { FullPageMessage } from "../layout/full-page-message.tsx";
import { errorMessage } from "../lib/api-errors.ts";
import { useAuth } from "./auth-context.tsx";

export function RequireAuth() {
  const { viewer, isLoading, error } = useAuth();
  const location = useLocation();
  if (isLoading) return <FullPageMessage title="Loading…" isBusy />;
  if (error) return <FullPageMessage title="Can't reach Handoff" detail={errorMessage(error)} canRetry />;
  if (!viewer) {
    const from = `${location.pathname}${location.search}`;
    return <Navigate to={`/login${from === "/" ? "" : `?next=${encodeURIComponent(from)}`}`} replace />;
  }
  return <Outlet />;
}
