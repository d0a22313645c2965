// The built CLI (dist/handoff.mjs), run as a child process against a real server: login saves a
// token 0600, `queue --watch` shows an escalation and its claim as they happen and loses nothing
// across a server restart, claim wins or names the winner, and --json output parses.
import { type ChildProcess, spawn } from "node:child_process";
import { mkdtemp, readFile, rm, stat } from "node:fs/promises";
import { tmpdir } from "node:os";
import path from "node:path";
import { fileURLToPath } from "node:url";
import { appRouter, createCallerFactory, createContext, slaClock, type TApiTokenScope } from "@handoff/api";
import type { Database } from "@handoff/db";
import { createTestAccount, createTestDatabase } from "@handoff/db/testing";
import {
  createTestClient,
  login,
  startTestServer,
  type TestServer,
  WITHOUT_ASSESSMENTS,
} from "@handoff/server/testing";
import { afterAll, beforeAll, describe, expect, it, vi } from "vitest";

const CLI_DIR = fileURLToPath(new URL("..", import.meta.url));
const CLI = path.join(CLI_DIR, "dist/handoff.mjs");
const SUMMARY = "Shared mailbox not showing in Outlook";

let database: Database;
let server: TestServer;
let configHome: string;
const running = new Set<ChildProcess>();

beforeAll(async () => {
  configHome = await mkdtemp(path.join(tmpdir(), "handoff-cli-"));
  database = await createTestDatabase("pglite");
  server = await startTestServer({ database, ...WITHOUT_ASSESSMENTS });
});
afterAll(async () => {
  for (const child of running) child.kill("SIGKILL");
  await server?.close();
  await database?.close();
  if (configHome) await rm(configHome, { recursive: true, force: true });
});

async function tokenOf(email: string, scopes: TApiTokenScope[]): Promise<string> {
  const browser = createTestClient(server, { token: await login(server, email) });
  const { secret } = await browser.apiToken.create({ name: "cli test", lifetimeDays: 7, scopes });
  return secret;
}

/** The CLI's environment: a config dir of its own, or a login given by HANDOFF_URL/HANDOFF_TOKEN. */
function cliEnv(extra: { configDir?: string; token?: string } = {}): NodeJS.ProcessEnv {
  const { HANDOFF_URL: _url, HANDOFF_TOKEN: _token, ...env } = process.env;
  return {
    ...env,
    XDG_CONFIG_HOME: extra.configDir ?? configHome,
    NO_COLOR: "1",
    ...(extra.token ? { HANDOFF_URL: server.url, HANDOFF_TOKEN: extra.token } : {}),
  };
}

type TRun = { code: number | null; stdout: string; stderr: string };

/** Runs one command to its end, `input` on its stdin. */
function runCli(args: string[], options: { env: NodeJS.ProcessEnv; input?: string }): Promise<TRun> {
  return new Promise((resolve, reject) => {
    const child = spawn(CLI, args, { env: options.env });
    let stdout = "";
    let stderr = "";
    child.stdout.on("data", (chunk: Buffer) => {
      stdout += chunk.toString();
    });
    child.stderr.on("data", (chunk: Buffer) => {
      stderr += chunk.toString();
    });
    child.on("error", reject);
    child.on("close", (code) => resolve({ code, stdout, stderr }));
    child.stdin.end(options.input ?? "");
  });
}

/**
 * A long-running command (`queue --watch`), its output so far, and a way to wait for more. With
 * `isOnTerminal` it runs in a pseudo-terminal (util-linux `script`), as a person's shell runs it.
 */
function startCli(args: string[], env: NodeJS.ProcessEnv, options: { isOnTerminal?: boolean } = {}) {
  const child = options.isOnTerminal
    ? spawn(
        "script",
        ["--quiet", "--return", "--flush", "--command", [CLI, ...args].join(" "), "/dev/null"],
        {
          env,
        },
      )
    : spawn(CLI, args, { env });
  running.add(child);
  const output = { stdout: "", stderr: "" };
  child.stdout.on("data", (chunk: Buffer) => {
    output.stdout += chunk.toString();
  });
  child.stderr.on("data", (chunk: Buffer) => {
    output.stderr += chunk.toString();
  });
  const exited = new Promise<number | null>((resolve) =>
    child.on("close", (code) => {
      running.delete(child);
      resolve(code);
    }),
  );
  return {
    output,
    /** Waits until stdout has a line matching `pattern`; returns it. */
    async waitForLine(pattern: RegExp, timeoutMs = 10_000): Promise<string> {
      let found: string | undefined;
      await vi.waitFor(
        () => {
          found = output.stdout.split("\n").find((line) => pattern.test(line));
          expect(found, `stdout so far:\n${output.stdout}\nstderr:\n${output.stderr}`).toBeDefined();
        },
        { timeout: timeoutMs, interval: 20 },
      );
      return found ?? "";
    },
    /** Ctrl-C: the watch ends cleanly. */
    async interrupt(): Promise<number | null> {
      child.kill("SIGINT");
      return exited;
    },
  };
}

