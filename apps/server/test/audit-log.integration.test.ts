// The audit log through the real server: each security-relevant change and sign-in writes one
// row (who, what, whom, from which address and browser) with the change, a refused change writes
// none; ADMINs read it filtered by action, actor and dates with keyset paging, and export it as CSV
// (formula-looking cells defused); everyone else is FORBIDDEN, and no account sees another's rows.
import { randomBytes } from "node:crypto";
import type { TAuditEntry } from "@handoff/api";
import { createTestAccount, type TestAccount, testDatabaseTargets } from "@handoff/db/testing";
import { beforeAll, describe, expect, it } from "vitest";
import { createTestClient, login, type TestClient, totpCodeAt } from "../src/testing/index.ts";
import { codeOf, enrolTwoFactor } from "./support/two-factor.ts";
import { useTestServer } from "./support/use-test-server.ts";

const POLICY = {
  targets: { urgent: 10, high: 30, normal: 120, low: 480 },
  repeatEvery: 15,
  repeatMax: 3,
  idleClaimAfter: 30,
  maxLifetime: 1440,
};

describe.each(await testDatabaseTargets())("on %s", (target) => {
  const app = useTestServer({
    target,
    server: { psa: { secretsKey: randomBytes(32), timeoutMs: 3_000, allowPrivateHosts: true } },
  });

  const signedIn = (email: string) => app.clientFor({ email });

  /** Every row of the account, oldest first, read page by page as the admin tab does. */
  async function allRows(admin: TestClient, filter: Parameters<TestClient["audit"]["list"]>[0] = {}) {
    const rows: TAuditEntry[] = [];
    let cursor: string | undefined;
    do {
      const page = await admin.audit.list({ ...filter, limit: 3, ...(cursor && { cursor }) });
      rows.push(...page.items);
      cursor = page.nextCursor ?? undefined;
    } while (cursor);
    return rows.reverse();
  }

  const actionsOf = (rows: TAuditEntry[]) => rows.map((row) => row.action);

  describe("what is recorded", () => {
    let account: TestAccount;
    let admin: TestClient;
    beforeAll(async () => {
      account = await createTestAccount(app.prisma);
      admin = await signedIn(account.admin.email);
    });

    it("sign-ins with address and browser, failures for a known email, sign-outs", async () => {
      const userAgent = "=cmd|' /C calc'!A0";
      const response = await fetch(`${app.server.url}/trpc/auth.login`, {
        method: "POST",
        headers: { "content-type": "application/json", "user-agent": userAgent },
        body: JSON.stringify({ json: { email: account.engineer.email, password: "demo", mode: "token" } }),
      });
      const { result } = (await response.json()) as { result: { data: { json: { token: string } } } };
      await expect(
        createTestClient(app.server).auth.login({ email: account.engineer.email, password: "wrong" }),
      ).rejects.toMatchObject({ data: { code: "UNAUTHORIZED" } });
      await createTestClient(app.server, { token: result.data.json.token }).auth.logout();

      const rows = await allRows(admin, { filter: { actorId: account.engineer.id } });
      expect(actionsOf(rows)).toEqual(["auth.sign_in", "auth.sign_in_failed", "auth.sign_out"]);
      expect(rows[0]).toMatchObject({
        actor: { id: account.engineer.id, email: account.engineer.email, name: account.engineer.name },
        details: { method: "password" },
        ip: "127.0.0.1",
        userAgent,
      });
      expect(rows[1]?.details).toEqual({ reason: "wrong_password" });
    });

    it("two-factor on, a recovery code used, a second-factor sign-in and a wrong code, two-factor off, and the owner's requirement", async () => {
      const senior = await signedIn(account.senior.email);
      const { secret, recoveryCodes } = await enrolTwoFactor(senior);
      const anonymous = createTestClient(app.server);
      const step = () =>
        anonymous.auth.login({ email: account.senior.email, password: "demo", mode: "token" });
      const first = await step();
      const challengeToken = first.twoFactor?.challengeToken ?? "";
      expect(
        await codeOf(anonymous.twoFactor.signIn({ challengeToken, code: "000000", mode: "token" })),
      ).toBe("UNAUTHORIZED");
      await anonymous.twoFactor.signIn({ challengeToken, code: recoveryCodes[0] ?? "", mode: "token" });
      const second = await step();
      await anonymous.twoFactor.signIn({
        challengeToken: second.twoFactor?.challengeToken ?? "",
        code: await totpCodeAt(secret, 1),
        mode: "token",
      });
      await senior.twoFactor.disable({ password: "demo" });
      const owner = await signedIn(account.owner.email);
      await owner.twoFactor.setRequired({ isRequired: true });
      await owner.twoFactor.setRequired({ isRequired: false });

      const seniorRows = await allRows(admin, { filter: { actorId: account.senior.id } });
      expect(actionsOf(seniorRows)).toEqual([
        "auth.sign_in", // the test's own sign-in
        "two_factor.enabled",
        "auth.sign_in_failed",
        "auth.sign_in",
        "two_factor.recovery_code_used",
        "auth.sign_in",
        "two_factor.disabled",
      ]);
      expect(seniorRows.map((row) => row.details)).toMatchObject([
        { method: "password" },
        {},
        { reason: "wrong_code" },
        { method: "password+recovery_code" },
        { recoveryCodesLeft: 9 },
        { method: "password+totp" },
        { provedWith: "password" },
      ]);
      const required = await allRows(admin, { filter: { action: "account.two_factor_required" } });
      expect(required.map((row) => [row.actor.id, row.details])).toEqual([
        [account.owner.id, { isRequired: true }],
        [account.owner.id, { isRequired: false }],
      ]);
    });

    it("role changes, deactivation and reactivation, and invitations sent, withdrawn and accepted; a refused change writes nothing", async () => {
      const owner = await signedIn(account.owner.email);
      await admin.user.update({ userId: account.viewer.id, role: "engineer" });
      await admin.user.update({ userId: account.viewer.id, name: "Vic Renamed" });
      expect(await codeOf(admin.user.update({ userId: account.owner.id, role: "viewer" }))).toBe("FORBIDDEN");
      await admin.user.deactivate({ userId: account.engineer.id });
      await admin.user.reactivate({ userId: account.engineer.id });
      const email = `new.${randomBytes(4).toString("hex")}@example.test`;
      await admin.user.invite({ email, name: "New Person", role: "engineer", isSeniorTech: false });
      const { inviteUrl } = await owner.user.invite({
        email,
        name: "New Person",
        role: "viewer",
        isSeniorTech: false,
      });
      await createTestClient(app.server).auth.acceptInvite({
        token: inviteUrl.split("#")[1] ?? "",
        password: "a long enough password",
      });

      const rows = (await allRows(admin)).filter(
        (row) =>
          !row.action.startsWith("auth.") &&
          !row.action.startsWith("two_factor.") &&
          row.action !== "account.two_factor_required",
      );
      expect(rows.map((row) => [row.action, row.actor.email, row.target?.label])).toEqual([
        ["user.role_changed", account.admin.email, account.viewer.email],
        ["user.deactivated", account.admin.email, account.engineer.email],
        ["user.reactivated", account.admin.email, account.engineer.email],
        ["invitation.sent", account.admin.email, email],
        ["invitation.revoked", account.owner.email, email],
        ["invitation.sent", account.owner.email, email],
        ["invitation.accepted", email, email],
      ]);
      expect(rows[0]?.details).toEqual({ from: "viewer", to: "engineer" });
      expect(rows[4]?.details).toEqual({ reason: "replaced" });
    });

    it("PSA connection saved and removed, and the escalation policy changed (never the secret)", async () => {
      const privateKey = `secret-${randomBytes(8).toString("hex")}`;
      await admin.psa.update({
        provider: "connectwise",
        siteUrl: "https://psa.example.com",
        companyId: "acme",
        publicKey: "public",
        privateKey,
        clientId: "client",
      });
      await admin.psa.remove();
      await admin.policy.update(POLICY);

      const psaRows = await allRows(admin, { filter: { action: "psa.connection_saved" } });
      expect(psaRows).toHaveLength(1);
      expect(psaRows[0]?.details).toMatchObject({ provider: "connectwise", isSecretEntered: true });
      expect(JSON.stringify(psaRows[0])).not.toContain(privateKey);
      expect(actionsOf(await allRows(admin, { filter: { action: "psa.connection_removed" } }))).toEqual([
        "psa.connection_removed",
      ]);
      const [policy] = await allRows(admin, { filter: { action: "policy.updated" } });
      expect(policy?.details).toMatchObject({ after: POLICY });
    });
  });

  describe("reading it", () => {
    let account: TestAccount;
    let admin: TestClient;
    let otherAdmin: TestClient;
    beforeAll(async () => {
      account = await createTestAccount(app.prisma);
      admin = await signedIn(account.admin.email);
      for (const user of [account.engineer, account.senior, account.viewer])
        await login(app.server, user.email);
      const other = await createTestAccount(app.prisma);
      otherAdmin = await signedIn(other.admin.email);
    });

    it("pages newest first without repeats, filters by action, actor and dates, and never shows another account's rows", async () => {
      const all = await allRows(admin);
      expect(all.length).toBeGreaterThanOrEqual(4);
      expect(new Set(all.map((row) => row.id)).size).toBe(all.length);
      const userIds = new Set(account.users.map((user) => user.id));
      for (const row of all) expect(userIds).toContain(row.actor.id);
      for (const row of await allRows(otherAdmin)) expect(userIds).not.toContain(row.actor.id);

      expect(actionsOf(await allRows(admin, { filter: { actorId: account.viewer.id } }))).toEqual([
        "auth.sign_in",
      ]);
      expect(await allRows(admin, { filter: { action: "user.deactivated" } })).toEqual([]);
      const hour = 60 * 60 * 1000;
      const now = Date.now();
      expect(
        await allRows(admin, { filter: { from: new Date(now - hour), to: new Date(now + hour) } }),
      ).toHaveLength(all.length);
      expect(await allRows(admin, { filter: { from: new Date(now + hour) } })).toEqual([]);
      expect(await allRows(admin, { filter: { to: new Date(now - hour) } })).toEqual([]);
      await expect(
        admin.audit.list({ filter: { from: new Date(now), to: new Date(now - hour) } }),
      ).rejects.toMatchObject({ data: { code: "BAD_REQUEST" } });
      await expect(admin.audit.list({ cursor: "not-a-cursor" })).rejects.toMatchObject({
        data: { code: "BAD_REQUEST" },
      });
    });

    it("exports the filtered rows as CSV with formula-looking cells defused", async () => {
      await fetch(`${app.server.url}/trpc/auth.login`, {
        method: "POST",
        headers: { "content-type": "application/json", "user-agent": '=HYPERLINK("http://evil.test","x")' },
        body: JSON.stringify({ json: { email: account.senior.email, password: "demo" } }),
      });
      const file = await admin.audit.exportCsv({ filter: { actorId: account.senior.id } });
      expect(file.filename).toMatch(/^audit-log-\d{4}-\d{2}-\d{2}\.csv$/);
      expect(file.rowCount).toBe(2);
      expect(file.isTruncated).toBe(false);
      const lines = file.csv.trimEnd().split("\r\n");
      expect(lines[0]).toBe("time (UTC),action,actor,target,details,ip,user agent");
      expect(lines).toHaveLength(3);
      expect(lines[1]).toContain(`Signed in,${account.senior.email},,"{""method"":""password""}",127.0.0.1,`);
      expect(lines[1]).toMatch(/,"'=HYPERLINK\(""http:\/\/evil\.test"",""x""\)"$/);
      expect(file.csv).not.toMatch(/(^|,)=/m);
    });

    it("is for ADMINs and the owner only", async () => {
      for (const user of [account.engineer, account.senior, account.viewer]) {
        const client = await signedIn(user.email);
        expect(await codeOf(client.audit.list({}))).toBe("FORBIDDEN");
        expect(await codeOf(client.audit.exportCsv({}))).toBe("FORBIDDEN");
      }
      const owner = await signedIn(account.owner.email);
      expect((await owner.audit.list({})).items.length).toBeGreaterThan(0);
      expect(await codeOf(createTestClient(app.server).audit.list({}))).toBe("UNAUTHORIZED");
    });
  });
});
