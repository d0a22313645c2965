// What a failed cluster run needs to be understood after the fact (it fails rarely, and only on CI so
// far): Caddy's errors and failed health checks, and what each replica logged at warn or above, one
// line each, in time order, beside the moments the test marked.
import type { StartedProcess } from "../../test/support/started-process.ts";

export type TTimedLine = { at: number; text: string };

/** pino's warn level; replicas log JSON lines with `level` and `time` (ms). */
const WARN = 40;

function jsonLines(output: string): Record<string, unknown>[] {
  return output.split("\n").flatMap((line) => {
    if (!line.startsWith("{")) return [];
    try {
      return [JSON.parse(line) as Record<string, unknown>];
    } catch {
      return [];
    }
  });
}

/** Caddy logs JSON with `ts` in seconds: its errors (the request and the status sent) and health checks that failed. */
function caddyLines(caddy: StartedProcess): TTimedLine[] {
  return jsonLines(caddy.output())
    .filter((line) => line.level === "error" || String(line.logger).includes("health_checker"))
    .map((line) => {
      const request = (line.request ?? {}) as Record<string, unknown>;
      const fields = [line.msg, request.method, request.uri, line.status, line.host, line.error];
      return { at: Number(line.ts) * 1000, text: `caddy: ${fields.filter(Boolean).join(" ")}` };
    });
}

function replicaLines(name: string, replica: StartedProcess): TTimedLine[] {
  return jsonLines(replica.output())
    .filter((line) => Number(line.level) >= WARN)
    .map((line) => ({ at: Number(line.time), text: `${name}: ${JSON.stringify(line)}` }));
}

export function clusterTimeline(options: {
  caddy: StartedProcess;
  replicas: Record<string, StartedProcess>;
  /** What the test did, when (Date.now()). */
  marks: TTimedLine[];
}): string {
  const lines = [
    ...caddyLines(options.caddy),
    ...Object.entries(options.replicas).flatMap(([name, replica]) => replicaLines(name, replica)),
    ...options.marks.map((mark) => ({ ...mark, text: `test: ${mark.text}` })),
  ].sort((a, b) => a.at - b.at);
  return lines.map((line) => `${new Date(line.at).toISOString()} ${line.text}`).join("\n");
}