function jsonLines(stdout: string): Array<Record<string, unknown>> {
  return stdout
    .split("\n")
    .filter((line) => line.trim() !== "")
    .map((line) => JSON.parse(line) as Record<string, unknown>);
}

describe("handoff login", () => {
  it("checks a pasted token with the server and saves it readable by its owner only", async () => {
    const account = await createTestAccount(database.prisma);
    const token = await tokenOf(account.senior.email, ["read", "claim"]);
    const configDir = await mkdtemp(path.join(tmpdir(), "handoff-login-"));
    try {
      const env = cliEnv({ configDir });
      const result = await runCli(["login", "--url", server.url], { env, input: `${token}\n` });
      expect(result.stderr).toContain("Personal API token");
      expect(result.stdout).toContain(`Signed in to ${server.url} as Sid Senior`);
      expect(result.code).toBe(0);

      const file = path.join(configDir, "handoff", "config.json");
      expect((await stat(file)).mode & 0o777).toBe(0o600);
      expect((await stat(path.dirname(file))).mode & 0o777).toBe(0o700);
      expect(JSON.parse(await readFile(file, "utf8"))).toEqual({ url: server.url, token });

      // The saved login serves the next command.
      const queue = await runCli(["queue", "--json"], { env });
      expect(queue.code).toBe(0);
      expect(JSON.parse(queue.stdout)).toMatchObject({ handoffs: [], lastEventId: expect.any(String) });
    } finally {
      await rm(configDir, { recursive: true, force: true });
    }
  });

  it("refuses a revoked or made-up token and saves nothing", async () => {
    const configDir = await mkdtemp(path.join(tmpdir(), "handoff-login-"));
    try {
      const result = await runCli(["login", "--url", server.url], {
        env: cliEnv({ configDir }),
        input: "hnd_made-up\n",
      });
      expect(result.code).toBe(1);
      expect(result.stderr).toContain("The server refused the token");
      await expect(stat(path.join(configDir, "handoff", "config.json"))).rejects.toThrow(/ENOENT/);
    } finally {
      await rm(configDir, { recursive: true, force: true });
    }
  });
});

describe("handoff queue --watch", () => {
  it("shows an escalation as it arrives and its claim as it leaves; claim wins or names the winner", async () => {
    const account = await createTestAccount(database.prisma);
    const senior = cliEnv({ token: await tokenOf(account.senior.email, ["read", "claim"]) });
    const watch = startCli(["queue", "--watch"], senior);
    await watch.waitForLine(/0 waiting in the queue/);
    await vi.waitFor(() => expect(server.bus.subscriberCount(account.account.id)).toBeGreaterThan(0), {
      timeout: 10_000,
    });

    const alice = createTestClient(server, { token: await login(server, account.engineer.email) });
    const card = await alice.handoff.escalate({ sessionId: account.session.id, priority: "urgent" });
    const arrived = await watch.waitForLine(/^\+ NEW/, 15_000);
    expect(arrived).toContain("URGENT");
    expect(arrived).toContain(SUMMARY);
    expect(arrived).toContain("escalation from Erin Engineer");
    expect(arrived).toMatch(/SLA \d+ (s|min|h)[^ ]* ?.*left/);
    expect(arrived).toContain(card.id);

    const claimed = await runCli(["claim", card.id], { env: senior });
    expect(claimed.stdout).toContain(`Claimed: ${SUMMARY}`);
    expect(claimed.code).toBe(0);
    expect(await watch.waitForLine(/^✓ CLAIMED/)).toContain(`${SUMMARY}, by Sid Senior`);

    const rival = cliEnv({ token: await tokenOf(account.admin.email, ["read", "claim"]) });
    const lost = await runCli(["claim", card.id], { env: rival });
    expect(lost.code).toBe(1);
    expect(lost.stderr).toMatch(/Sid Senior claimed this/);

    expect(await watch.interrupt()).toBe(0);
  });

  it("on a terminal, colours a card by its priority and its SLA clock", async () => {
    const account = await createTestAccount(database.prisma);
    const { NO_COLOR: _noColor, ...env } = cliEnv({ token: await tokenOf(account.senior.email, ["read"]) });
    const watch = startCli(["queue", "--watch"], env, { isOnTerminal: true });
    await watch.waitForLine(/waiting in the queue/);
    await vi.waitFor(() => expect(server.bus.subscriberCount(account.account.id)).toBeGreaterThan(0), {
      timeout: 10_000,
    });
    const alice = createTestClient(server, { token: await login(server, account.engineer.email) });
    const card = await alice.handoff.escalate({ sessionId: account.session.id, priority: "urgent" });
    const arrived = await watch.waitForLine(/NEW/, 15_000);
    // Urgent is bold red; a fresh escalation's clock is green.
    expect(arrived).toContain("\u001b[1m\u001b[31mURGENT");
    const green = (text: string) => `\u001b[32m${text}\u001b[39m`;
    expect(arrived).toContain(`SLA ${green(slaClock(card, Date.now()).label)}`);
    await watch.interrupt();
  });

  it("resumes after the server restarts and loses nothing that happened meanwhile", async () => {
    const account = await createTestAccount(database.prisma);
    const senior = cliEnv({ token: await tokenOf(account.senior.email, ["read", "claim"]) });
    const watch = startCli(["queue", "--watch", "--json"], senior);
    await watch.waitForLine(/"type":"snapshot"/);
    await vi.waitFor(() => expect(server.bus.subscriberCount(account.account.id)).toBeGreaterThan(0), {
      timeout: 10_000,
    });

    // Escalated while the server is down for its clients: straight through the router, no transport.
    const engineerToken = await login(server, account.engineer.email);
    await server.stop();
    const caller = createCallerFactory(appRouter)(
      createContext(server.deps, { authToken: engineerToken, clientIp: "127.0.0.1", deviceToken: null }),
    );
    const card = await caller.handoff.escalate({ sessionId: account.session.id, priority: "high" });
    await server.start();

    await watch.waitForLine(new RegExp(`"type":"event".*"handoff.created".*${card.id}`), 20_000);
    expect(watch.output.stderr).toContain("Connection lost: reconnecting…");

    expect((await runCli(["claim", card.id], { env: senior })).code).toBe(0);
    await watch.waitForLine(new RegExp(`"handoff.claimed".*${card.id}`));
    expect(await watch.interrupt()).toBe(0);

    // Every handoff event of the log after the snapshot's position, once each, in order.
    const lines = jsonLines(watch.output.stdout);
    const snapshotSeq = Number(String(lines[0]?.lastEventId).split(":").at(-1));
    const logged = await database.prisma.escalationEvent.findMany({
      where: { accountId: account.account.id, seq: { gt: snapshotSeq }, type: { startsWith: "handoff." } },
      orderBy: { seq: "asc" },
    });
    const printed = lines
      .filter((line) => line.type === "event")
      .map((line) => line.event as { type: string; seq: number });
    expect(printed.map(({ type, seq }) => ({ type, seq }))).toEqual(
      logged.map(({ type, seq }) => ({ type, seq })),
    );
    expect(printed.map(({ type }) => type)).toEqual(["handoff.created", "handoff.claimed"]);
  });
});

