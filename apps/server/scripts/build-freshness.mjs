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

/** The web bundle's: the app, and the API's client-side code it bundles. */
const WEB_BUILD = {
  outputs: ["apps/web/dist/index.html"],
  sources: [
    "apps/web/src",
    "apps/web/public",
    "apps/web/index.html",
    "apps/web/vite.config.ts",
    "apps/web/package.json",
    "packages/api/src",
    "pnpm-lock.yaml",
  ],
};

/**
 * The production build: the web bundle and the compiled server, each judged by its own sources (a
 * change to the web app alone rebuilds the bundle, and the server's unchanged outputs keep their
 * date: judged together, every later start would have found the build stale again).
 */
export const PRODUCTION_BUILD = [WEB_BUILD, SERVER_BUILD];

/** Why the build (one part, or several) must be redone, or null when it is fresh. */
export function staleBuildReason(root, build = PRODUCTION_BUILD) {
  for (const part of Array.isArray(build) ? build : [build]) {
    const reason = stalePartReason(root, part);
    if (reason) return reason;
  }
  return null;
}

function stalePartReason(root, { outputs, sources }) {
  let oldestOutput = Number.POSITIVE_INFINITY;
  for (const output of outputs) {
    const mtime = newestMtimeMs(path.join(root, output));
    if (mtime === 0) return `${output} is missing`;
    oldestOutput = Math.min(oldestOutput, mtime);
  }
  for (const source of sources) {
    if (newestMtimeMs(path.join(root, source)) > oldestOutput)
      return `${source} changed since the last build`;
  }
  return null;
}
