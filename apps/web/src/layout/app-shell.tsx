// The signed-in frame: brand, navigation, who is signed in (name, role, account: a link to their
// account page), sign-out.
import { type ReactNode, Suspense } from "react";
import { Link, useLocation } from "wouter";
import { canWorkHandoffs, isAdmin, useAuth, useViewer } from "../auth/auth-context.tsx";
import { ClaimUndoProvider } from "../handoffs/claim-undo.tsx";
import { useOpenFromPushNotification } from "../lib/push-device.ts";
import { NavLink } from "../ui/nav-link.tsx";
import { PageCrashBoundary } from "./page-crash.tsx";
import { PageLoading } from "./page-states.tsx";
import "./app-shell.css";

const ROLE_LABEL = { owner: "Owner", admin: "Admin", engineer: "Engineer", viewer: "Viewer" } as const;

export function AppShell({ children }: { children: ReactNode }) {
  const viewer = useViewer();
  const { signOut } = useAuth();
  const [, navigate] = useLocation();
  const roleLabel = viewer.isSeniorTech ? "Senior tech" : ROLE_LABEL[viewer.role];
  useOpenFromPushNotification();

  const handleSignOut = async () => {
    await signOut();
    navigate("/login", { replace: true });
  };

  return (
    <div className="shell">
      <header className="topbar">
        <div className="topbar__brand">
          <span className="logo" aria-hidden="true">
            ⇢
          </span>
          Handoff
        </div>
        <nav className="topbar__nav" aria-label="Main">
          <NavLink to="/sessions">{viewer.role === "viewer" ? "Sessions" : "My sessions"}</NavLink>
          {canWorkHandoffs(viewer) && <NavLink to="/escalations">Escalation queue</NavLink>}
          {isAdmin(viewer) && <NavLink to="/admin">Admin</NavLink>}
        </nav>
        <div className="topbar__user" data-testid="current-user">
          <Link to="/account" className="topbar__account" title="Your account and password">
            <div className="topbar__who">
              <span className="topbar__name">{viewer.name}</span>
              <span className="topbar__meta">
                {roleLabel} · {viewer.account.name}
                {viewer.team ? ` · ${viewer.team.name}` : ""}
              </span>
            </div>
            <span className="avatar" aria-hidden="true">
              {initials(viewer.name)}
            </span>
          </Link>
          <NavLink to="/settings/security" className="button button--ghost">
            Security
          </NavLink>
          <button type="button" className="button button--ghost" onClick={handleSignOut}>
            Sign out
          </button>
        </div>
      </header>
      <ClaimUndoProvider>
        <main className="page">
          <PageCrashBoundary>
            {/* A page's chunk loading keeps the frame: only the page's place says so. */}
            <Suspense fallback={<PageLoading label="Loading…" />}>{children}</Suspense>
          </PageCrashBoundary>
        </main>
      </ClaimUndoProvider>
    </div>
  );
}

export function initials(name: string): string {
  const parts = name.trim().split(/\s+/);
  return ((parts[0]?.[0] ?? "") + (parts.length > 1 ? (parts.at(-1)?.[0] ?? "") : "")).toUpperCase();
}
