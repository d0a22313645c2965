// The production build the cluster tests run: `pnpm build`, first, when it is missing or stale.
import { spawnSync } from "node:child_process";
import { fileURLToPath } from "node:url";
import { staleBuildReason } from "../../scripts/build-freshness.mjs";

export const REPO_ROOT = fileURLToPath(new URL("../../../../", import.meta.url));

/** Builds the web app and the server when the build is missing or older than its sources. */
export function ensureProductionBuild() {
  const reason = staleBuildReason(REPO_ROOT);
  if (!reason) return;
  const build = spawnSync("pnpm", ["build"], { cwd: REPO_ROOT, stdio: "inherit" });
  if (build.status !== 0) throw new Error(`pnpm build failed (${reason})`);
}
