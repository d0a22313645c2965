// The app's providers and routes. Routes are a contract (emails and tests link to them):
// /login, /invite, /setup, /forgot-password, /reset-password, /account, /settings/security, /sessions,
// /sessions/:id, /escalations, /handoffs/:id, /admin/*; "/" redirects by role; anything else is the 404
// page. The browser tests walk PUBLIC_PAGES and SIGNED_IN_PAGES to hard-load every page.
import { MutationCache, QueryCache, QueryClient, QueryClientProvider } from "@tanstack/react-query";
import { type ReactNode, Suspense, useState } from "react";
import { matchRoute, Redirect, Route, useLocation, useRouter } from "wouter";
import { ADMIN_TABS } from "./admin/admin-tabs.tsx";
import { AuthProvider, homePathFor, signOutIfUnauthorized, useAuth } from "./auth/auth-context.tsx";
import { RequireAuth } from "./auth/require-auth.tsx";
import { AppShell } from "./layout/app-shell.tsx";
import { PageLoading } from "./layout/page-states.tsx";
import { createApiClient } from "./lib/api-client.ts";
import { errorCode } from "./lib/api-errors.ts";
import { lazyPage } from "./lib/lazy-page.ts";
import { trpc } from "./lib/trpc.ts";
import { EscalationQueuePage } from "./queue/escalation-queue-page.tsx";

// Every screen but the queue (the signed-in senior's first load) is in a chunk of its own
// (lib/lazy-page.ts), the login page included: a signed-in reload never needs it.
const AccountPage = lazyPage(() => import("./account/account-page.tsx"), "AccountPage");
const AdminPage = lazyPage(() => import("./admin/admin-page.tsx"), "AdminPage");
const HandoffPage = lazyPage(() => import("./handoffs/handoff-page.tsx"), "HandoffPage");
const ForgotPasswordPage = lazyPage(() => import("./login/forgot-password-page.tsx"), "ForgotPasswordPage");
const LoginPage = lazyPage(() => import("./login/login-page.tsx"), "LoginPage");
const InvitePage = lazyPage(() => import("./login/invite-page.tsx"), "InvitePage");
const NotFoundPage = lazyPage(() => import("./layout/not-found-page.tsx"), "NotFoundPage");
const ResetPasswordPage = lazyPage(() => import("./login/reset-password-page.tsx"), "ResetPasswordPage");
const SessionPage = lazyPage(() => import("./sessions/session-page.tsx"), "SessionPage");
const SessionsPage = lazyPage(() => import("./sessions/sessions-page.tsx"), "SessionsPage");
const SetupPage = lazyPage(() => import("./setup/setup-page.tsx"), "SetupPage");
const SecurityPage = lazyPage(() => import("./two-factor/security-page.tsx"), "SecurityPage");

const NOT_WORTH_RETRYING = new Set(["UNAUTHORIZED", "FORBIDDEN", "NOT_FOUND", "BAD_REQUEST", "CONFLICT"]);

function createQueryClient(resetConnection: () => void): QueryClient {
  const onError = (error: unknown) => {
    signOutIfUnauthorized(queryClient, resetConnection, error);
  };
  const queryClient: QueryClient = new QueryClient({
    queryCache: new QueryCache({ onError }),
    mutationCache: new MutationCache({ onError }),
    defaultOptions: {
      queries: {
        retry: (count, error) => !NOT_WORTH_RETRYING.has(errorCode(error) ?? "") && count < 2,
        staleTime: 10_000,
      },
    },
  });
  return queryClient;
}

/** A page of the app: its path pattern and what it shows there. */
export type TPage = { path: string; element: ReactNode };

/** The pages anyone may open; the last, any other path, is the 404 page. */
export const PUBLIC_PAGES: TPage[] = [
  { path: "/login", element: <LoginPage /> },
  { path: "/invite", element: <InvitePage /> },
  { path: "/forgot-password", element: <ForgotPasswordPage /> },
  { path: "/reset-password", element: <ResetPasswordPage /> },
  { path: "/setup", element: <SetupPage /> },
  { path: "/*", element: <NotFoundPage /> },
];

/** The pages behind sign-in, shown in the app's frame (AppShell). */
export const SIGNED_IN_PAGES: TPage[] = [
  { path: "/", element: <HomeRedirect /> },
  { path: "/sessions", element: <SessionsPage /> },
  { path: "/sessions/:id", element: <SessionPage /> },
  { path: "/escalations", element: <EscalationQueuePage /> },
  { path: "/handoffs/:id", element: <HandoffPage /> },
  { path: "/account", element: <AccountPage /> },
  { path: "/settings/security", element: <SecurityPage /> },
  {
    path: "/admin",
    element: (
      <AdminPage>
        <Redirect to={`/admin/${ADMIN_TABS[0]?.path ?? "users"}`} replace />
      </AdminPage>
    ),
  },
  ...ADMIN_TABS.map((tab) => ({ path: `/admin/${tab.path}`, element: <AdminPage>{tab.element}</AdminPage> })),
];

export function App() {
  const [api] = useState(createApiClient);
  const [queryClient] = useState(() => createQueryClient(api.resetConnection));
  return (
    <trpc.Provider client={api.trpcClient} queryClient={queryClient}>
      <QueryClientProvider client={queryClient}>
        <AuthProvider resetConnection={api.resetConnection}>
          <Suspense fallback={<PageLoading label="Loading…" />}>
            <AppRoutes />
          </Suspense>
        </AuthProvider>
      </QueryClientProvider>
    </trpc.Provider>
  );
}

// One element per kind of page, so that moving between signed-in pages keeps the frame (and
// between admin tabs the admin page) mounted and renders only what changed.
function AppRoutes() {
  const { parser } = useRouter();
  const [pathname] = useLocation();
  const matching = (pages: TPage[]) => pages.find((page) => matchRoute(parser, page.path, pathname)[0]);
  const signedInPage = matching(SIGNED_IN_PAGES);
  if (signedInPage) {
    return (
      <RequireAuth>
        <AppShell>
          <Route path={signedInPage.path}>{signedInPage.element}</Route>
        </AppShell>
      </RequireAuth>
    );
  }
  const page = matching(PUBLIC_PAGES);
  return page ? <Route path={page.path}>{page.element}</Route> : null;
}

function HomeRedirect() {
  const { viewer } = useAuth();
  return <Redirect to={viewer ? homePathFor(viewer) : "/login"} replace />;
}
