// Where the CLI writes: results to stdout (plain lines, coloured on a terminal, or JSON for
// scripts), notes about the connection to stderr, so `--json` output stays parseable.
import { styleText } from "node:util";
import type { TCliEnvironment } from "./config.ts";

type TStyle = Parameters<typeof styleText>[0];

export type Output = {
  readonly isJson: boolean;
  /** One line of human-readable output. */
  line(text: string): void;
  /** One JSON value, on one line (a stream of them for `queue --watch --json`). */
  json(value: unknown): void;
  /** A remark for the person watching (reconnecting…), on stderr. */
  note(text: string): void;
  paint(style: TStyle, text: string): string;
};

export function createOutput(options: {
  isJson: boolean;
  colour: TCliEnvironment["colour"];
  stdout?: NodeJS.WriteStream;
  stderr?: NodeJS.WriteStream;
}): Output {
  const stdout = options.stdout ?? process.stdout;
  const stderr = options.stderr ?? process.stderr;
  const isColour = options.colour === "always" || (options.colour === "auto" && stdout.isTTY === true);
  return {
    isJson: options.isJson,
    line: (text) => stdout.write(`${text}\n`),
    json: (value) => stdout.write(`${JSON.stringify(value)}\n`),
    note: (text) => stderr.write(`${text}\n`),
    // styleText would check process.stdout and TERM again (and colour only some styles when TERM
    // is unset); the choice above is the one that counts.
    paint: (style, text) => (isColour ? styleText(style, text, { validateStream: false }) : text),
  };
}
