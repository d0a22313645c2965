// An account's single sign-on settings through the real server, against a real OpenID provider
// on this machine: ADMIN+ only, the client secret sealed and never returned, the issuer checked
// by reading its discovery document (and refused on a private network unless the server allows
// local issuers), the owner's switches, and "SSO only" turning passwords off for all but the owner.
import { randomBytes } from "node:crypto";
import { createTestAccount, testDatabaseTargets } from "@handoff/db/testing";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { login, TEST_APP_ORIGIN, type TestServer } from "../src/testing/index.ts";
import { type OidcTestProvider, startOidcTestProvider } from "../src/testing/oidc-test-provider.ts";
import { useTestServer } from "./support/use-test-server.ts";

describe.each(await testDatabaseTargets())("single sign-on settings on %s", (target) => {
  let provider: OidcTestProvider;

  beforeAll(async () => {
    provider = await startOidcTestProvider({ redirectUri: `${TEST_APP_ORIGIN}/auth/sso/callback` });
  });
  afterAll(async () => {
    await provider?.close();
  });
  const app = useTestServer({
    target,
    server: {
      psa: { secretsKey: randomBytes(32), timeoutMs: 3_000, allowPrivateHosts: false },
      // The provider listens on this machine.
      sso: { allowLocalIssuers: true },
    },
  });

  const settings = (overrides: Record<string, unknown> = {}) =>
    provider.ssoSettings({ allowedDomains: ["contoso.com"], ...overrides });

  const storedConnection = (accountId: string) =>
    app.prisma.ssoConnection.findUnique({ where: { accountId } });

  it("is for admins and the owner only", async () => {
    const account = await createTestAccount(app.prisma);
    for (const user of [account.engineer, account.viewer]) {
      const client = await app.clientFor(user);
      await expect(client.sso.get()).rejects.toMatchObject({ data: { code: "FORBIDDEN" } });
      await expect(client.sso.update(settings())).rejects.toMatchObject({ data: { code: "FORBIDDEN" } });
      await expect(client.sso.remove()).rejects.toMatchObject({ data: { code: "FORBIDDEN" } });
    }
    expect(await storedConnection(account.account.id)).toBeNull();
  });

  it("seals the client secret and never returns it", async () => {
    const account = await createTestAccount(app.prisma);
    const admin = await app.clientFor(account.admin);
    const saved = await admin.sso.update(settings({ allowedDomains: ["Contoso.com", "contoso.com"] }));
    const read = await admin.sso.get();
    expect(read).toEqual(saved);
    expect(read.redirectUri).toBe(`${TEST_APP_ORIGIN}/auth/sso/callback`);
    expect(read.connection).toMatchObject({
      issuerUrl: provider.issuer,
      clientId: provider.clientId,
      hasClientSecret: true,
      allowedDomains: ["contoso.com"],
      isOwnerTrusted: false,
    });
    expect(JSON.stringify(read)).not.toContain(provider.clientSecret);
    const row = await storedConnection(account.account.id);
    expect(row?.sealedClientSecret).toMatch(/^v1\./);
    expect(row?.sealedClientSecret).not.toContain(provider.clientSecret);

    // Saved again without the secret (same issuer and client): the stored one is kept.
    await admin.sso.update(settings({ slug: read.connection?.slug, clientSecret: "" }));
    expect((await storedConnection(account.account.id))?.clientId).toBe(provider.clientId);
  });

  it("refuses bad settings with a clear message and writes nothing", async () => {
    const account = await createTestAccount(app.prisma);
    const admin = await app.clientFor(account.admin);
    const refused = [
      [settings({ issuerUrl: "not a url" }), "BAD_REQUEST", /issuer URL is an https/],
      [settings({ slug: "a b" }), "BAD_REQUEST", /sign-in name/],
      [settings({ allowedDomains: ["not a domain"] }), "BAD_REQUEST", /domain is a name/],
      [settings({ clientSecret: "" }), "BAD_REQUEST", /Enter the client secret/],
      // The same provider under another name: its discovery document names another issuer.
      [
        settings({ issuerUrl: provider.issuer.replace("localhost", "127.0.0.1") }),
        "BAD_REQUEST",
        /names another issuer/,
      ],
      // Nothing answers there: the issuer is checked before anything is saved.
      [settings({ issuerUrl: "http://127.0.0.1:9" }), "BAD_REQUEST", /Could not use http:\/\/127\.0\.0\.1:9/],
    ] as const;
    for (const [input, code, message] of refused) {
      await expect(admin.sso.update(input)).rejects.toMatchObject({
        data: { code },
        message: expect.stringMatching(message),
      });
    }
    expect(await storedConnection(account.account.id)).toBeNull();
  });

  it("never sends the stored secret to another issuer or client", async () => {
    const account = await createTestAccount(app.prisma);
    const admin = await app.clientFor(account.admin);
    const saved = await admin.sso.update(settings());
    const before = await storedConnection(account.account.id);
    await expect(
      admin.sso.update(
        settings({ slug: saved.connection?.slug, clientId: "another-client", clientSecret: "" }),
      ),
    ).rejects.toMatchObject({
      data: { code: "BAD_REQUEST" },
      message: expect.stringMatching(/Enter the client secret again/),
    });
    expect(await storedConnection(account.account.id)).toEqual(before);
  });

  it("leaves auto-create, SSO only and removal to the owner, and trusts only the owner's provider for the owner", async () => {
    const account = await createTestAccount(app.prisma);
    const admin = await app.clientFor(account.admin);
    const owner = await app.clientFor(account.owner);
    const base = settings();
    await admin.sso.update(base);
    for (const change of [{ isAutoCreateEnabled: true }, { isSsoOnly: true }]) {
      await expect(admin.sso.update({ ...base, ...change })).rejects.toMatchObject({
        data: { code: "FORBIDDEN" },
        message: expect.stringMatching(/Only the owner/),
      });
    }
    await expect(admin.sso.remove()).rejects.toMatchObject({ data: { code: "FORBIDDEN" } });
    expect(await storedConnection(account.account.id)).toMatchObject({
      isAutoCreateEnabled: false,
      isSsoOnly: false,
      isOwnerTrusted: false,
    });

    const ownerSaved = await owner.sso.update({ ...base, isAutoCreateEnabled: true, isSsoOnly: true });
    expect(ownerSaved.connection).toMatchObject({
      isAutoCreateEnabled: true,
      isSsoOnly: true,
      isOwnerTrusted: true,
    });
    // An admin may still edit the domains (the provider unchanged: the owner's trust stays)…
    const kept = await admin.sso.update({
      ...base,
      isAutoCreateEnabled: true,
      isSsoOnly: true,
      clientSecret: "",
    });
    expect(kept.connection?.isOwnerTrusted).toBe(true);
    // …but a new secret (or issuer, or client) from an admin is not trusted to sign the owner in.
    const changed = await admin.sso.update({ ...base, isAutoCreateEnabled: true, isSsoOnly: true });
    expect(changed.connection?.isOwnerTrusted).toBe(false);

    await owner.sso.remove();
    expect(await storedConnection(account.account.id)).toBeNull();
  });

  it("writes each saved or removed setting to the audit log, never the secret, and nothing for a refusal", async () => {
    const account = await createTestAccount(app.prisma);
    const owner = await app.clientFor(account.owner);
    const admin = await app.clientFor(account.admin);
    const input = settings({ isSsoOnly: true });
    await owner.sso.update(input);
    await expect(admin.sso.update({ ...input, isSsoOnly: false })).rejects.toMatchObject({
      data: { code: "FORBIDDEN" },
    });
    await owner.sso.remove();

    const rows = await app.prisma.auditEvent.findMany({
      where: { accountId: account.account.id, action: "sso.settings_changed" },
      orderBy: { createdAt: "asc" },
    });
    expect(rows.map((row) => [row.actorEmail, row.details])).toEqual([
      [
        account.owner.email,
        {
          change: "saved",
          slug: input.slug,
          issuerUrl: input.issuerUrl,
          clientId: input.clientId,
          allowedDomains: input.allowedDomains,
          isAutoCreateEnabled: false,
          isSsoOnly: true,
          isOwnerTrusted: true,
          isSecretEntered: true,
        },
      ],
      [account.owner.email, { change: "removed" }],
    ]);
    expect(JSON.stringify(rows)).not.toContain(input.clientSecret);
  });

  it("refuses a taken sign-in name", async () => {
    const first = await createTestAccount(app.prisma);
    const second = await createTestAccount(app.prisma);
    const input = settings();
    await (await app.clientFor(first.admin)).sso.update(input);
    await expect((await app.clientFor(second.admin)).sso.update(input)).rejects.toMatchObject({
      data: { code: "CONFLICT" },
      message: expect.stringMatching(/is taken/),
    });
    expect(await storedConnection(second.account.id)).toBeNull();
  });

  it("with SSO only, a correct password signs in the owner and nobody else", async () => {
    const account = await createTestAccount(app.prisma);
    const owner = await app.clientFor(account.owner);
    await owner.sso.update(settings({ isSsoOnly: true }));
    for (const user of [account.admin, account.engineer, account.viewer]) {
      await expect(login(app.server, user.email)).rejects.toMatchObject({
        data: { code: "FORBIDDEN" },
        message: expect.stringMatching(/signs in with single sign-on/),
      });
      // A wrong password still gets the usual answer: SSO only reveals nothing to a guesser.
      await expect(login(app.server, user.email, "wrong")).rejects.toMatchObject({
        data: { code: "UNAUTHORIZED" },
      });
    }
    expect(await login(app.server, account.owner.email)).toEqual(expect.any(String));
    const refusals = await app.prisma.auditEvent.findMany({
      where: {
        accountId: account.account.id,
        action: "auth.sign_in_failed",
        details: { equals: { reason: "sso_only" } },
      },
      select: { actorId: true },
    });
    expect(refusals.map((row) => row.actorId).sort()).toEqual(
      [account.admin.id, account.engineer.id, account.viewer.id].sort(),
    );
  });

  describe("on a server that does not allow local issuers", () => {
    let strictServer: TestServer;
    beforeAll(async () => {
      strictServer = await app.startServer({
        psa: { secretsKey: randomBytes(32), timeoutMs: 3_000, allowPrivateHosts: false },
      });
    });

    it("refuses an issuer on this machine or a private network", async () => {
      const account = await createTestAccount(app.prisma);
      const admin = await app.clientFor(account.admin, strictServer);
      const port = new URL(provider.issuer).port;
      for (const [issuerUrl, reason] of [
        [provider.issuer, /it must be reached over https/],
        [`https://127.0.0.1:${port}`, /issuer: 127\.0\.0\.1 is on this machine or a private network\.$/],
        [`https://10.0.0.8`, /issuer: 10\.0\.0\.8 is on this machine or a private network\.$/],
      ] as const) {
        await expect(admin.sso.update(settings({ issuerUrl }))).rejects.toMatchObject({
          data: { code: "BAD_REQUEST" },
          message: expect.stringMatching(reason),
        });
      }
      expect(await storedConnection(account.account.id)).toBeNull();
    });
  });
});
