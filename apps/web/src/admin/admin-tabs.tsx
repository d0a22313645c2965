// The tabs of /admin. Adding one (the escalation policy, the PSA connection…) is one entry here:
// its path under /admin, its label and the element it shows.
import type { ReactNode } from "react";
import { lazyPage } from "../lib/lazy-page.ts";

// Each tab in its own chunk, fetched when it is first opened.
const UsersTab = lazyPage(() => import("./users-tab.tsx"), "UsersTab");
const TeamsTab = lazyPage(() => import("./teams-tab.tsx"), "TeamsTab");
const NotificationsTab = lazyPage(() => import("./notifications-tab.tsx"), "NotificationsTab");
const PsaTab = lazyPage(() => import("./psa-tab.tsx"), "PsaTab");
const PolicyPage = lazyPage(() => import("./policy-page.tsx"), "PolicyPage");
const SecurityTab = lazyPage(() => import("./security-tab.tsx"), "SecurityTab");
const AuditTab = lazyPage(() => import("./audit-tab.tsx"), "AuditTab");
const WebhooksTab = lazyPage(() => import("./webhooks-tab.tsx"), "WebhooksTab");
const SsoTab = lazyPage(() => import("./sso-tab.tsx"), "SsoTab");

export type TAdminTab = { path: string; label: string; element: ReactNode };

export const ADMIN_TABS: TAdminTab[] = [
  { path: "users", label: "Users", element: <UsersTab /> },
  { path: "teams", label: "Teams", element: <TeamsTab /> },
  { path: "notifications", label: "Notifications", element: <NotificationsTab /> },
  { path: "psa", label: "PSA", element: <PsaTab /> },
  { path: "sso", label: "Single sign-on", element: <SsoTab /> },
  { path: "policy", label: "Escalation policy", element: <PolicyPage /> },
  { path: "webhooks", label: "Webhooks", element: <WebhooksTab /> },
  { path: "security", label: "Sign-in security", element: <SecurityTab /> },
  { path: "audit", label: "Audit log", element: <AuditTab /> },
];
