// Builds the web app before the browser tests when dist/ is missing or older than its sources,
// so `pnpm test` always exercises the current code through the real server.
import { readdir, stat } from "node:fs/promises";
import path from "node:path";
import { fileURLToPath } from "node:url";
import { build } from "vite";

const WEB_DIR = fileURLToPath(new URL("..", import.meta.url));
const BUILT_INDEX = path.join(WEB_DIR, "dist", "index.html");
const SOURCES = ["src", "index.html", "vite.config.ts", "package.json"];

async function newestMtime(entry: string): Promise<number> {
  const info = await stat(entry);
  if (!info.isDirectory()) return info.mtimeMs;
  const children = await readdir(entry);
  const times = await Promise.all(children.map((child) => newestMtime(path.join(entry, child))));
  return Math.max(info.mtimeMs, ...times);
}

async function isBuildStale(): Promise<boolean> {
  const built = await stat(BUILT_INDEX).catch(() => null);
  if (!built) return true;
  const sourceTimes = await Promise.all(SOURCES.map((source) => newestMtime(path.join(WEB_DIR, source))));
  return Math.max(...sourceTimes) > built.mtimeMs;
}

export default async function setup(): Promise<void> {
  if (!(await isBuildStale())) return;
  // Vitest runs with NODE_ENV=test, which would make Vite bundle React's development build: the
  // browser tests must exercise what `pnpm build` ships.
  const testEnv = process.env.NODE_ENV;
  process.env.NODE_ENV = "production";
  try {
    await build({ root: WEB_DIR, configFile: path.join(WEB_DIR, "vite.config.ts"), logLevel: "warn" });
  } finally {
    process.env.NODE_ENV = testEnv;
  }
}
