// A child process that counts as started once its output matches a line, for tests that run the
// real thing (the compiled server, Caddy) beside them.
import { type ChildProcess, spawn } from "node:child_process";
import { once } from "node:events";

export type StartedProcess = {
  child: ChildProcess;
  /** The match of the line that said it had started. */
  started: RegExpExecArray;
  /** Everything it printed so far, stdout and stderr. */
  output(): string;
  /** Its exit code once it has exited (null when a signal ended it). */
  exitCode: Promise<number | null>;
  /** SIGTERM, and waits for it to exit; nothing if it already has. */
  stop(): Promise<void>;
};

export async function startProcess(
  command: string,
  args: string[],
  options: { cwd?: string; env: Record<string, string>; startedWhen: RegExp; timeoutMs: number },
): Promise<StartedProcess> {
  const child = spawn(command, args, {
    cwd: options.cwd,
    env: options.env,
    stdio: ["ignore", "pipe", "pipe"],
  });
  const exitCode = once(child, "exit").then(([code]) => code as number | null);
  let output = "";
  const collect = (chunk: Buffer) => {
    output += chunk.toString();
  };
  child.stdout?.on("data", collect);
  child.stderr?.on("data", collect);
  const deadline = Date.now() + options.timeoutMs;
  for (;;) {
    const started = options.startedWhen.exec(output);
    if (started) {
      const stop = async () => {
        if (child.exitCode !== null || child.signalCode !== null) return;
        child.kill("SIGTERM");
        await exitCode;
      };
      return { child, started, output: () => output, exitCode, stop };
    }
    if (Date.now() > deadline || child.exitCode !== null) {
      child.kill("SIGKILL");
      throw new Error(`${command} did not start:\n${output}`);
    }
    await new Promise((resolve) => setTimeout(resolve, 50));
  }
}
