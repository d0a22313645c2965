// The image's runtime stage, assembled without a container engine: the Dockerfile's prod-deps stage
// carried out as written (its COPYs, then its pnpm install against this machine's store), the runtime
// stage's COPYs laid out from it and from the production build, the image's CMD started with the
// image's ENV, and the image's HEALTHCHECK command run against it. What it cannot do here: switch to
// the image's USER, and its RUN lines (they make the embedded database's folder; this uses PostgreSQL).
import { execFile } from "node:child_process";
import { cp, mkdir, mkdtemp, readdir, readFile, rm } from "node:fs/promises";
import { networkInterfaces, tmpdir } from "node:os";
import path from "node:path";
import { promisify } from "node:util";
import { createEmptyTestDatabase, testDatabaseTargets } from "@handoff/db/testing";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import {
  argsOf,
  envOf,
  parseCopy,
  readDockerfile,
  stageNamed,
  type TStage,
} from "../test/support/dockerfile.ts";
import { freePort } from "../test/support/free-port.ts";
import { type StartedProcess, startProcess } from "../test/support/started-process.ts";
import { ensureProductionBuild, REPO_ROOT } from "./support/production-build.ts";

const run = promisify(execFile);
/** The image's WORKDIR: paths under it are taken from the stage's folder here. */
const WORKDIR = "/app";

/** Carries out a stage's COPYs into `stageDir`, each source read from the folder its stage left. */
async function copyInto(stage: TStage, stageDir: string, sourceDirs: Record<string, string>) {
  for (const args of argsOf(stage, "COPY")) {
    const { from, sources, destination } = parseCopy(args);
    const sourceDir = sourceDirs[from ?? "context"];
    if (!sourceDir) throw new Error(`no folder for the stage "${from}" that "COPY ${args}" reads`);
    for (const source of sources) {
      const relative = source.startsWith(`${WORKDIR}/`) ? source.slice(WORKDIR.length + 1) : source;
      const target = destination.endsWith("/")
        ? path.join(stageDir, destination, path.basename(relative))
        : path.join(stageDir, destination);
      await mkdir(path.dirname(target), { recursive: true });
      // pnpm's node_modules is relative symlinks: copied as they are, as Docker does.
      await cp(path.join(sourceDir, relative), target, { recursive: true, verbatimSymlinks: true });
    }
  }
}

/** A RUN's command without BuildKit's flags, and with pnpm on this machine's own store. */
function commandOf(runArgs: string): string {
  return runArgs
    .split(" ")
    .filter((word) => !word.startsWith("--mount="))
    .join(" ")
    .replace(/ --store-dir \S+/, "");
}

/** The exec-form (JSON) command of a CMD or a HEALTHCHECK's CMD. */
function execForm(args: string): string[] {
  return JSON.parse(args.slice(args.indexOf("[")));
}

const hasPostgres = (await testDatabaseTargets()).includes("postgres");

describe.runIf(hasPostgres)("the image's runtime stage, assembled as the Dockerfile says", () => {
  let workDir: string;
  let runtimeDir: string;
  let database: Awaited<ReturnType<typeof createEmptyTestDatabase>>;
  let server: StartedProcess;
  let runtime: TStage;
  let port: number;

  beforeAll(async () => {
    ensureProductionBuild();
    const stages = readDockerfile(await readFile(path.join(REPO_ROOT, "Dockerfile"), "utf8"));
    workDir = await mkdtemp(path.join(tmpdir(), "handoff-image-"));
    const prodDepsDir = path.join(workDir, "prod-deps");
    runtimeDir = path.join(workDir, "runtime");

    const prodDeps = stageNamed(stages, "prod-deps");
    await copyInto(prodDeps, prodDepsDir, { context: REPO_ROOT });
    for (const args of argsOf(prodDeps, "RUN")) {
      await run("sh", ["-c", commandOf(args)], { cwd: prodDepsDir, env: { ...process.env, CI: "true" } });
    }
    runtime = stages.at(-1) as TStage;
    // The build stage is `pnpm build` on the sources: this checkout, built.
    await copyInto(runtime, runtimeDir, { "prod-deps": prodDepsDir, build: REPO_ROOT });

    database = await createEmptyTestDatabase("postgres");
    port = await freePort();
    const [command = "", ...args] = execForm(argsOf(runtime, "CMD").at(-1) ?? "");
    server = await startProcess(command, args, {
      cwd: runtimeDir,
      env: {
        PATH: process.env.PATH ?? "",
        ...envOf(runtime),
        PORT: String(port),
        DATA_DIR: path.join(workDir, "data"),
        DATABASE_URL: database.databaseUrl ?? "",
        APP_ORIGIN: `http://127.0.0.1:${port}`,
        LOG_LEVEL: "warn",
      },
      startedWhen: /Handoff is running at (\S+)/,
      timeoutMs: 100_000,
    });
  });

  afterAll(async () => {
    await server?.stop();
    await database?.close();
    if (workDir) await rm(workDir, { recursive: true, force: true });
  });

  it("holds production dependencies only", async () => {
    const installed = await readdir(path.join(runtimeDir, "node_modules/.pnpm"));
    for (const runtimePackage of ["@prisma+client@", "@electric-sql+pglite@", "pino@", "@node-rs+argon2@"]) {
      expect(
        installed.some((name) => name.startsWith(runtimePackage)),
        runtimePackage,
      ).toBe(true);
    }
    for (const devPackage of [
      "vitest@",
      "vite@",
      "@biomejs+biome@",
      "turbo@",
      "playwright-core@",
      "jsdom@",
    ]) {
      expect(installed.filter((name) => name.startsWith(devPackage))).toEqual([]);
    }
  });

  it("starts with the image's command and environment, migrates, serves the web app, and passes its health check", async () => {
    // HOST=0.0.0.0: reachable on the machine's own network address, not only on loopback.
    const external = Object.values(networkInterfaces())
      .flat()
      .find((address) => address?.family === "IPv4" && !address.internal);
    expect(external).toBeDefined();
    expect((await fetch(`http://${external?.address}:${port}/healthz`)).status).toBe(200);
    const migrations = await readdir(path.join(REPO_ROOT, "prisma/migrations"), { withFileTypes: true });
    const applied = await database.prisma.$queryRawUnsafe<{ count: number }[]>(
      `SELECT count(*)::int AS "count" FROM "_prisma_migrations" WHERE "finished_at" IS NOT NULL`,
    );
    expect(applied[0]?.count).toBe(migrations.filter((entry) => entry.isDirectory()).length);

    const page = await fetch(`http://127.0.0.1:${port}/`);
    expect(page.status).toBe(200);
    expect(await page.text()).toContain('<div id="root">');
    expect((await fetch(`http://127.0.0.1:${port}/readyz`)).status).toBe(200);

    const [command = "", ...args] = execForm(argsOf(runtime, "HEALTHCHECK")[0] ?? "");
    await expect(
      run(command, args, { env: { PATH: process.env.PATH ?? "", PORT: String(port) } }),
    ).resolves.toBeDefined();
  });
});
