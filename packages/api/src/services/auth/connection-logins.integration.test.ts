// Logins of WebSocket connections: looked up in batches, cached briefly, never cached when the
// lookup failed.
import type { Database } from "@handoff/db";
import { createTestAccount, createTestDatabase } from "@handoff/db/testing";
import { afterAll, beforeAll, describe, expect, it, vi } from "vitest";
import { createConnectionLogins, hashToken } from "./auth-service.ts";

let database: Database;

beforeAll(async () => {
  database = await createTestDatabase("pglite");
});
afterAll(async () => {
  await database?.close();
});

describe("connection logins", () => {
  it("looks up the logins of connections opened together in one query, and re-reads them after maxAge", async () => {
    const account = await createTestAccount(database.prisma);
    const tokens = account.users.map((user) => `connection-${user.id}`);
    for (const [index, user] of account.users.entries()) {
      await database.prisma.authSession.create({
        data: {
          tokenHash: hashToken(tokens[index] as string),
          userId: user.id,
          expiresAt: new Date(Date.now() + 60_000),
        },
      });
    }
    const findMany = vi.spyOn(database.prisma.authSession, "findMany");
    const logins = createConnectionLogins(database.prisma, 3_000);

    const viewers = await Promise.all(
      [...tokens, ...tokens, "unknown-token", null].map((token) => logins.viewerOf(token)),
    );
    expect(findMany).toHaveBeenCalledTimes(1);
    expect(viewers.slice(0, tokens.length).map((viewer) => viewer?.id)).toEqual(
      account.users.map((user) => user.id),
    );
    expect(viewers.slice(-2)).toEqual([null, null]);

    await database.prisma.authSession.delete({ where: { tokenHash: hashToken(tokens[0] as string) } });
    expect(await logins.viewerOf(tokens[0] as string)).not.toBeNull(); // still within maxAge
    await new Promise((resolve) => setTimeout(resolve, 3_100));
    expect(await logins.viewerOf(tokens[0] as string)).toBeNull();
    expect(findMany).toHaveBeenCalledTimes(2);
    findMany.mockRestore();
  });
});
