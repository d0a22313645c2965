// What the backup commands share: their arguments, their exit codes, and the refusal on PostgreSQL.
import path from "node:path";
import { parseArgs } from "node:util";
import { BackupError } from "@handoff/db";
import type { TAppConfig } from "../config.ts";

const ON_POSTGRES =
  "DATABASE_URL is set: this server runs on PostgreSQL, which pg_dump and pg_restore back up (see docs/operations.md, Backup and restore).";

const parseFlags = (args: string[]) =>
  parseArgs({ args, options: { force: { type: "boolean" } }, allowPositionals: true, strict: true });

/** The one file argument (resolved from the current directory) and the flags, or what is wrong with them. */
function parseFileCommand(
  args: string[],
  config: TAppConfig,
  options: { isForceAllowed: boolean },
): { file: string; isForced: boolean } | { problem: string } {
  if (config.databaseUrl !== null) return { problem: ON_POSTGRES };
  let parsed: ReturnType<typeof parseFlags>;
  try {
    parsed = parseFlags(args);
  } catch (error) {
    return { problem: error instanceof Error ? error.message : String(error) };
  }
  const [file, ...extra] = parsed.positionals;
  if (file === undefined || extra.length > 0) return { problem: "Give exactly one file." };
  if (parsed.values.force && !options.isForceAllowed) return { problem: "--force is only for restore." };
  return { file: path.resolve(file), isForced: parsed.values.force === true };
}

/**
 * Runs a command on one file of the embedded database: bad arguments exit 2, a BackupError prints
 * for the operator and exits 1 (anything else is a bug and is thrown), else `act`'s lines are printed.
 */
export async function runFileCommand(
  args: string[],
  config: TAppConfig,
  options: { isForceAllowed: boolean },
  act: (command: { file: string; isForced: boolean }) => Promise<string[]>,
): Promise<number> {
  const command = parseFileCommand(args, config, options);
  if ("problem" in command) {
    console.error(command.problem);
    return 2;
  }
  try {
    for (const line of await act(command)) console.log(line);
    return 0;
  } catch (error) {
    if (!(error instanceof BackupError)) throw error;
    console.error(error.message);
    return 1;
  }
}
