// The sign-in check's read (the signed_in_logins function): what a viewer is made of, and the logins
// it must refuse, on the embedded database as every request reads them.
import type { Database } from "@handoff/db";
import { createTestAccount, createTestDatabase, type TestAccount } from "@handoff/db/testing";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { hashToken, resolveViewer } from "./auth-service.ts";

let database: Database;
let account: TestAccount;

beforeAll(async () => {
  database = await createTestDatabase("pglite");
  account = await createTestAccount(database.prisma);
});
afterAll(async () => {
  await database?.close();
});

async function loginOf(userId: string, token: string, expiresInMs = 60_000) {
  return database.prisma.authSession.create({
    data: { tokenHash: hashToken(token), userId, expiresAt: new Date(Date.now() + expiresInMs) },
  });
}

describe("the sign-in check", () => {
  it("reads a login's user, role, account and team", async () => {
    const login = await loginOf(account.senior.id, "senior-login");
    expect(await resolveViewer(database.prisma, "senior-login")).toEqual({
      id: account.senior.id,
      name: account.senior.name,
      email: account.senior.email,
      role: "engineer",
      isSeniorTech: true,
      account: { id: account.account.id, name: account.account.name },
      team: { id: account.team.id, name: account.team.name },
      accountId: account.account.id,
      authSessionId: login.id,
      token: null,
    });
    await loginOf(account.owner.id, "owner-login");
    expect(await resolveViewer(database.prisma, "owner-login")).toMatchObject({
      id: account.owner.id,
      role: "owner",
      isSeniorTech: false,
      team: null,
    });
  });

  it("reads an API token's scopes with its login", async () => {
    const login = await loginOf(account.engineer.id, "token-login");
    const apiToken = await database.prisma.apiToken.create({
      data: {
        userId: account.engineer.id,
        authSessionId: login.id,
        name: "CLI",
        scopes: ["read", "escalate"],
        displayPrefix: "hnd_test",
        expiresAt: login.expiresAt,
      },
    });
    expect((await resolveViewer(database.prisma, "token-login"))?.token).toEqual({
      id: apiToken.id,
      scopes: ["read", "escalate"],
    });
  });

  it("refuses an unknown token, an expired login and a deactivated or deleted user's", async () => {
    await loginOf(account.admin.id, "expired-login", -1_000);
    await loginOf(account.viewer.id, "deactivated-login");
    await database.prisma.user.update({ where: { id: account.viewer.id }, data: { active: false } });
    const other = await createTestAccount(database.prisma);
    await loginOf(other.engineer.id, "deleted-login");
    await database.prisma.user.update({ where: { id: other.engineer.id }, data: { deletedAt: new Date() } });

    for (const token of ["unknown-token", "expired-login", "deactivated-login", "deleted-login"]) {
      expect(await resolveViewer(database.prisma, token), token).toBeNull();
    }
    expect(await resolveViewer(database.prisma, null)).toBeNull();
  });
});
