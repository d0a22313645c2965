// /admin: the account's administration (ADMIN and OWNER), one tab per concern (see admin-tabs.tsx).
import { type ReactNode, Suspense, useEffect } from "react";
import { isAdmin, useViewer } from "../auth/auth-context.tsx";
import { PageLoading } from "../layout/page-states.tsx";
import { NavLink } from "../ui/nav-link.tsx";
import { ADMIN_TABS } from "./admin-tabs.tsx";
import "./admin.css";

export function AdminPage({ children }: { children: ReactNode }) {
  const viewer = useViewer();
  useEffect(() => {
    document.title = "Admin · Handoff";
  }, []);
  if (!isAdmin(viewer)) {
    return (
      <div className="page-state page-state--error" role="alert">
        <h1>Not available to you</h1>
        <p className="muted">Only an admin or the owner of this account can open the admin screens.</p>
      </div>
    );
  }
  return (
    <section aria-labelledby="admin-title">
      <header className="page-header">
        <div>
          <h1 id="admin-title">Admin</h1>
          <p className="muted">{viewer.account.name}</p>
        </div>
      </header>
      <nav className="admin-tabs" aria-label="Admin">
        {ADMIN_TABS.map((tab) => (
          <NavLink key={tab.path} to={`/admin/${tab.path}`}>
            {tab.label}
          </NavLink>
        ))}
      </nav>
      {/* A tab's chunk loading keeps the admin header and tabs. */}
      <Suspense fallback={<PageLoading label="Loading…" />}>{children}</Suspense>
    </section>
  );
}
