// Builds the CLI once for every test file: two files building into the same dist/ at once could
// run a half-written or not yet executable dist/handoff.mjs.
import { execFile } from "node:child_process";
import { fileURLToPath } from "node:url";
import { promisify } from "node:util";

export default async function buildCliOnce(): Promise<void> {
  const cliDir = fileURLToPath(new URL("..", import.meta.url));
  await promisify(execFile)(process.execPath, ["scripts/build.mjs"], { cwd: cliDir });
}
