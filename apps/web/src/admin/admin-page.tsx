// /admin: the account's administration (ADMIN and OWNER), one tab per concern (see admin-tabs.tsx).
import { useEffect } from "react";
import { NavLink, Outlet } from "react-router";
import { isAdmin, useViewer } from "../auth/auth-context.tsx";
import { ADMIN_TABS } from "./admin-tabs.tsx";

export function AdminPage() {
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
      <Outlet />
    </section>
  );
}
