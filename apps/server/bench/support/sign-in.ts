// Signs a demo user in over HTTP, as the web app's login does, for a session token.
import type { AppRouter } from "@handoff/api";
import { createTRPCClient, httpLink } from "@trpc/client";
import superjson from "superjson";

export async function signIn(baseUrl: string, email: string): Promise<string> {
  const anonymous = createTRPCClient<AppRouter>({
    links: [httpLink({ url: `${baseUrl}/trpc`, transformer: superjson, headers: { origin: baseUrl } })],
  });
  const { token } = await anonymous.auth.login.mutate({ email, password: "demo", mode: "token" });
  if (!token) throw new Error(`no token for ${email}`);
  return token;
}
