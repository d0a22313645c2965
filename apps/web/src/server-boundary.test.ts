// @vitest-environment node
// The web app's boundary with the server side, as biome.json enforces it: only the router's types
// from @handoff/api and the zod-free @handoff/api/client-contract; never schemas, zod or server packages.
import { execFile } from "node:child_process";
import { rm, writeFile } from "node:fs/promises";
import { fileURLToPath } from "node:url";
import { promisify } from "node:util";
import { describe, expect, it } from "vitest";

const REPO_ROOT = fileURLToPath(new URL("../../../", import.meta.url));
const PROBE = "apps/web/src/lib/zz-boundary-probe.ts";

/** Lints one import line as if it were in the web app; true when biome lets it through. */
async function isAllowed(importLine: string): Promise<boolean> {
  await writeFile(`${REPO_ROOT}${PROBE}`, `${importLine}\nexport type TProbe = unknown;\n`);
  try {
    await promisify(execFile)(
      `${REPO_ROOT}node_modules/.bin/biome`,
      ["lint", "--only=style/noRestrictedImports", PROBE],
      {
        cwd: REPO_ROOT,
      },
    );
    return true;
  } catch {
    return false;
  } finally {
    await rm(`${REPO_ROOT}${PROBE}`, { force: true });
  }
}

describe("the web app's server boundary", () => {
  it.each([
    'import type { AppRouter } from "@handoff/api";',
    'import type { RouterInputs, RouterOutputs } from "@handoff/api";',
    'import { LIMITS, type THandoffCard } from "@handoff/api/client-contract";',
  ])("allows %s", async (line) => {
    expect(await isAllowed(line)).toBe(true);
  });

  it.each([
    'import { appRouter } from "@handoff/api";',
    'import { ZSessionCreateInput } from "@handoff/api/schemas";',
    'import type { THandoffCard } from "@handoff/api/schemas";',
    'import { z } from "zod";',
    'import type { TRPCError } from "@trpc/server";',
    'import { createDatabase } from "@handoff/db";',
  ])("refuses %s", async (line) => {
    expect(await isAllowed(line)).toBe(false);
  });
});
