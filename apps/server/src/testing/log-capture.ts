// A real pino logger whose lines the test can read back, to check what the server logs (and what not).
import { pino } from "pino";
import type { Logger } from "../logger.ts";

export type TLogLine = Record<string, unknown> & { level: number; msg?: string };

export type LogCapture = {
  readonly logger: Logger;
  /** Every line so far, parsed. */
  lines(): TLogLine[];
  /** Lines at warn (40) or above. */
  problems(): TLogLine[];
};

export function createLogCapture(): LogCapture {
  const lines: TLogLine[] = [];
  const logger = pino(
    { level: "debug" },
    { write: (line: string) => lines.push(JSON.parse(line) as TLogLine) },
  );
  return {
    logger,
    lines: () => [...lines],
    problems: () => lines.filter((line) => line.level >= 40),
  };
}