describe("--json for scripts", () => {
  it("escalate, queue, claim and session show answer in JSON that parses", async () => {
    const account = await createTestAccount(database.prisma);
    const env = cliEnv({ token: await tokenOf(account.engineer.email, ["read", "escalate", "claim"]) });

    const escalated = await runCli(
      ["escalate", account.session.id, "--priority", "high", "--notes", "Tried a new profile", "--json"],
      { env },
    );
    expect(escalated.code).toBe(0);
    const card = JSON.parse(escalated.stdout) as { id: string; priority: string; notes: string };
    expect(card).toMatchObject({ priority: "high", notes: "Tried a new profile" });

    const queue = JSON.parse((await runCli(["queue", "--json"], { env })).stdout) as {
      handoffs: Array<{ id: string }>;
    };
    expect(queue.handoffs.map((handoff) => handoff.id)).toEqual([card.id]);

    const shown = await runCli(["session", "show", account.session.id, "--json"], { env });
    expect(JSON.parse(shown.stdout)).toMatchObject({
      id: account.session.id,
      problemSummary: SUMMARY,
      openHandoff: { id: card.id, priority: "high" },
    });
    const plain = await runCli(["session", "show", account.session.id], { env });
    expect(plain.stdout).toContain(SUMMARY);
    expect(plain.stdout).toContain("Remove and re-add automapping");

    const claimedJson = await runCli(["claim", card.id, "--json"], { env });
    expect(JSON.parse(claimedJson.stdout)).toMatchObject({
      id: card.id,
      claimedBy: { id: account.engineer.id },
    });
  });

  it("says what went wrong on stderr, as JSON with --json, with exit code 1 or 2", async () => {
    const account = await createTestAccount(database.prisma);
    const readOnly = cliEnv({ token: await tokenOf(account.engineer.email, ["read"]) });
    const refused = await runCli(["escalate", account.session.id, "--priority", "high", "--json"], {
      env: readOnly,
    });
    expect(refused.code).toBe(1);
    expect(refused.stdout).toBe("");
    expect(JSON.parse(refused.stderr)).toEqual({
      error: { code: "FORBIDDEN", message: "This API token lacks the 'escalate' scope." },
    });

    const badPriority = await runCli(["escalate", account.session.id, "--priority", "asap"], {
      env: readOnly,
    });
    expect(badPriority.code).toBe(2);
    expect(badPriority.stderr).toContain("--priority must be one of low, normal, high, urgent");
  });
});
