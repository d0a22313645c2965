// The process-wide login re-check: one query per interval for every watched login, never two at
// once, and only the logins that lost their access are told.
import type { Database } from "@handoff/db";
import { createTestAccount, createTestDatabase } from "@handoff/db/testing";
import { afterAll, beforeAll, describe, expect, it, vi } from "vitest";
import { hashToken } from "./auth-service.ts";
import { createLoginWatcher } from "./login-watch.ts";

let database: Database;

beforeAll(async () => {
  database = await createTestDatabase("pglite");
});
afterAll(async () => {
  await database?.close();
});

async function signIn(userId: string, token: string) {
  await database.prisma.authSession.create({
    data: { tokenHash: hashToken(token), userId, expiresAt: new Date(Date.now() + 3_600_000) },
  });
}

describe("login watcher", () => {
  it("re-checks every watched login in one query per interval and ends only the lost ones", async () => {
    const account = await createTestAccount(database.prisma);
    const tokens = Array.from({ length: 50 }, (_, index) => `watch-token-${index}-${account.account.id}`);
    for (const token of tokens) await signIn(account.senior.id, token);
    const findMany = vi.spyOn(database.prisma.authSession, "findMany");
    const watcher = createLoginWatcher({ prisma: database.prisma, logger: { warn() {} }, intervalMs: 100 });
    const lost: Array<{ token: string; code: string }> = [];
    // Two streams per login: 100 watches, 50 logins.
    const stops = [...tokens, ...tokens].map((token) =>
      watcher.watch({
        token,
        viewer: { accountId: account.account.id },
        minimumRole: "engineer",
        onLost: (reason) => lost.push({ token, code: reason.code }),
      }),
    );

    const watchedAt = performance.now();
    await vi.waitFor(() => expect(findMany.mock.calls.length).toBeGreaterThanOrEqual(3), { timeout: 10_000 });
    // One query per interval for all 100 watches, never one per watch.
    const intervalsElapsed = (performance.now() - watchedAt) / 100;
    expect(findMany.mock.calls.length).toBeLessThanOrEqual(intervalsElapsed + 1);
    expect(lost).toEqual([]);

    await database.prisma.authSession.delete({ where: { tokenHash: hashToken(tokens[0] as string) } });
    await vi.waitFor(() => expect(lost).toHaveLength(2));
    expect(lost).toEqual([
      { token: tokens[0], code: "UNAUTHORIZED" },
      { token: tokens[0], code: "UNAUTHORIZED" },
    ]);
    expect(watcher.size).toBe(98);

    for (const stop of stops) stop();
    expect(watcher.size).toBe(0);
    const checksWhenStopped = findMany.mock.calls.length;
    await new Promise((resolve) => setTimeout(resolve, 300));
    expect(findMany.mock.calls.length).toBe(checksWhenStopped);
    findMany.mockRestore();
  });

  it("leaves a watch that started while a check was reading to the next check", async () => {
    const account = await createTestAccount(database.prisma);
    const [early, late] = [`early-${account.account.id}`, `late-${account.account.id}`];
    await signIn(account.senior.id, early);
    await signIn(account.senior.id, late);
    const watcher = createLoginWatcher({ prisma: database.prisma, logger: { warn() {} }, intervalMs: 50 });
    const lost: string[] = [];
    const watch = (token: string) =>
      watcher.watch({
        token,
        viewer: { accountId: account.account.id },
        minimumRole: "engineer",
        onLost: () => lost.push(token),
      });
    const read = database.prisma.authSession.findMany.bind(database.prisma.authSession);
    const stops: Array<() => void> = [];
    let checks = 0;
    const findMany = vi.spyOn(database.prisma.authSession, "findMany").mockImplementation(((
      ...args: Parameters<typeof read>
    ) => {
      checks += 1;
      if (checks === 1) stops.push(watch(late));
      return read(...args);
    }) as typeof read);
    stops.push(watch(early));

    await vi.waitFor(() => expect(checks).toBeGreaterThanOrEqual(3), { timeout: 10_000 });
    expect(lost).toEqual([]);
    for (const stop of stops) stop();
    findMany.mockRestore();
  });
});
