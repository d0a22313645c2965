// Who is signed in, and the sign-in / sign-out flows. Any call answering UNAUTHORIZED (an
// expired login) ends up in signOutIfUnauthorized, and <RequireAuth> then sends the user to
// /login?next=… and back afterwards.
import type { RouterInputs } from "@handoff/api";
import type { TSignInChallenge, TViewer } from "@handoff/api/client-contract";
import { type QueryClient, useQuery, useQueryClient } from "@tanstack/react-query";
import { createContext, type ReactNode, useCallback, useContext, useMemo } from "react";
import { isUnauthorized } from "../lib/api-errors.ts";
import { removeDraftsOf } from "../lib/drafts.ts";
import { turnOffPushOnThisDevice } from "../lib/push-device.ts";
import { trpc } from "../lib/trpc.ts";

type TAuth = {
  viewer: TViewer | null;
  isLoading: boolean;
  error: Error | null;
  /** The password step: signed in, or a second step is owed (two-factor code or enrolment). */
  signIn(email: string, password: string): Promise<TSignInStep>;
  /** Ends a sign-in whose second step answered with the login. */
  completeSignIn(viewer: TViewer): void;
  /** Uses an invitation link: sets the password and signs in. */
  acceptInvite(token: string, password: string): Promise<TViewer>;
  /** First run: creates the account and its owner with the setup code, and signs the owner in. */
  completeSetup(input: RouterInputs["setup"]["complete"]): Promise<TViewer>;
  signOut(): Promise<void>;
  /**
   * For calls made outside React Query (the queue's snapshot, claims and stream): if the error
   * says our login is gone, sign out here too. Returns whether it did.
   */
  signOutIfUnauthorized(error: unknown): boolean;
};

export type TSignInStep =
  | { viewer: TViewer; challenge: null }
  | { viewer: null; challenge: TSignInChallenge };

export const VIEWER_QUERY_KEY = ["viewer"] as const;

/**
 * Switches identity: the socket and every cached answer belonged to the previous viewer.
 * Also how an expired login ends (signOutIfUnauthorized).
 */
export function setSignedInViewer(
  queryClient: QueryClient,
  resetConnection: () => void,
  viewer: TViewer | null,
) {
  resetConnection();
  queryClient.removeQueries({ predicate: (query) => query.queryKey[0] !== VIEWER_QUERY_KEY[0] });
  queryClient.setQueryData(VIEWER_QUERY_KEY, viewer);
}

/**
 * The one answer to an expired login: forget the viewer and everything loaded as them, so
 * <RequireAuth> sends the user to /login?next=…. Returns whether the error was UNAUTHORIZED.
 */
export function signOutIfUnauthorized(
  queryClient: QueryClient,
  resetConnection: () => void,
  error: unknown,
): boolean {
  if (!isUnauthorized(error)) return false;
  setSignedInViewer(queryClient, resetConnection, null);
  return true;
}

const AuthContext = createContext<TAuth | null>(null);

type TAuthProviderProps = { children: ReactNode; resetConnection(): void };

export function AuthProvider({ children, resetConnection }: TAuthProviderProps) {
  const queryClient = useQueryClient();
  const { client } = trpc.useUtils();
  const me = useQuery({
    queryKey: VIEWER_QUERY_KEY,
    queryFn: async (): Promise<TViewer | null> => {
      try {
        return await client.auth.me.query();
      } catch (error) {
        if (isUnauthorized(error)) return null;
        throw error;
      }
    },
    staleTime: Number.POSITIVE_INFINITY,
  });

  const onUnauthorized = useCallback(
    (error: unknown) => signOutIfUnauthorized(queryClient, resetConnection, error),
    [queryClient, resetConnection],
  );

  const signIn = useCallback(
    async (email: string, password: string) => {
      const { viewer, twoFactor } = await client.auth.login.mutate({ email, password });
      if (twoFactor) return { viewer: null, challenge: twoFactor };
      if (!viewer) throw new Error("The server answered a sign-in with neither a login nor a next step.");
      setSignedInViewer(queryClient, resetConnection, viewer);
      return { viewer, challenge: null };
    },
    [client, queryClient, resetConnection],
  );

  const completeSignIn = useCallback(
    (viewer: TViewer) => setSignedInViewer(queryClient, resetConnection, viewer),
    [queryClient, resetConnection],
  );

  const acceptInvite = useCallback(
    async (token: string, password: string) => {
      const { viewer } = await client.auth.acceptInvite.mutate({ token, password });
      setSignedInViewer(queryClient, resetConnection, viewer);
      return viewer;
    },
    [client, queryClient, resetConnection],
  );

  const completeSetup = useCallback(
    async (input: RouterInputs["setup"]["complete"]) => {
      const { viewer } = await client.setup.complete.mutate(input);
      setSignedInViewer(queryClient, resetConnection, viewer);
      return viewer;
    },
    [client, queryClient, resetConnection],
  );

  const signedInId = me.data?.id;
  const signOut = useCallback(async () => {
    // Someone else may sit down at this desk next: unsent drafts leave with the user.
    if (signedInId) removeDraftsOf(signedInId);
    // …and so do their push alerts on this browser (best effort: sign-out never waits long for it).
    await Promise.race([
      turnOffPushOnThisDevice(client).catch(() => undefined),
      new Promise((resolve) => setTimeout(resolve, 2_000)),
    ]);
    try {
      await client.auth.logout.mutate();
    } finally {
      setSignedInViewer(queryClient, resetConnection, null);
    }
  }, [client, queryClient, resetConnection, signedInId]);

  const value = useMemo<TAuth>(
    () => ({
      viewer: me.data ?? null,
      isLoading: me.isPending,
      error: me.error,
      signIn,
      completeSignIn,
      acceptInvite,
      completeSetup,
      signOut,
      signOutIfUnauthorized: onUnauthorized,
    }),
    [
      me.data,
      me.isPending,
      me.error,
      signIn,
      completeSignIn,
      acceptInvite,
      completeSetup,
      signOut,
      onUnauthorized,
    ],
  );
  return <AuthContext.Provider value={value}>{children}</AuthContext.Provider>;
}

export function useAuth(): TAuth {
  const auth = useContext(AuthContext);
  if (!auth) throw new Error("useAuth must be used inside <AuthProvider>");
  return auth;
}

/** The signed-in viewer, for pages behind <RequireAuth>. */
export function useViewer(): TViewer {
  const { viewer } = useAuth();
  if (!viewer) throw new Error("useViewer needs a signed-in viewer");
  return viewer;
}

export function canWorkHandoffs(viewer: TViewer): boolean {
  return viewer.role !== "viewer";
}

/** ADMIN and OWNER may act on anyone's claims and sessions. */
export function isAdmin(viewer: TViewer): boolean {
  return viewer.role === "admin" || viewer.role === "owner";
}

/** Where "/" sends someone: senior techs, admins and owners live in the queue. */
export function homePathFor(viewer: TViewer): string {
  if (viewer.role === "viewer") return "/sessions";
  if (viewer.isSeniorTech || isAdmin(viewer)) return "/escalations";
  return "/sessions";
}
