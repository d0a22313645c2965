// `pnpm start`: builds (web bundle + compiled server) only when the build is missing or stale, then
// runs the compiled server in this process. Images run `node apps/server/dist/main.js` directly.
import { spawnSync } from "node:child_process";
import { fileURLToPath, pathToFileURL } from "node:url";
import { staleBuildReason } from "./build-freshness.mjs";

const root = fileURLToPath(new URL("../../../", import.meta.url));
const reason = staleBuildReason(root);
if (reason) {
  console.log(`Building first: ${reason}.`);
  const build = spawnSync("pnpm", ["build"], { cwd: root, stdio: "inherit" });
  if (build.status !== 0) process.exit(build.status ?? 1);
}
process.setSourceMapsEnabled(true);
await import(pathToFileURL(`${root}apps/server/dist/main.js`).href);
