// The server's structured logger: JSON lines on stdout (pino), one per request, connection and error.
import { type Logger, pino } from "pino";
import type { TLogLevel } from "./config.ts";

export type { Logger };

export function createLogger(level: TLogLevel): Logger {
  return pino({ level, base: { service: "handoff-server" } });
}
