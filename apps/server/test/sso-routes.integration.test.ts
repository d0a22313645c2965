// The browser legs of single sign-on as plain HTTP against the real server and a real OpenID
// provider: the start leg's redirect (PKCE S256, state, nonce) and its sealed, httpOnly flow cookie;
// the account found by email or sign-in name; and what it refuses: another site's form (login CSRF),
// a GET, an email with no single sign-on, a domain two accounts claim.
import { randomBytes } from "node:crypto";
import type { Database } from "@handoff/db";
import { createTestAccount, createTestDatabase } from "@handoff/db/testing";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import {
  createTestClient,
  login,
  startTestServer,
  TEST_APP_ORIGIN,
  type TestServer,
} from "../src/testing/index.ts";
import { type OidcTestProvider, startOidcTestProvider } from "../src/testing/oidc-test-provider.ts";

describe("single sign-on's start and callback", () => {
  let database: Database;
  let server: TestServer;
  let provider: OidcTestProvider;

  beforeAll(async () => {
    database = await createTestDatabase("pglite");
    provider = await startOidcTestProvider({ redirectUri: `${TEST_APP_ORIGIN}/auth/sso/callback` });
    server = await startTestServer({
      database,
      psa: { secretsKey: randomBytes(32), timeoutMs: 3_000, allowPrivateHosts: false },
      sso: { allowLocalIssuers: true },
    });
  });
  afterAll(async () => {
    await server?.close();
    await provider?.close();
    await database?.close();
  });

  async function accountWithSso(
    overrides: { allowedDomains?: string[]; isAutoCreateEnabled?: boolean } = {},
  ) {
    const account = await createTestAccount(database.prisma);
    const owner = createTestClient(server, { token: await login(server, account.owner.email) });
    const settings = provider.ssoSettings(overrides);
    await owner.sso.update(settings);
    return { ...account, slug: settings.slug };
  }

  function start(
    identifier: string,
    options: { origin?: string | null; site?: string; method?: string; next?: string } = {},
  ) {
    const origin = options.origin === undefined ? TEST_APP_ORIGIN : options.origin;
    return fetch(`${server.url}/auth/sso/start`, {
      method: options.method ?? "POST",
      redirect: "manual",
      headers: {
        ...(origin ? { Origin: origin } : {}),
        ...(options.site ? { "Sec-Fetch-Site": options.site } : {}),
        ...(options.method === "GET" ? {} : { "Content-Type": "application/x-www-form-urlencoded" }),
      },
      body:
        options.method === "GET" ? undefined : new URLSearchParams({ identifier, next: options.next ?? "" }),
    });
  }

  it("sends the browser to the provider with PKCE, state and nonce, kept in a sealed httpOnly cookie", async () => {
    const account = await accountWithSso();
    // Chromium posts a same-origin form with Origin "null" under Referrer-Policy: no-referrer.
    for (const [identifier, headers] of [
      [account.engineer.email.toUpperCase(), {}],
      [account.slug, { origin: "null", site: "same-origin" }],
    ] as const) {
      const response = await start(identifier, { next: "/sessions", ...headers });
      // A page that moves on by itself (the app's CSP keeps a form's redirects on this origin).
      expect(response.status).toBe(200);
      const refresh = /<meta http-equiv="refresh" content="0;url=([^"]+)">/.exec(await response.text())?.[1];
      const location = new URL((refresh ?? "").replaceAll("&amp;", "&"));
      expect(location.origin).toBe(provider.issuer);
      const params = Object.fromEntries(location.searchParams);
      expect(params).toMatchObject({
        client_id: provider.clientId,
        redirect_uri: `${TEST_APP_ORIGIN}/auth/sso/callback`,
        response_type: "code",
        scope: "openid email profile",
        code_challenge_method: "S256",
      });
      expect(params.code_challenge).toMatch(/^[A-Za-z0-9_-]{43}$/);
      expect(params.state).toMatch(/^[A-Za-z0-9_-]{32,}$/);
      expect(params.nonce).toMatch(/^[A-Za-z0-9_-]{32,}$/);
      const cookie = response.headers.getSetCookie().find((line) => line.startsWith("handoff_sso_flow="));
      expect(cookie).toMatch(/; Path=\/auth\/sso\/callback/);
      expect(cookie).toMatch(/; HttpOnly/);
      expect(cookie).toMatch(/; SameSite=Lax/);
      expect(cookie).toMatch(/; Max-Age=600/);
      // Sealed: none of what it keeps can be read from it.
      for (const value of [params.state, params.nonce, account.account.id, "/sessions"])
        expect(decodeURIComponent(cookie ?? "")).not.toContain(value);
    }
  });

  it("refuses another site's form, a GET, and a bad form, starting nothing", async () => {
    const account = await accountWithSso();
    for (const [response, status] of [
      [await start(account.slug, { origin: "https://evil.example" }), 403],
      [await start(account.slug, { origin: null }), 403],
      [await start(account.slug, { origin: "null" }), 403],
      [await start(account.slug, { site: "cross-site" }), 403],
      [await start(account.slug, { origin: "null", site: "same-site" }), 403],
      [await start(account.slug, { method: "GET" }), 405],
    ] as const) {
      expect(response.status).toBe(status);
      expect(response.headers.getSetCookie()).toEqual([]);
    }
    const tooBig = await fetch(`${server.url}/auth/sso/start`, {
      method: "POST",
      redirect: "manual",
      headers: { Origin: TEST_APP_ORIGIN, "Content-Type": "application/x-www-form-urlencoded" },
      body: `identifier=${"a".repeat(5_000)}`,
    });
    expect(tooBig.status).toBe(400);
  });

  it("says when there is no single sign-on for an email or name, or two accounts claim its domain", async () => {
    const withoutSso = await createTestAccount(database.prisma);
    const domain = `shared-${randomBytes(4).toString("hex")}.test`;
    await accountWithSso({ allowedDomains: [domain], isAutoCreateEnabled: true });
    await accountWithSso({ allowedDomains: [domain], isAutoCreateEnabled: true });
    for (const [identifier, code] of [
      [withoutSso.engineer.email, "not_configured"],
      ["nobody@nowhere.test", "not_configured"],
      ["no-such-name", "not_configured"],
      [`new.person@${domain}`, "ambiguous"],
    ] as const) {
      const response = await start(identifier);
      expect(response.status).toBe(303);
      expect(response.headers.get("location")).toBe(`/login?sso_error=${code}`);
      expect(response.headers.getSetCookie()).toEqual([]);
    }
  });

  it("refuses a callback without this browser's sign-in, and clears the cookie", async () => {
    const response = await fetch(`${server.url}/auth/sso/callback?code=abc&state=def`, {
      redirect: "manual",
    });
    expect(response.status).toBe(303);
    expect(response.headers.get("location")).toBe("/login?sso_error=expired");
    const cookies = response.headers.getSetCookie();
    expect(cookies).toHaveLength(1);
    expect(cookies[0]).toMatch(/^handoff_sso_flow=; Max-Age=0/);
  });
});
