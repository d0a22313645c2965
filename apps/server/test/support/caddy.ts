// Debian's Caddy for tests: the deploy files' Caddyfile validated, and run in front of real replicas.
// Without a caddy on PATH those tests are skipped, unless REQUIRE_SERVICES=1 (CI installs it).
import { execFile } from "node:child_process";
import { mkdtemp, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import path from "node:path";
import { fileURLToPath } from "node:url";
import { promisify } from "node:util";
import { type StartedProcess, startProcess } from "./started-process.ts";

export const CADDYFILE = fileURLToPath(new URL("../../../../deploy/Caddyfile", import.meta.url));

const run = promisify(execFile);

/** Whether `caddy` runs here; with REQUIRE_SERVICES=1 a missing one fails instead. */
export async function isCaddyInstalled(): Promise<boolean> {
  try {
    await run("caddy", ["version"]);
    return true;
  } catch (error) {
    if (process.env.REQUIRE_SERVICES === "1") {
      throw new Error("REQUIRE_SERVICES=1 but caddy is not installed (apt-get install caddy)", {
        cause: error,
      });
    }
    return false;
  }
}

/**
 * Caddy's own files (its certificate store, its autosaved config) in a fresh temporary home, so a
 * test touches nothing of the machine's Caddy, and its admin endpoint off, so runs never collide.
 */
async function caddyHome() {
  const home = await mkdtemp(path.join(tmpdir(), "handoff-caddy-"));
  return {
    env: {
      PATH: process.env.PATH ?? "",
      HOME: home,
      XDG_DATA_HOME: path.join(home, "data"),
      XDG_CONFIG_HOME: path.join(home, "config"),
      CADDY_ADMIN: "off",
    },
    remove: () => rm(home, { recursive: true, force: true }),
  };
}

/** `caddy validate` on the Caddyfile with these placeholders; resolves with its output, rejects on an invalid one. */
export async function validateCaddyfile(placeholders: Record<string, string>): Promise<string> {
  const home = await caddyHome();
  try {
    const { stdout, stderr } = await run("caddy", ["validate", "--config", CADDYFILE], {
      env: { ...home.env, ...placeholders },
    });
    return stdout + stderr;
  } finally {
    await home.remove();
  }
}

export type RunningCaddy = StartedProcess & { url: string };

/**
 * Runs Caddy on the Caddyfile, serving plain HTTP at `siteUrl` in front of `upstreams`, sending
 * WebSocket upgrades to `streamUpstreams` (the replicas' STREAM_PORTs; by default `upstreams` too).
 */
export async function startCaddy(options: {
  siteUrl: string;
  upstreams: string[];
  streamUpstreams?: string[];
}): Promise<RunningCaddy> {
  const home = await caddyHome();
  try {
    const caddy = await startProcess("caddy", ["run", "--config", CADDYFILE], {
      env: {
        ...home.env,
        HANDOFF_SITE: options.siteUrl,
        HANDOFF_UPSTREAMS: options.upstreams.join(" "),
        HANDOFF_STREAM_UPSTREAMS: (options.streamUpstreams ?? options.upstreams).join(" "),
      },
      startedWhen: /"serving initial configuration"/,
      timeoutMs: 30_000,
    });
    const stop = async () => {
      await caddy.stop();
      await home.remove();
    };
    return { ...caddy, url: options.siteUrl, stop };
  } catch (error) {
    await home.remove();
    throw error;
  }
}
