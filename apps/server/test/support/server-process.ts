// The compiled server (dist/main.js, what images run) as a child process, started the way an image
// starts it: plain node, configured by its environment alone.
import { fileURLToPath } from "node:url";
import { type StartedProcess, startProcess } from "./started-process.ts";

const SERVER_DIR = fileURLToPath(new URL("../..", import.meta.url));

export type ServerProcess = StartedProcess & {
  /** Where it listens, as its start line says. */
  url: string;
};

/** Starts dist/main.js with only PATH and `env`, and resolves once it says it is running. */
export async function startServerProcess(env: Record<string, string>): Promise<ServerProcess> {
  const server = await startProcess(process.execPath, ["dist/main.js"], {
    cwd: SERVER_DIR,
    env: { PATH: process.env.PATH ?? "", ...env },
    startedWhen: /Handoff is running at (\S+)/,
    timeoutMs: 100_000,
  });
  return { ...server, url: server.started[1] ?? "" };
}
