// Whether the production build (web bundle + compiled server) is missing or older than any of its
// sources, so `pnpm start` rebuilds only when it has to. Plain JS: it runs before anything is built.
import { readdirSync, statSync } from "node:fs";
import path from "node:path";

/** Newest modification time under `target` (a file or a folder), skipping dependencies and outputs. */
function newestMtimeMs(target) {
  let stats;
  try {
    stats = statSync(target);
  } catch {
    return 0;
  }
  if (!stats.isDirectory()) return stats.mtimeMs;
  let newest = stats.mtimeMs;
  for (const entry of readdirSync(target)) {
    if (entry === "node_modules" || entry === "dist") continue;
    newest = Math.max(newest, newestMtimeMs(path.join(target, entry)));
  }
  return newest;
}

/** The compiled server's inputs and outputs (dist/main.js, dist/cli.js), relative to the repository root. */
export const SERVER_BUILD = {
  outputs: ["apps/server/dist/main.js", "apps/server/dist/cli.js"],
  sources: [
    "apps/server/src",
    "apps/server/scripts",
    "apps/server/package.json",
    "packages/api/src",
    "packages/bus/src",
    "packages/db/src",
    "packages/live/src",
    "prisma",
    "pnpm-lock.yaml",
  ],
};

/** The production build's: the web bundle and the compiled server. */
export const PRODUCTION_BUILD = {
  outputs: ["apps/web/dist/index.html", ...SERVER_BUILD.outputs],
  sources: [
    "apps/web/src",
    "apps/web/index.html",
    "apps/web/vite.config.ts",
    "apps/web/package.json",
    ...SERVER_BUILD.sources,
  ],
};

/** Why the build must be redone, or null when it is fresh. */
export function staleBuildReason(root, build = PRODUCTION_BUILD) {
  let oldestOutput = Number.POSITIVE_INFINITY;
  for (const output of build.outputs) {
    const mtime = newestMtimeMs(path.join(root, output));
    if (mtime === 0) return `${output} is missing`;
    oldestOutput = Math.min(oldestOutput, mtime);
  }
  for (const source of build.sources) {
    if (newestMtimeMs(path.join(root, source)) > oldestOutput)
      return `${source} changed since the last build`;
  }
  return null;
}
