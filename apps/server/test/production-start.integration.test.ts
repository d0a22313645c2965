// The production start: `pnpm start` rebuilds only a missing or stale build, and the compiled server
// (dist/main.js, what images run) migrates, seeds, serves and stops like the TypeScript one.
import { mkdir, mkdtemp, rm, utimes, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import path from "node:path";
import { createTestDataDir, type TestDataDir } from "@handoff/db/testing";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { staleBuildReason } from "../scripts/build-freshness.mjs";
import { login } from "../src/testing/index.ts";
import { startServerProcess } from "./support/server-process.ts";

describe("build freshness", () => {
  let root: string;
  const build = { outputs: ["web/dist/index.html", "server/dist/main.js"], sources: ["web/src", "prisma"] };
  const at = (seconds: number) => new Date(1_700_000_000_000 + seconds * 1000);

  /** Writes a file dated `seconds`; its folders get the same date, as when it was added then. */
  async function file(relative: string, seconds: number) {
    const target = path.join(root, relative);
    await mkdir(path.dirname(target), { recursive: true });
    await writeFile(target, relative);
    for (let entry = target; entry !== root; entry = path.dirname(entry)) {
      await utimes(entry, at(seconds), at(seconds));
    }
  }

  beforeAll(async () => {
    root = await mkdtemp(path.join(tmpdir(), "handoff-freshness-"));
  });
  afterAll(async () => {
    await rm(root, { recursive: true, force: true });
  });

  it("rebuilds when an output is missing, not when every output is newer than every source", async () => {
    await file("web/src/app.tsx", 10);
    await file("prisma/schema.prisma", 10);
    await file("web/dist/index.html", 20);
    expect(staleBuildReason(root, build)).toBe("server/dist/main.js is missing");
    await file("server/dist/main.js", 20);
    expect(staleBuildReason(root, build)).toBeNull();
  });

  it("rebuilds when a source changed after the build, however deep", async () => {
    await file("web/src/queue/deep/card.tsx", 30);
    expect(staleBuildReason(root, build)).toBe("web/src changed since the last build");
  });

  it("judges each part of the build by its own sources", async () => {
    const parts = [
      { outputs: ["web/dist/index.html"], sources: ["web/src"] },
      { outputs: ["server/dist/main.js"], sources: ["prisma"] },
    ];
    // The web app changed and was rebuilt; the server's output, with nothing of its own changed, kept its date.
    await file("web/src/queue/deep/card.tsx", 40);
    await file("web/dist/index.html", 50);
    expect(staleBuildReason(root, parts)).toBeNull();
    await file("prisma/schema.prisma", 60);
    expect(staleBuildReason(root, parts)).toBe("prisma changed since the last build");
  });
});

describe("the compiled server", () => {
  let data: TestDataDir;
  beforeAll(async () => {
    // An initialised PGlite with nothing migrated: the build (fresh: the global setup saw to it)
    // applies every migration and seeds, without paying PGlite's initdb again (packages/db's
    // createDatabase test creates a data dir).
    data = await createTestDataDir({ migrated: false });
  });
  afterAll(async () => {
    await data?.remove();
  });

  it("runs with plain node: migrates, seeds, serves and stops cleanly", { timeout: 120_000 }, async () => {
    const server = await startServerProcess({ DATA_DIR: data.dataDir, PORT: "0", LOG_LEVEL: "warn" });
    try {
      expect((await fetch(`${server.url}/readyz`)).status).toBe(200);
      expect(await login(server, "sam@acme.test")).toBeTruthy();
      server.child.kill("SIGTERM");
      expect(await server.exitCode).toBe(0);
    } finally {
      server.child.kill("SIGKILL");
    }
  });
});
