// `pnpm handoff <command>`: the operator's command line, run on the server with the server's own
// environment (config.ts) and database code. One entry per command; each says what it needs.
// Paths are relative to the repository root.
import { runBackup } from "./cli/backup.ts";
import { CliError } from "./cli/cli-error.ts";
import { runRestore } from "./cli/restore.ts";
import { runSetupCommand, SETUP_USAGE } from "./cli/setup-command.ts";
import { ConfigError, loadConfigFromProcess, type TAppConfig } from "./config.ts";

type TCommand = { usage: string; run(args: string[]): Promise<number | undefined> };

/** A command that reads the config first and answers with its exit code. */
function withConfig(run: (args: string[], config: TAppConfig) => Promise<number>): TCommand["run"] {
  return (args) => run(args, loadConfigFromProcess());
}

const COMMANDS: Record<string, TCommand> = {
  setup: { usage: SETUP_USAGE, run: async (args) => runSetupCommand(args).then(() => 0) },
  backup: {
    usage:
      "handoff backup <file>             back up the embedded database (DATA_DIR) to <file> (.tar.gz); Handoff must be stopped",
    run: withConfig(runBackup),
  },
  restore: {
    usage:
      "handoff restore <file> [--force]  restore <file> into DATA_DIR; --force restores over an existing database (kept beside it)",
    run: withConfig(runRestore),
  },
};

/** Exit code of a command line that names no known command. */
const USAGE_ERROR = 2;

function usage(): string {
  const usages = Object.values(COMMANDS).map((entry) => `  ${entry.usage}`);
  return `Usage:\n${usages.join("\n")}\n\nOn PostgreSQL (DATABASE_URL) back up with pg_dump / pg_restore (see docs/deploy.md).`;
}

async function main(argv: string[]): Promise<number | undefined> {
  const [name, ...args] = argv;
  const command = name === undefined ? undefined : COMMANDS[name];
  if (!command) {
    const isAsking = name === undefined || name === "help";
    console.error(isAsking ? usage() : `Unknown command "${name}".\n\n${usage()}`);
    return USAGE_ERROR;
  }
  return command.run(args);
}

main(process.argv.slice(2)).then(
  (code) => process.exit(code ?? 0),
  (error: unknown) => {
    const isExpected = error instanceof CliError || error instanceof ConfigError;
    console.error(isExpected ? error.message : error);
    process.exit(1);
  },
);
