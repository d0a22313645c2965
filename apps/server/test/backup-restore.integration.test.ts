// `pnpm handoff backup` / `restore` as the operator runs them (child processes): a backup of the
// embedded database restored into a fresh data dir serves the same sessions and logins through the
// real server; a restore never lands on a database without --force, and a backup is refused while
// the database is open.
import { execFile } from "node:child_process";
import { mkdtemp, readdir, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import path from "node:path";
import { fileURLToPath } from "node:url";
import { createDatabase, type Database } from "@handoff/db";
import {
  createTestAccount,
  createTestDataDir,
  type TestAccount,
  type TestDataDir,
} from "@handoff/db/testing";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { createTestClient, login, startTestServer } from "../src/testing/index.ts";

const REPO_ROOT = fileURLToPath(new URL("../../../", import.meta.url));
/** Each command is a process that boots Node and PGlite: seconds apiece on a busy 2-core machine. */
const CLI_TEST_TIMEOUT_MS = 180_000;
/** The CLI as built (the global setup saw to it): seconds less per command than tsx from source. */
const BUILT_CLI = "apps/server/dist/cli.js";

type TCliRun = { code: number; stdout: string; stderr: string };

function runCli(args: string[], dataDir: string, entry = BUILT_CLI): Promise<TCliRun> {
  return new Promise((resolve) => {
    execFile(
      process.execPath,
      [entry, ...args],
      { cwd: REPO_ROOT, env: { PATH: process.env.PATH ?? "", DATA_DIR: dataDir } },
      (error, stdout, stderr) => resolve({ code: error ? Number(error.code ?? 1) : 0, stdout, stderr }),
    );
  });
}

describe("backup and restore of the embedded database", { timeout: CLI_TEST_TIMEOUT_MS }, () => {
  let source: TestDataDir;
  let work: string;
  let account: TestAccount;
  let token: string;
  let sessionSummaries: string[];

  beforeAll(async () => {
    source = await createTestDataDir();
    work = await mkdtemp(path.join(tmpdir(), "handoff-backup-test-"));
    // Data and a login, written through the real server, then the database closed as on shutdown.
    const database = await createDatabase({ dataDir: source.dataDir });
    const server = await startTestServer({ database });
    account = await createTestAccount(database.prisma);
    token = await login(server, account.engineer.email);
    sessionSummaries = (await createTestClient(server, { token }).session.list({ scope: "mine" })).items.map(
      (session) => `${session.id} ${session.problemSummary}`,
    );
    expect(sessionSummaries).toHaveLength(1);
    await server.close();
    await database.close();
  });
  afterAll(async () => {
    await source?.remove();
    if (work) await rm(work, { recursive: true, force: true });
  });

  it("restores a backup into a fresh data dir that serves the same sessions and logins", async () => {
    const file = path.join(work, "handoff.tar.gz");
    const backup = await runCli(["backup", file], source.dataDir);
    expect(backup.stderr).toBe("");
    expect(backup).toMatchObject({
      code: 0,
      stdout: expect.stringMatching(/1 accounts, 5 users, 1 sessions/),
    });

    const fresh = path.join(work, "restored");
    const restore = await runCli(["restore", file], fresh);
    expect(restore).toMatchObject({
      code: 0,
      stdout: expect.stringMatching(/1 accounts, 5 users, 1 sessions/),
    });

    const database: Database = await createDatabase({ dataDir: fresh });
    const server = await startTestServer({ database });
    try {
      const engineer = createTestClient(server, { token });
      const { items } = await engineer.session.list({ scope: "mine" });
      expect(items.map((session) => `${session.id} ${session.problemSummary}`)).toEqual(sessionSummaries);
    } finally {
      await server.close();
      await database.close();
    }

    // Again into the same (now full) dir: refused, and nothing moved.
    const entries = await readdir(fresh);
    const refused = await runCli(["restore", file], fresh);
    expect(refused).toMatchObject({ code: 1, stderr: expect.stringMatching(/is not empty.*--force/s) });
    expect(await readdir(fresh)).toEqual(entries);
    // With --force the database that was there is kept beside it.
    const forced = await runCli(["restore", file, "--force"], fresh);
    expect(forced.code).toBe(0);
    expect((await readdir(work)).filter((name) => name.startsWith("restored.before-restore-"))).toHaveLength(
      1,
    );
  });

  it("refuses a backup while the database is open, and bad arguments", async () => {
    const database = await createDatabase({ dataDir: source.dataDir });
    try {
      const inUse = await runCli(["backup", path.join(work, "open.tar.gz")], source.dataDir);
      expect(inUse).toMatchObject({ code: 1, stderr: expect.stringMatching(/in use.*Stop Handoff first/s) });
      expect(await readdir(work)).not.toContain("open.tar.gz");
    } finally {
      await database.close();
    }
    expect(await runCli(["backup"], source.dataDir)).toMatchObject({ code: 2, stderr: /exactly one file/ });
    expect(await runCli(["backup", "a.tgz", "--force"], source.dataDir)).toMatchObject({ code: 2 });
    // `pnpm handoff` itself: the operator's entry, the CLI from source through tsx.
    expect(await runCli(["rewind"], source.dataDir, "apps/server/scripts/handoff.mjs")).toMatchObject({
      code: 2,
      stderr: /Unknown command "rewind"/,
    });
  });
});
