// Single sign-on in Chromium, end to end against a real OpenID provider on this machine
// (oidc-provider, its development login and consent pages): a sign-in that lands where the person
// was headed with the password login's session cookie, and each refusal, with no login started:
// a tampered state, an ID token for another nonce, an unverified email, a replayed callback, an
// email of another account; and "SSO only" refusing an engineer's password but not the owner's.
import { randomBytes } from "node:crypto";
import type { TestAccount } from "@handoff/db/testing";
import { type OidcTestProvider, startOidcTestProvider } from "@handoff/server/testing/oidc";
import type { BrowserContext, Page } from "playwright-core";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { apiAs, createAccount, openAs, useApp } from "./harness.ts";

const app = useApp({
  serverOptions: {
    psa: { secretsKey: randomBytes(32), timeoutMs: 5_000, allowPrivateHosts: false },
    // The provider runs on this machine, over plain http: allowed here only.
    sso: { allowLocalIssuers: true },
  },
});
let provider: OidcTestProvider;

beforeAll(async () => {
  provider = await startOidcTestProvider({ redirectUri: `${app.origin}/auth/sso/callback` });
});
afterAll(async () => {
  await provider?.close();
});

const tag = () => randomBytes(4).toString("hex");

/** A fresh account whose owner set up single sign-on with the local provider. */
async function accountWithSso(
  overrides: { isSsoOnly?: boolean; isAutoCreateEnabled?: boolean; allowedDomains?: string[] } = {},
) {
  const account = await createAccount(app);
  const owner = await apiAs(app, account.owner.email);
  const settings = provider.ssoSettings(overrides);
  await owner.sso.update(settings);
  return { ...account, slug: settings.slug };
}

/** Someone at the provider, with the claims it asserts for them. */
function personAtProvider(email: string, isEmailVerified = true) {
  return provider.addPerson({ login: `person-${tag()}`, email, isEmailVerified, name: "Pat Provider" });
}

async function newContext(): Promise<BrowserContext> {
  const context = await app.browser.newContext({ baseURL: app.origin });
  // The provider's development pages import a web font; this machine has no internet.
  await context.route("https://fonts.googleapis.com/**", (route) => route.abort());
  return context;
}

/**
 * Chromium routes a navigation's first request but not the targets of its redirects. This answers
 * the matching requests' redirects with a page that navigates by script instead, so each next hop
 * is a request of its own, which a test can route (and alter, as an attacker in the middle would).
 */
async function navigateEachRedirect(context: BrowserContext, isHop: (url: URL) => boolean) {
  await context.route(isHop, async (route) => {
    const response = await route.fetch({ maxRedirects: 0 });
    const location = response.headers().location;
    if (!location) return route.fulfill({ response });
    const { location: _location, "content-length": _length, ...headers } = response.headers();
    const target = new URL(location, route.request().url()).href;
    await route.fulfill({
      status: 200,
      headers: { ...headers, "content-type": "text/html" },
      body: `<script>location.replace(${JSON.stringify(target)})</script>`,
    });
  });
}

/**
 * From the login page through the provider's login and consent, until the browser is back in the
 * app (signed in, or refused at /login). `identifier` is what the person types: an email or the
 * account's sign-in name.
 */
async function signInWithSso(page: Page, options: { identifier: string; login: string; path?: string }) {
  await page.goto(`/login${options.path ? `?next=${encodeURIComponent(options.path)}` : ""}`);
  await page.getByRole("link", { name: "Sign in with SSO" }).click();
  await page.getByLabel("Email or sign-in name").fill(options.identifier);
  await page.getByRole("button", { name: "Continue with SSO" }).click();
  await page.waitForURL((url) => url.origin === provider.issuer);
  await page.locator('input[name="login"]').fill(options.login);
  await page.locator('input[name="password"]').fill("anything");
  await page.getByRole("button", { name: "Sign-in" }).click();
  await page.getByRole("button", { name: "Continue" }).click();
  await page.waitForURL((url) => url.origin === app.origin && url.pathname !== "/auth/sso/callback");
}

/** Who the browser is signed in as, asked of the API with the browser's own cookie. */
async function signedInEmail(context: BrowserContext): Promise<string | null> {
  const response = await context.request.get("/trpc/auth.me");
  if (response.status() === 401) return null;
  const body = (await response.json()) as { result: { data: { json: { email: string } } } };
  return body.result.data.json.email;
}

