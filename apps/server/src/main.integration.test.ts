// The real entry point as a child process: bad config fails fast and clearly; the embedded default
// migrates, seeds once (demo escalations included), prints the URL and demo logins, serves, and shuts
// down cleanly on SIGTERM.
import { createTestDataDir, type TestDataDir } from "@handoff/db/testing";
import { afterAll, beforeAll, describe, expect, it, vi } from "vitest";
import { createTestClient, login } from "./testing/index.ts";
import { logLines, runMain, waitForUrl } from "./testing/run-main.ts";

describe("main.ts", () => {
  it("refuses to start on bad configuration, naming every bad variable", async () => {
    const run = runMain({ PORT: "eighty", LOG_LEVEL: "loud", APP_ORIGIN: "localhost:3000" });
    expect(await run.exited).toBe(1);
    expect(run.errors()).toContain("Invalid configuration:");
    expect(run.errors()).toContain('PORT: expected a whole number from 0 to 65535 (got "eighty")');
    expect(run.errors()).toContain("LOG_LEVEL: expected one of");
    expect(run.errors()).toContain('APP_ORIGIN: "localhost:3000" is not an origin');
    expect(run.output()).not.toContain("Handoff is running");
  });

  it("refuses to start on PostgreSQL without APP_ORIGIN, naming it", async () => {
    const run = runMain({ DATABASE_URL: "postgresql://postgres@127.0.0.1:5432/handoff", PORT: "0" });
    expect(await run.exited).toBe(1);
    expect(run.errors()).toContain("APP_ORIGIN: required with DATABASE_URL");
    expect(run.output()).not.toContain("Handoff is running");
  });

  it("with DEMO=false starts empty and prints a setup code instead of demo logins", async () => {
    const data = await createTestDataDir();
    const run = runMain({ DATA_DIR: data.dataDir, PORT: "0", LOG_LEVEL: "warn", DEMO: "false" });
    try {
      const url = await waitForUrl(run);
      await vi.waitFor(() => expect(run.output()).toMatch(/Setup code: [A-Z2-9]{5}-[A-Z2-9]{5}\n/));
      expect(run.output()).toContain("/setup\n");
      expect(run.output()).not.toContain("Demo logins");
      expect(
        await createTestClient({ url, wsUrl: `${url.replace(/^http/, "ws")}/trpc` }).setup.status(),
      ).toEqual({ isSetupNeeded: true });
      run.child.kill("SIGTERM");
      expect(await run.exited).toBe(0);
    } finally {
      run.child.kill("SIGKILL");
      await data.remove();
    }
  }, 90_000);

  describe("on the embedded default", () => {
    let data: TestDataDir;

    beforeAll(async () => {
      // An initialised PGlite with nothing migrated, as createDatabase leaves a new DATA_DIR (its
      // own test covers creating one); the child skips PGlite's initdb, seconds of CPU.
      data = await createTestDataDir({ migrated: false });
    });
    afterAll(async () => {
      await data?.remove();
    });

    const env = () => ({ DATA_DIR: data.dataDir, PORT: "0", LOG_LEVEL: "info" });

    it("migrates, seeds the demo, prints the URL and logins, serves, and stops cleanly on SIGTERM", async () => {
      const run = runMain(env());
      try {
        const url = await waitForUrl(run);
        expect(logLines(run, "migrations applied")).toHaveLength(1);
        expect(logLines(run, "demo data seeded")).toEqual([expect.objectContaining({ handoffs: 3 })]);
        expect(run.output()).toContain('Demo logins (password "demo")');
        for (const email of ["owner@acme.test", "sam@acme.test", "viewer@acme.test", "gina@globex.test"]) {
          expect(run.output()).toContain(email);
        }

        expect((await fetch(`${url}/readyz`)).status).toBe(200);
        const sam = createTestClient(
          { url, wsUrl: `${url.replace(/^http/, "ws")}/trpc` },
          {
            token: await login({ url }, "sam@acme.test"),
          },
        );
        const { handoffs: queue } = await sam.handoff.queue({});
        expect(queue.map((card) => [card.priority, card.handedOffBy.name, card.intent])).toEqual([
          ["high", "Bob Tanaka", "escalate"],
          ["normal", "Sam Ortiz", "park"],
        ]);
        const { items: sessions } = await sam.session.list({ scope: "account", limit: 100 });
        expect(new Set(sessions.map((session) => session.status))).toEqual(
          new Set(["active", "paused", "escalated", "resolved"]),
        );
        expect(sessions.find((session) => session.holder.name === "Sara Lindqvist")).toMatchObject({
          status: "active",
          assignee: { name: "Sara Lindqvist" },
          owner: { name: "Bob Tanaka" },
        });
        await sam.close();

        run.child.kill("SIGTERM");
        expect(await run.exited).toBe(0);
        expect(logLines(run, "shutting down")).toEqual([expect.objectContaining({ signal: "SIGTERM" })]);
        expect(logLines(run, "shutdown complete")).toHaveLength(1);
      } finally {
        run.child.kill("SIGKILL");
      }
      // A first start migrates and seeds an empty database in a child process: slow on a busy machine.
    }, 90_000);

    it("on a second start migrates nothing and seeds nothing, but still shows the logins", async () => {
      const run = runMain(env());
      try {
        const url = await waitForUrl(run);
        expect(logLines(run, "database up to date")).toEqual([expect.objectContaining({ applied: [] })]);
        expect(logLines(run, "demo data seeded")).toHaveLength(0);
        expect(run.output()).toContain("owner@acme.test");
        expect(await login({ url }, "owner@acme.test")).toBeTruthy();

        run.child.kill("SIGINT");
        expect(await run.exited).toBe(0);
      } finally {
        run.child.kill("SIGKILL");
      }
    });
  });
});
