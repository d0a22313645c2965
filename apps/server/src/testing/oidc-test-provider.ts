// "@handoff/server/testing/oidc": a real OpenID provider (oidc-provider) on a loopback port, for
// single sign-on tests. One client is registered with the app's callback; people are added by the
// test with the claims their ID token and userinfo should carry. Its development login and consent
// pages (devInteractions) take any login name: the test types the one it added.
import { randomBytes } from "node:crypto";
import { createServer, type IncomingMessage, type ServerResponse } from "node:http";
import Provider, { type Account } from "oidc-provider";

export type TOidcTestPerson = {
  /** What the test types on the provider's login page. */
  login: string;
  email: string;
  isEmailVerified: boolean;
  name?: string;
};

export type OidcTestProvider = {
  /** e.g. http://localhost:40123: what an admin enters as the issuer URL. */
  readonly issuer: string;
  readonly clientId: string;
  readonly clientSecret: string;
  addPerson(person: TOidcTestPerson): TOidcTestPerson;
  /** What an account's `sso.update` takes to use this provider (a fresh sign-in name each call). */
  ssoSettings<TOverrides extends Partial<TSsoSettings>>(overrides?: TOverrides): TSsoSettings & TOverrides;
  close(): Promise<void>;
};

export type TSsoSettings = {
  slug: string;
  issuerUrl: string;
  clientId: string;
  clientSecret: string;
  allowedDomains: string[];
  isAutoCreateEnabled: boolean;
  isSsoOnly: boolean;
};

/**
 * Starts the provider. `redirectUri` is the app's callback (`<appOrigin>/auth/sso/callback`).
 * It listens on 127.0.0.1 but names itself `localhost`: another site than the app's 127.0.0.1,
 * so the browser treats the way back from it as a cross-site navigation, as in production.
 */
export async function startOidcTestProvider(options: { redirectUri: string }): Promise<OidcTestProvider> {
  const people = new Map<string, TOidcTestPerson>();
  const clientId = `handoff-${randomBytes(4).toString("hex")}`;
  const clientSecret = randomBytes(24).toString("base64url");

  let handler: (req: IncomingMessage, res: ServerResponse) => void = (_req, res) => {
    res.statusCode = 503;
    res.end();
  };
  const server = createServer((req, res) => handler(req, res));
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  const address = server.address();
  const port = typeof address === "object" && address ? address.port : 0;
  const issuer = `http://localhost:${port}`;

  const provider = new Provider(issuer, {
    clients: [
      {
        client_id: clientId,
        client_secret: clientSecret,
        redirect_uris: [options.redirectUri],
        grant_types: ["authorization_code"],
        response_types: ["code"],
        token_endpoint_auth_method: "client_secret_post",
      },
    ],
    claims: { openid: ["sub"], email: ["email", "email_verified"], profile: ["name"] },
    cookies: { keys: [randomBytes(32).toString("hex")] },
    features: { devInteractions: { enabled: true } },
    findAccount(_ctx, login): Account | undefined {
      const person = people.get(login);
      if (!person) return undefined;
      return {
        accountId: login,
        claims: () => ({
          sub: login,
          email: person.email,
          email_verified: person.isEmailVerified,
          name: person.name ?? login,
        }),
      };
    },
  });
  handler = provider.callback();

  return {
    issuer,
    clientId,
    clientSecret,
    addPerson(person) {
      people.set(person.login, person);
      return person;
    },
    ssoSettings(overrides) {
      return {
        slug: `msp-${randomBytes(4).toString("hex")}`,
        issuerUrl: issuer,
        clientId,
        clientSecret,
        allowedDomains: [],
        isAutoCreateEnabled: false,
        isSsoOnly: false,
        ...overrides,
      } as TSsoSettings & NonNullable<typeof overrides>;
    },
    close() {
      server.closeAllConnections();
      return new Promise((resolve) => server.close(() => resolve()));
    },
  };
}
