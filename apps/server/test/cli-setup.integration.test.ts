// `pnpm handoff setup` as an operator runs it: a child process with the server's environment and the
// password on stdin. It creates the first account and owner once, refuses when one exists, and
// refuses bad input naming the flag, writing nothing.
import { spawn } from "node:child_process";
import { once } from "node:events";
import { fileURLToPath } from "node:url";
import { createDatabase, type PrismaClient, verifyPassword } from "@handoff/db";
import { createTestDatabase, createTestDataDir, testDatabaseTargets } from "@handoff/db/testing";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { TEST_APP_ORIGIN } from "../src/testing/index.ts";
import { CHILD_NODE_FLAGS } from "../src/testing/run-main.ts";

const SERVER_DIR = fileURLToPath(new URL("..", import.meta.url));
const PASSWORD = "correct horse battery";

/** Runs the CLI (built: the global setup saw to it) with exactly `env` (plus PATH), `stdin` piped in. */
async function runCli(args: string[], env: Record<string, string>, stdin: string) {
  const child = spawn(process.execPath, [...CHILD_NODE_FLAGS, "dist/cli.js", ...args], {
    cwd: SERVER_DIR,
    env: { PATH: process.env.PATH ?? "", ...env },
    stdio: ["pipe", "pipe", "pipe"],
  });
  let stdout = "";
  let stderr = "";
  child.stdout.on("data", (chunk: Buffer) => {
    stdout += chunk.toString();
  });
  child.stderr.on("data", (chunk: Buffer) => {
    stderr += chunk.toString();
  });
  child.stdin.end(stdin);
  const [code] = await once(child, "exit");
  return { code: code as number | null, stdout, stderr };
}

/**
 * Runs the CLI at a terminal (util-linux `script` gives it a pseudo-terminal) and types each answer
 * once its prompt shows, as a person would.
 */
async function runCliAtTerminal(args: string[], env: Record<string, string>, answers: [string, string][]) {
  const command = [process.execPath, ...CHILD_NODE_FLAGS, "dist/cli.js", ...args]
    .map((part) => `'${part.replaceAll("'", "'\\''")}'`)
    .join(" ");
  const child = spawn("script", ["--quiet", "--return", "--command", command, "/dev/null"], {
    cwd: SERVER_DIR,
    env: { PATH: process.env.PATH ?? "", ...env },
    stdio: ["pipe", "pipe", "pipe"],
  });
  let screen = "";
  const pending = [...answers];
  child.stdout.on("data", (chunk: Buffer) => {
    screen += chunk.toString();
    const [prompt, answer] = pending[0] ?? [];
    if (prompt !== undefined && screen.includes(prompt)) {
      pending.shift();
      child.stdin.write(`${answer}\r`);
    }
  });
  const [code] = await once(child, "exit");
  return { code: code as number | null, screen };
}

/** Each run starts Node and the database (PGlite's WebAssembly): seconds apiece on a busy machine. */
const CHILD_RUNS_TIMEOUT_MS = 120_000;

const SETUP = ["setup", "--account", "Acme IT", "--email", "Olivia@Acme.example", "--name", "Olivia Owner"];

describe.each(await testDatabaseTargets())("handoff setup on %s", (target) => {
  let env: Record<string, string>;
  /** Reads what the CLI wrote (PGlite: opened only while no CLI runs, one process at a time). */
  let inspect: <T>(read: (prisma: PrismaClient) => Promise<T>) => Promise<T>;
  let cleanup: () => Promise<void>;

  beforeAll(async () => {
    if (target === "postgres") {
      const database = await createTestDatabase("postgres");
      env = { DATABASE_URL: database.databaseUrl ?? "", APP_ORIGIN: TEST_APP_ORIGIN };
      inspect = (read) => read(database.prisma);
      cleanup = () => database.close();
    } else {
      const { dataDir, remove } = await createTestDataDir();
      env = { DATA_DIR: dataDir };
      inspect = async (read) => {
        const database = await createDatabase({ dataDir });
        try {
          return await read(database.prisma);
        } finally {
          await database.close();
        }
      };
      cleanup = remove;
    }
  });
  afterAll(async () => {
    await cleanup?.();
  });

  const accounts = () =>
    inspect((prisma) =>
      prisma.account.findMany({ select: { name: true, users: { select: { email: true, role: true } } } }),
    );

  it(
    "refuses bad input naming each flag, and writes nothing",
    async () => {
      const run = await runCli(
        ["setup", "--account", "", "--email", "nope", "--name", "Olivia"],
        env,
        PASSWORD,
      );
      expect(run.code).toBe(1);
      expect(run.stderr).toContain("--account: Name the account (your company)");
      expect(run.stderr).toContain("--email: Enter a valid email address");

      const short = await runCli(SETUP, env, "short\n");
      expect(short.code).toBe(1);
      expect(short.stderr).toContain("password: Choose a password of at least 10 characters");
      expect(await accounts()).toEqual([]);
    },
    CHILD_RUNS_TIMEOUT_MS,
  );

  it(
    "asks for the password twice at a terminal, without showing it, and writes nothing if they differ",
    async () => {
      const run = await runCliAtTerminal(SETUP, env, [
        ["Password for olivia@acme.example: ", PASSWORD],
        ["The same password again: ", `${PASSWORD}!`],
      ]);
      expect(run.code).toBe(1);
      expect(run.screen).toContain("The two passwords differ; nothing was changed.");
      expect(run.screen).not.toContain(PASSWORD);
      expect(await accounts()).toEqual([]);
    },
    CHILD_RUNS_TIMEOUT_MS,
  );

  it(
    "creates the account and its owner with the password from stdin, then refuses to run again",
    async () => {
      const run = await runCli(SETUP, env, `${PASSWORD}\n`);
      expect(run.stderr).toBe("");
      expect(run.code).toBe(0);
      expect(run.stdout).toContain('Handoff is set up: the account "Acme IT", owned by Olivia Owner');
      expect(run.stdout).not.toContain(PASSWORD);
      expect(await accounts()).toEqual([
        { name: "Acme IT", users: [{ email: "olivia@acme.example", role: "OWNER" }] },
      ]);
      const owner = await inspect((prisma) =>
        prisma.user.findUniqueOrThrow({ where: { email: "olivia@acme.example" } }),
      );
      expect(await verifyPassword(owner.passwordHash, PASSWORD)).toBe(true);

      const again = await runCli(
        [...SETUP.slice(0, 4), "other@acme.example", ...SETUP.slice(5)],
        env,
        PASSWORD,
      );
      expect(again.code).toBe(1);
      expect(again.stderr).toContain("Handoff is already set up: nothing was created.");
      expect((await accounts()).map((account) => account.name)).toEqual(["Acme IT"]);
    },
    CHILD_RUNS_TIMEOUT_MS,
  );
});