const loginsOf = (user: { id: string }) =>
  app.server.deps.prisma.authSession.count({ where: { userId: user.id } });

/** The user's sign-in rows in the audit log, oldest first: action, details and whether a user agent was kept. */
const signInAuditOf = async (user: { id: string }) => {
  const rows = await app.server.deps.prisma.auditEvent.findMany({
    where: { actorId: user.id, action: { in: ["auth.sign_in", "auth.sign_in_failed"] } },
    orderBy: { createdAt: "asc" },
  });
  return rows.map((row) => ({
    action: row.action,
    details: row.details,
    hasUserAgent: row.userAgent !== null,
  }));
};

/** The page shows the refusal for `code`, and no one is signed in. */
async function expectRefused(page: Page, context: BrowserContext, code: string, message: RegExp) {
  expect(new URL(page.url()).pathname).toBe("/login");
  expect(new URL(page.url()).searchParams.get("sso_error")).toBe(code);
  await expect(page.getByRole("alert").textContent()).resolves.toMatch(message);
  expect(await signedInEmail(context)).toBeNull();
}

describe("single sign-on", () => {
  it("signs a member in by their verified email and opens the page they were headed to", async () => {
    const account = await accountWithSso();
    const person = personAtProvider(account.engineer.email);
    const context = await newContext();
    const page = await context.newPage();

    await signInWithSso(page, { identifier: account.engineer.email, login: person.login, path: "/sessions" });

    expect(new URL(page.url()).pathname).toBe("/sessions");
    await page.getByTestId("current-user").getByText(account.engineer.name).waitFor();
    expect(await signedInEmail(context)).toBe(account.engineer.email);
    const cookies = await context.cookies(app.origin);
    expect(cookies.find((cookie) => cookie.name === "handoff_session")).toMatchObject({
      httpOnly: true,
      sameSite: "Lax",
    });
    expect(cookies.find((cookie) => cookie.name === "handoff_sso_flow")).toBeUndefined();
    expect(await loginsOf(account.engineer)).toBe(1);
    expect(await signInAuditOf(account.engineer)).toEqual([
      { action: "auth.sign_in", details: { method: "sso" }, hasUserAgent: true },
    ]);
  });

  it("asks no TOTP code, even where the account requires two-factor: the provider does MFA", async () => {
    const account = await accountWithSso();
    const owner = await apiAs(app, account.owner.email);
    await owner.twoFactor.setRequired({ isRequired: true });
    const person = personAtProvider(account.engineer.email);
    const context = await newContext();
    const page = await context.newPage();

    await signInWithSso(page, { identifier: account.engineer.email, login: person.login, path: "/sessions" });

    expect(new URL(page.url()).pathname).toBe("/sessions");
    expect(await signedInEmail(context)).toBe(account.engineer.email);
    expect(await signInAuditOf(account.engineer)).toEqual([
      { action: "auth.sign_in", details: { method: "sso" }, hasUserAgent: true },
    ]);
  });

  it("refuses an answer whose state was tampered with", async () => {
    const account = await accountWithSso();
    const person = personAtProvider(account.engineer.email);
    const context = await newContext();
    await navigateEachRedirect(context, (url) => url.origin === provider.issuer);
    await context.route(
      (url) => url.origin === app.origin && url.pathname === "/auth/sso/callback",
      async (route) => {
        const url = new URL(route.request().url());
        url.searchParams.set("state", `${url.searchParams.get("state")}x`);
        await route.fulfill({ status: 303, headers: { location: url.href } });
      },
    );
    const page = await context.newPage();

    await signInWithSso(page, { identifier: account.slug, login: person.login });

    await expectRefused(page, context, "state", /not for this sign-in/);
    expect(await loginsOf(account.engineer)).toBe(0);
  });

  it("refuses an ID token issued for another nonce", async () => {
    const account = await accountWithSso();
    const person = personAtProvider(account.engineer.email);
    const context = await newContext();
    // The provider is asked for a code with another nonce than the one this sign-in keeps.
    // (The start leg's page moves on to the provider by itself, so that navigation is routed.)
    await context.route(
      (url) => url.origin === provider.issuer && url.pathname === "/auth",
      async (route) => {
        const url = new URL(route.request().url());
        url.searchParams.set("nonce", `other-${tag()}`);
        await route.fulfill({ status: 303, headers: { location: url.href } });
      },
    );
    const page = await context.newPage();

    await signInWithSso(page, { identifier: account.engineer.email, login: person.login });

    await expectRefused(page, context, "nonce", /not for this sign-in/);
    expect(await loginsOf(account.engineer)).toBe(0);
  });

  it("refuses an email the provider has not verified", async () => {
    const account = await accountWithSso();
    const person = personAtProvider(account.engineer.email, false);
    const context = await newContext();
    const page = await context.newPage();

    await signInWithSso(page, { identifier: account.engineer.email, login: person.login });

    await expectRefused(page, context, "unverified", /not verified your email/);
    expect(await loginsOf(account.engineer)).toBe(0);
  });

  it("refuses the same callback URL a second time, in the same browser or another", async () => {
    const account = await accountWithSso();
    const person = personAtProvider(account.engineer.email);
    const context = await newContext();
    const page = await context.newPage();
    const callbacks: string[] = [];
    page.on("request", (request) => {
      if (request.url().startsWith(`${app.origin}/auth/sso/callback`)) callbacks.push(request.url());
    });
    await signInWithSso(page, { identifier: account.engineer.email, login: person.login });
    expect(await signedInEmail(context)).toBe(account.engineer.email);
    const [callbackUrl] = callbacks;
    if (!callbackUrl) throw new Error("the provider never sent the browser back");

    await page.goto(callbackUrl);
    expect(new URL(page.url()).searchParams.get("sso_error")).toBe("expired");

    const otherContext = await newContext();
    const otherPage = await otherContext.newPage();
    await otherPage.goto(callbackUrl);
    await expectRefused(otherPage, otherContext, "expired", /expired or was already used/);
    expect(await loginsOf(account.engineer)).toBe(1);
  });

  it("never signs someone into another account, even with auto-create on for their domain", async () => {
    const other = await createAccount(app);
    const otherDomain = other.engineer.email.split("@")[1] as string;
    const account = await accountWithSso({ isAutoCreateEnabled: true, allowedDomains: [otherDomain] });
    const person = personAtProvider(other.engineer.email);
    const context = await newContext();
    const page = await context.newPage();

    await signInWithSso(page, { identifier: account.slug, login: person.login });

    await expectRefused(page, context, "unknown_user", /no active login in this Handoff account/);
    expect(await loginsOf(other.engineer)).toBe(0);
    const users = app.server.deps.prisma.user;
    expect(await users.count({ where: { email: other.engineer.email } })).toBe(1);
  });

  it("creates an engineer's login at the first sign-in only when the owner allows it, for listed domains", async () => {
    const domain = `contoso-${tag()}.test`;
    const account = await accountWithSso({ isAutoCreateEnabled: true, allowedDomains: [domain] });
    const listed = personAtProvider(`new.hire@${domain}`);
    const unlisted = personAtProvider(`someone@elsewhere-${tag()}.test`);

    const context = await newContext();
    const page = await context.newPage();
    await signInWithSso(page, { identifier: listed.email, login: listed.login });
    expect(await signedInEmail(context)).toBe(listed.email);
    expect(
      await app.server.deps.prisma.user.findFirst({
        where: { email: listed.email },
        select: { role: true, accountId: true },
      }),
    ).toEqual({ role: "ENGINEER", accountId: account.account.id });

    const otherContext = await newContext();
    const otherPage = await otherContext.newPage();
    await signInWithSso(otherPage, { identifier: account.slug, login: unlisted.login });
    await expectRefused(otherPage, otherContext, "unknown_user", /no active login/);
    expect(await app.server.deps.prisma.user.count({ where: { email: unlisted.email } })).toBe(0);
  });

  it("lets an invited member join by signing in, and keeps a deactivated one out", async () => {
    const account = await accountWithSso();
    const admin = await apiAs(app, account.admin.email);
    const { user: invited } = await admin.user.invite({
      email: `new.hire.${tag()}@example.test`,
      name: "Nia New",
    });
    await admin.user.deactivate({ userId: account.engineer.id });

    const context = await newContext();
    const page = await context.newPage();
    await signInWithSso(page, { identifier: invited.email, login: personAtProvider(invited.email).login });
    expect(await signedInEmail(context)).toBe(invited.email);
    const prisma = app.server.deps.prisma;
    expect(await prisma.user.findUnique({ where: { id: invited.id }, select: { active: true } })).toEqual({
      active: true,
    });
    expect(await prisma.invite.count({ where: { userId: invited.id, acceptedAt: null } })).toBe(0);

    const otherContext = await newContext();
    const otherPage = await otherContext.newPage();
    const deactivated = personAtProvider(account.engineer.email);
    await signInWithSso(otherPage, { identifier: account.slug, login: deactivated.login });
    await expectRefused(otherPage, otherContext, "unknown_user", /no active login/);
    expect(await signInAuditOf(account.engineer)).toEqual([
      {
        action: "auth.sign_in_failed",
        details: { method: "sso", reason: "inactive_user" },
        hasUserAgent: true,
      },
    ]);
  });

  it("does not sign the owner in by a provider an admin changed, until the owner saves it", async () => {
    const account = await accountWithSso();
    const admin = await apiAs(app, account.admin.email);
    const current = await admin.sso.get();
    if (!current.connection) throw new Error("no single sign-on");
    const {
      hasClientSecret: _stored,
      isOwnerTrusted: _trusted,
      updatedAt: _at,
      ...settings
    } = current.connection;
    await admin.sso.update({ ...settings, clientSecret: provider.clientSecret });
    const person = personAtProvider(account.owner.email);

    const ownerLogins = await loginsOf(account.owner);

    const context = await newContext();
    const page = await context.newPage();
    await signInWithSso(page, { identifier: account.owner.email, login: person.login });
    await expectRefused(page, context, "owner_untrusted", /owner signs in with a password/);
    expect(await loginsOf(account.owner)).toBe(ownerLogins);
    expect(await signInAuditOf(account.owner)).toContainEqual({
      action: "auth.sign_in_failed",
      details: { method: "sso", reason: "owner_untrusted" },
      hasUserAgent: true,
    });

    const owner = await apiAs(app, account.owner.email);
    await owner.sso.update({ ...settings, clientSecret: "" });
    const ownerContext = await newContext();
    await signInWithSso(await ownerContext.newPage(), {
      identifier: account.owner.email,
      login: person.login,
    });
    expect(await signedInEmail(ownerContext)).toBe(account.owner.email);
  });

  it("is set up by the owner in /admin", async () => {
    const account = await createAccount(app);
    const { page } = await openAs(app, account.owner.email, "/admin/sso");
    await page.getByTestId("sso-status").getByText("Off").waitFor();
    expect(await page.getByTestId("sso-redirect-uri").textContent()).toBe(`${app.origin}/auth/sso/callback`);
    const slug = `msp-${tag()}`;
    await page.getByLabel("Sign-in name").fill(slug);
    await page.getByLabel("Issuer URL").fill(provider.issuer);
    await page.getByLabel("Client id").fill(provider.clientId);
    await page.getByLabel("Client secret").fill(provider.clientSecret);
    await page.getByLabel("Email domains").fill("contoso.test, fabrikam.test");
    await page.getByLabel("SSO only").check();
    await page.getByRole("button", { name: "Save" }).click();
    await page.getByTestId("sso-status").getByText("SSO only").waitFor();
    expect(await page.getByTestId("sso-status").textContent()).toContain(provider.issuer);
    expect(await page.getByLabel("Client secret").inputValue()).toBe("");
    expect(
      await app.server.deps.prisma.ssoConnection.findUnique({ where: { accountId: account.account.id } }),
    ).toMatchObject({
      slug,
      allowedDomains: ["contoso.test", "fabrikam.test"],
      isSsoOnly: true,
      isAutoCreateEnabled: false,
      isOwnerTrusted: true,
    });
  });

  it("with SSO only, refuses an engineer's password but not the owner's", async () => {
    const account: TestAccount = await accountWithSso({ isSsoOnly: true });
    const context = await newContext();
    const page = await context.newPage();
    await page.goto("/login");
    await page.getByLabel("Email").fill(account.engineer.email);
    await page.getByLabel("Password").fill("demo");
    await page.getByRole("button", { name: "Sign in" }).click();
    await expect(page.getByRole("alert").textContent()).resolves.toMatch(/signs in with single sign-on/);
    expect(await signedInEmail(context)).toBeNull();

    const { context: ownerContext } = await openAs(app, account.owner.email, "/sessions");
    expect(await signedInEmail(ownerContext)).toBe(account.owner.email);
  });
});
