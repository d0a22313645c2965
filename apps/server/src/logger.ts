// The server's structured logger: JSON lines on stdout (pino), one per request, connection and error.
// `pretty` (what `pnpm dev` asks for) renders them for a terminal through pino-pretty, a dev
// dependency: production images have no pino-pretty and log JSON.
import { type Logger, pino } from "pino";
import type { TLogFormat, TLogLevel } from "./config.ts";

export type { Logger };

export function createLogger(level: TLogLevel, format: TLogFormat = "json"): Logger {
  const options = { level, base: { service: "handoff-server" } };
  if (format === "json") return pino(options);
  return pino({
    ...options,
    transport: {
      target: "pino-pretty",
      options: { translateTime: "SYS:HH:MM:ss.l", ignore: "pid,hostname,service" },
    },
  });
}
