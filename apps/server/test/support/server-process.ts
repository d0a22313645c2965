// The compiled server (dist/main.js, what images run) as a child process, started the way an image
// starts it: plain node (its baseline WebAssembly compiler only: CHILD_NODE_FLAGS), configured by its
// environment alone.
import { fileURLToPath } from "node:url";
import { CHILD_NODE_FLAGS } from "../../src/testing/run-main.ts";
import { type StartedProcess, startProcess } from "./started-process.ts";

const SERVER_DIR = fileURLToPath(new URL("../..", import.meta.url));

export type ServerProcess = StartedProcess & {
  /** Where it listens, as its start line says. */
  url: string;
  /** Its second port's base URL (STREAM_PORT), as its "listening" log line says (LOG_LEVEL info); else null. */
  streamUrl: string | null;
};

/** Starts dist/main.js with only PATH and `env`, and resolves once it says it is running. */
export async function startServerProcess(env: Record<string, string>): Promise<ServerProcess> {
  const server = await startProcess(process.execPath, [...CHILD_NODE_FLAGS, "dist/main.js"], {
    cwd: SERVER_DIR,
    env: { PATH: process.env.PATH ?? "", ...env },
    startedWhen: /Handoff is running at (\S+)/,
    timeoutMs: 100_000,
  });
  const streamUrl = /"streamUrl":"(http[^"]+)"/.exec(server.output())?.[1] ?? null;
  return { ...server, url: server.started[1] ?? "", streamUrl };
}
