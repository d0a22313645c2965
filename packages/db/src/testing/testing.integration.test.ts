// The helpers other packages build their tests on: target selection, isolated databases and
// fresh accounts.
import { describe, expect, it } from "vitest";
import { verifyPassword } from "../passwords.ts";
import {
  createTestAccount,
  createTestDatabase,
  resolveTestDatabaseTargets,
  TEST_PASSWORD,
  testDatabaseTargets,
} from "./index.ts";

const UNREACHABLE = "postgres://postgres@127.0.0.1:1/postgres";

describe("test database targets", () => {
  it("fails the run when PostgreSQL is required but unreachable", async () => {
    await expect(resolveTestDatabaseTargets({ url: UNREACHABLE, isPostgresRequired: true })).rejects.toThrow(
      /PostgreSQL is required \(REQUIRE_SERVICES=1\) but postgres:\/\/\*\*\*@127\.0\.0\.1:1\/postgres is unreachable/,
    );
  });

  it("falls back to PGlite alone when PostgreSQL is optional and unreachable", async () => {
    expect(await resolveTestDatabaseTargets({ url: UNREACHABLE, isPostgresRequired: false })).toEqual([
      "pglite",
    ]);
  });
});

describe.each(await testDatabaseTargets())("test helpers on %s", (target) => {
  it("gives each caller its own migrated database", async () => {
    const [first, second] = await Promise.all([createTestDatabase(target), createTestDatabase(target)]);
    try {
      await createTestAccount(first.prisma);
      expect(await first.prisma.account.count()).toBe(1);
      expect(await second.prisma.account.count()).toBe(0);
    } finally {
      await Promise.all([first.close(), second.close()]);
    }
  });

  it("builds fresh accounts with every role, a team and a session tree, logins with the test password", async () => {
    const database = await createTestDatabase(target);
    try {
      const [one, two] = [await createTestAccount(database.prisma), await createTestAccount(database.prisma)];
      expect(one.account.id).not.toBe(two.account.id);
      expect(new Set([...one.users, ...two.users].map((user) => user.email)).size).toBe(10);
      expect(one.users.map((user) => [user.role, user.isSeniorTech])).toEqual([
        ["OWNER", false],
        ["ADMIN", false],
        ["ENGINEER", false],
        ["ENGINEER", true],
        ["VIEWER", false],
      ]);
      expect(one.users.every((user) => user.accountId === one.account.id)).toBe(true);
      expect(await verifyPassword(one.engineer.passwordHash, TEST_PASSWORD)).toBe(true);

      expect(one.team.accountId).toBe(one.account.id);
      expect(one.session).toMatchObject({ accountId: one.account.id, ownerId: one.engineer.id });
      const active = one.branches.find((branch) => branch.id === one.session.activeBranchId);
      expect(active?.parentId).toBe(one.branches[0]?.id);
      expect(await database.prisma.sessionBranch.count({ where: { sessionId: one.session.id } })).toBe(3);
    } finally {
      await database.close();
    }
  });
});
