// The CLI's bundle holds no server code: the build's check names what would leak, and the last
// build (made once by the tests' global setup, or `pnpm --filter @handoff/cli build`) passes it.
import { execFile } from "node:child_process";
import { readFile } from "node:fs/promises";
import { fileURLToPath } from "node:url";
import { promisify } from "node:util";
import { describe, expect, it } from "vitest";
import { serverModulesIn } from "../scripts/bundle-boundary.mjs";

const CLI_DIR = fileURLToPath(new URL("..", import.meta.url));

describe("the CLI bundle's server boundary", () => {
  it("names server modules that would leak into the bundle", () => {
    const leaking = [
      "../../packages/api/src/services/handoffs/handoff-service.ts",
      "../../packages/api/src/schemas/inputs.ts",
      "../../packages/db/src/index.ts",
      "../../node_modules/.pnpm/zod@4.6.7/node_modules/zod/v4/core/core.js",
      "../../node_modules/.pnpm/@trpc+server@11.19.0_typescript@5.9.3/node_modules/@trpc/server/dist/adapters/ws.mjs",
    ];
    const clientSide = [
      "../../packages/api/src/client-contract.ts",
      "../../packages/api/src/shared/sla.ts",
      "../../node_modules/.pnpm/ws@8.23.0/node_modules/ws/lib/websocket.js",
    ];
    expect(serverModulesIn([...leaking, ...clientSide])).toEqual(leaking);
  });

  it("is one runnable file built from client code only", async () => {
    const { inputs } = JSON.parse(await readFile(`${CLI_DIR}dist/meta.json`, "utf8")) as { inputs: string[] };
    expect(inputs.some((input) => input.includes("@trpc/client"))).toBe(true);
    expect(inputs.some((input) => input.includes("/ws/lib/"))).toBe(true);
    expect(serverModulesIn(inputs)).toEqual([]);
    const { stdout } = await promisify(execFile)(`${CLI_DIR}dist/handoff.mjs`, ["--help"]);
    expect(stdout).toMatch(/^Usage: handoff <command>/);
  });
});
