// The demo seed: the documented logins exist with their roles, tenants stay apart, and a
// second run seeds nothing.
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { Database } from "./create-database.ts";
import { verifyPassword } from "./passwords.ts";
import { seedDemo } from "./seed.ts";
import { createTestDatabase, testDatabaseTargets } from "./testing/index.ts";

const DOCUMENTED_LOGINS = [
  ["owner@acme.test", "OWNER", false, "Acme MSP"],
  ["admin@acme.test", "ADMIN", false, "Acme MSP"],
  ["alice@acme.test", "ENGINEER", false, "Acme MSP"],
  ["bob@acme.test", "ENGINEER", false, "Acme MSP"],
  ["sam@acme.test", "ENGINEER", true, "Acme MSP"],
  ["sara@acme.test", "ENGINEER", true, "Acme MSP"],
  ["viewer@acme.test", "VIEWER", false, "Acme MSP"],
  ["owner@globex.test", "OWNER", false, "Globex"],
  ["gina@globex.test", "ENGINEER", false, "Globex"],
] as const;

describe.each(await testDatabaseTargets())("demo seed on %s", (target) => {
  let database: Database;
  beforeAll(async () => {
    database = await createTestDatabase(target);
  });
  afterAll(() => database?.close());

  it("seeds an empty database once, with the documented logins, and nothing on a second run", async () => {
    const first = await seedDemo(database.prisma);
    expect(first.seeded).toBe(true);
    expect(first.logins.map((l) => [l.email, l.role, l.isSeniorTech, l.accountName])).toEqual(
      DOCUMENTED_LOGINS,
    );
    expect(first.logins.every((login) => login.password === "demo")).toBe(true);

    const users = await database.prisma.user.findMany({ include: { account: true } });
    expect(users.map((u) => [u.email, u.role, u.isSeniorTech, u.account.name]).sort()).toEqual(
      [...DOCUMENTED_LOGINS].map((login) => [...login]).sort(),
    );
    const sam = users.find((user) => user.email === "sam@acme.test");
    expect(await verifyPassword(sam?.passwordHash ?? "", "demo")).toBe(true);

    const counts = async () => ({
      accounts: await database.prisma.account.count(),
      users: await database.prisma.user.count(),
      sessions: await database.prisma.session.count(),
      branches: await database.prisma.sessionBranch.count(),
      messages: await database.prisma.sessionMessage.count(),
    });
    const before = await counts();
    expect(await seedDemo(database.prisma)).toEqual({ seeded: false, logins: [] });
    expect(await counts()).toEqual(before);
  });

  it("builds sessions with branch trees inside each tenant", async () => {
    await seedDemo(database.prisma);
    const sessions = await database.prisma.session.findMany({
      include: { branches: true, messages: true, owner: true, account: true },
    });
    expect(sessions.filter((s) => s.account.name === "Acme MSP").length).toBeGreaterThanOrEqual(4);
    expect(sessions.filter((s) => s.account.name === "Globex").length).toBeGreaterThanOrEqual(1);
    for (const session of sessions) {
      expect(session.owner.accountId).toBe(session.accountId);
      expect(session.branches.length).toBeGreaterThanOrEqual(2);
      const ids = new Set(session.branches.map((branch) => branch.id));
      expect(ids.has(session.activeBranchId ?? "")).toBe(true);
      for (const branch of session.branches) {
        if (branch.parentId) expect(ids.has(branch.parentId)).toBe(true);
      }
      for (const message of session.messages) {
        if (message.branchId) expect(ids.has(message.branchId)).toBe(true);
      }
    }
    expect(sessions.some((s) => s.branches.some((b) => b.parentId !== null))).toBe(true);
    expect(sessions.some((s) => s.branches.some((b) => b.status === "DEAD_END"))).toBe(true);
    expect(sessions.filter((s) => s.status === "RESOLVED").every((s) => s.resolution && s.resolvedAt)).toBe(
      true,
    );
  });

  it("gives every session the log that working it left, oldest first, opened by its owner", async () => {
    await seedDemo(database.prisma);
    const sessions = await database.prisma.session.findMany({
      include: { log: { orderBy: { createdAt: "asc" } } },
    });
    for (const session of sessions) {
      expect(session.log[0]).toMatchObject({ action: "CREATED", actorId: session.ownerId });
      expect(session.log.map((entry) => entry.action)).toContain("BRANCH_OPENED");
      expect(session.log.at(-1)?.createdAt.getTime()).toBeLessThanOrEqual(session.updatedAt.getTime());
    }
    const steps = await database.prisma.sessionMessage.groupBy({
      by: ["sessionId"],
      where: { kind: "STEP" },
      _count: true,
    });
    for (const { sessionId, _count } of steps) {
      const session = sessions.find((s) => s.id === sessionId);
      expect(session?.stepCount).toBe(_count);
    }
  });
});
