// The tabs of /admin. Adding one (the escalation policy, the PSA connection…) is one entry here:
// its path under /admin, its label and the element it shows.
import type { ReactNode } from "react";
import { NotificationsTab } from "./notifications-tab.tsx";
import { PolicyPage } from "./policy-page.tsx";
import { PsaTab } from "./psa-tab.tsx";
import { TeamsTab } from "./teams-tab.tsx";
import { UsersTab } from "./users-tab.tsx";

export type TAdminTab = { path: string; label: string; element: ReactNode };

export const ADMIN_TABS: TAdminTab[] = [
  { path: "users", label: "Users", element: <UsersTab /> },
  { path: "teams", label: "Teams", element: <TeamsTab /> },
  { path: "notifications", label: "Notifications", element: <NotificationsTab /> },
  { path: "psa", label: "PSA", element: <PsaTab /> },
  { path: "policy", label: "Escalation policy", element: <PolicyPage /> },
];
