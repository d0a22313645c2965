// The app's providers and routes. Routes are a contract (emails and tests link to them):
// /login, /invite, /sessions, /sessions/:id, /escalations, /handoffs/:id, /admin/*; "/" redirects by role.
import { MutationCache, QueryCache, QueryClient, QueryClientProvider } from "@tanstack/react-query";
import { useState } from "react";
import { BrowserRouter, Navigate, Route, Routes } from "react-router";
import { AdminPage } from "./admin/admin-page.tsx";
import { ADMIN_TABS } from "./admin/admin-tabs.tsx";
import { AuthProvider, homePathFor, signOutIfUnauthorized, useAuth } from "./auth/auth-context.tsx";
import { RequireAuth } from "./auth/require-auth.tsx";
import { HandoffPage } from "./handoffs/handoff-page.tsx";
import { AppShell } from "./layout/app-shell.tsx";
import { createApiClient } from "./lib/api-client.ts";
import { errorCode } from "./lib/api-errors.ts";
import { trpc } from "./lib/trpc.ts";
import { InvitePage } from "./login/invite-page.tsx";
import { LoginPage } from "./login/login-page.tsx";
import { EscalationQueuePage } from "./queue/escalation-queue-page.tsx";
import { SessionPage } from "./sessions/session-page.tsx";
import { SessionsPage } from "./sessions/sessions-page.tsx";

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

export function App() {
  const [api] = useState(createApiClient);
  const [queryClient] = useState(() => createQueryClient(api.resetConnection));
  return (
    <trpc.Provider client={api.trpcClient} queryClient={queryClient}>
      <QueryClientProvider client={queryClient}>
        <AuthProvider resetConnection={api.resetConnection}>
          <BrowserRouter>
            <AppRoutes />
          </BrowserRouter>
        </AuthProvider>
      </QueryClientProvider>
    </trpc.Provider>
  );
}

function AppRoutes() {
  return (
    <Routes>
      <Route path="/login" element={<LoginPage />} />
      <Route path="/invite" element={<InvitePage />} />
      <Route element={<RequireAuth />}>
        <Route element={<AppShell />}>
          <Route index element={<HomeRedirect />} />
          <Route path="/sessions" element={<SessionsPage />} />
          <Route path="/sessions/:id" element={<SessionPage />} />
          <Route path="/escalations" element={<EscalationQueuePage />} />
          <Route path="/handoffs/:id" element={<HandoffPage />} />
          <Route path="/admin" element={<AdminPage />}>
            <Route index element={<Navigate to={ADMIN_TABS[0]?.path ?? "users"} replace />} />
            {ADMIN_TABS.map((tab) => (
              <Route key={tab.path} path={tab.path} element={tab.element} />
            ))}
          </Route>
          <Route path="*" element={<Navigate to="/" replace />} />
        </Route>
      </Route>
    </Routes>
  );
}

function HomeRedirect() {
  const { viewer } = useAuth();
  return <Navigate to={viewer ? homePathFor(viewer) : "/login"} replace />;
}
