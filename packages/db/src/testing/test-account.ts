// A fresh tenant per test: every role, a team and a session with a small branch tree (three steps
// tried, one a dead end), with unique emails so tests sharing one database never collide. Every
// password is TEST_PASSWORD.
import { randomBytes } from "node:crypto";
import { type Algorithm, hash as argon2Hash } from "@node-rs/argon2";
import type { Account, PrismaClient, Team, User } from "../generated/prisma/client.ts";
import type { Role } from "../generated/prisma/enums.ts";
import { createSessionTree, type SessionTree } from "../session-tree.ts";

export const TEST_PASSWORD = "demo";

export type TestAccount = SessionTree & {
  account: Account;
  team: Team;
  owner: User;
  admin: User;
  engineer: User;
  /** An ENGINEER with isSeniorTech: works the escalation queue. */
  senior: User;
  viewer: User;
  users: User[];
  password: string;
};

export type CreateTestAccountOverrides = { name?: string; teamName?: string };

// argon2 is deliberately slow, and a login pays it again to verify. The verifier reads the
// cost from the stored PHC string, so test users carry a real argon2id hash made at the
// lowest cost: every test login is still a real verification, just not a 20 MiB one.
// (hashPassword's production cost has its own test in passwords.test.ts.)
const ARGON2ID = 2 satisfies Algorithm;
let passwordHash: Promise<string> | undefined;

export async function createTestAccount(
  prisma: PrismaClient,
  overrides: CreateTestAccountOverrides = {},
): Promise<TestAccount> {
  passwordHash ??= argon2Hash(TEST_PASSWORD, { algorithm: ARGON2ID, memoryCost: 64, timeCost: 1 });
  const hash = await passwordHash;
  const tag = randomBytes(5).toString("hex");
  const account = await prisma.account.create({ data: { name: overrides.name ?? `Test MSP ${tag}` } });
  const team = await prisma.team.create({
    data: { accountId: account.id, name: overrides.teamName ?? "Service Desk" },
  });
  const addUser = (key: string, name: string, role: Role, isSeniorTech = false) =>
    prisma.user.create({
      data: {
        accountId: account.id,
        teamId: role === "ENGINEER" ? team.id : null,
        email: `${key}.${tag}@test-${tag}.test`,
        name,
        role,
        isSeniorTech,
        passwordHash: hash,
      },
    });
  const owner = await addUser("owner", "Olivia Owner", "OWNER");
  const admin = await addUser("admin", "Adam Admin", "ADMIN");
  const engineer = await addUser("engineer", "Erin Engineer", "ENGINEER");
  const senior = await addUser("senior", "Sid Senior", "ENGINEER", true);
  const viewer = await addUser("viewer", "Vic Viewer", "VIEWER");

  const step = (body: string) => ({ body, authorId: engineer.id, kind: "STEP" as const });
  const tree = await createSessionTree(prisma, {
    accountId: account.id,
    teamId: team.id,
    ownerId: engineer.id,
    problemSummary: "Shared mailbox not showing in Outlook",
    problemDomain: "Microsoft 365",
    confidenceTier: "MEDIUM",
    messages: [{ body: "User reports the shared mailbox vanished this morning.", authorId: engineer.id }],
    branches: [
      {
        label: "Check mailbox permissions",
        messages: [step("Full Access is still granted in the Exchange admin center.")],
        children: [
          {
            label: "Re-grant Full Access",
            status: "DEAD_END",
            outcome: "No change after 30 minutes",
            messages: [step("Removed and re-granted Full Access; restarted Outlook after 30 minutes.")],
          },
          {
            label: "Remove and re-add automapping",
            isActive: true,
            messages: [step("Re-added it with automapping on; waiting for Outlook to pick it up.")],
          },
        ],
      },
    ],
  });

  return {
    ...tree,
    account,
    team,
    owner,
    admin,
    engineer,
    senior,
    viewer,
    users: [owner, admin, engineer, senior, viewer],
    password: TEST_PASSWORD,
  };
}
