// What the services beside the replicas spend, read from outside them: CPU seconds of a process
// (e.g. a PostgreSQL backend) from /proc/<pid>/stat, Redis's own CPU counters (INFO cpu), and the
// established TCP connections a local port holds.
import { execFileSync } from "node:child_process";
import { readFileSync } from "node:fs";
import type { Redis } from "ioredis";

const CLOCK_TICKS_PER_SECOND = Number(execFileSync("getconf", ["CLK_TCK"]).toString().trim());

/** User + system CPU seconds of a process so far; 0 once it has gone. */
export function processCpuSeconds(pid: number): number {
  let stat: string;
  try {
    stat = readFileSync(`/proc/${pid}/stat`, "utf8");
  } catch {
    return 0;
  }
  // Fields after the command name (which may hold spaces, inside parentheses): utime is the 14th field.
  const fields = stat.slice(stat.lastIndexOf(")") + 2).split(" ");
  return (Number(fields[11]) + Number(fields[12])) / CLOCK_TICKS_PER_SECOND;
}

/** Redis's CPU seconds so far (the whole server: other clients of it count too). */
export async function redisCpuSeconds(redis: Redis): Promise<number> {
  const info = await redis.info("cpu");
  const field = (name: string) => Number(new RegExp(`^${name}:([\\d.]+)`, "m").exec(info)?.[1] ?? 0);
  return field("used_cpu_sys") + field("used_cpu_user");
}

/** CPU seconds the backends spent between two readings (backends that came or went count from 0). */
export function cpuSpentBetween(before: Map<number, number>, after: Map<number, number>): number {
  let spent = 0;
  for (const [pid, seconds] of after) spent += seconds - (before.get(pid) ?? 0);
  return spent;
}

/** Established IPv4 TCP connections whose local end is `port` (e.g. the proxy's sockets to a replica). */
export function establishedConnectionsTo(port: number): number {
  const portHex = port.toString(16).toUpperCase().padStart(4, "0");
  let count = 0;
  for (const line of readFileSync("/proc/net/tcp", "utf8").split("\n").slice(1)) {
    const [, local, , state] = line.trim().split(/\s+/);
    if (state === "01" && local?.endsWith(`:${portHex}`)) count += 1;
  }
  return count;
}
