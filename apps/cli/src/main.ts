// `handoff`: a terminal client of the Handoff server, typed by AppRouter. Reads its arguments,
// finds the login, runs one command and exits 0 (done), 1 (the server refused or was unreachable)
// or 2 (wrong use).
import { parseArgs } from "node:util";
import { HANDOFF_PRIORITIES, type THandoffPriority } from "@handoff/api/client-contract";
import { createApiClient } from "./api-client.ts";
import { describeFailure } from "./api-errors.ts";
import { claim } from "./commands/claim.ts";
import { escalate } from "./commands/escalate.ts";
import { login } from "./commands/login.ts";
import { showQueue, watchQueue } from "./commands/queue.ts";
import { showSession } from "./commands/session-show.ts";
import { readEnvironment, type TCliEnvironment, UsageError } from "./config.ts";
import { createOutput, type Output } from "./output.ts";
import { readSavedLogin, type TSavedLogin } from "./saved-login.ts";

const USAGE = `Usage: handoff <command> [options]

Commands:
  login [--url <server>]                 save a server and a personal API token
  queue [--watch]                        the open handoffs; --watch follows the live queue
  claim <handoffId>                      take a handoff from the queue
  escalate <sessionId> [--priority <p>] [--notes <text>]
                                         put a session in the queue (priority: ${HANDOFF_PRIORITIES.join(", ")}; default normal)
  session show <sessionId>               a session: status, holder, branches, latest entries

Every command takes --json (machine-readable output on stdout) and --help.
HANDOFF_URL and HANDOFF_TOKEN, when both set, replace the saved login.`;

const OPTIONS = {
  json: { type: "boolean", default: false },
  help: { type: "boolean", short: "h", default: false },
  watch: { type: "boolean", default: false },
  url: { type: "string" },
  priority: { type: "string", default: "normal" },
  notes: { type: "string" },
} as const;

type TArgs = ReturnType<typeof parseCommandLine>;

function parseCommandLine(argv: string[]) {
  try {
    return parseArgs({ args: argv, options: OPTIONS, allowPositionals: true, strict: true });
  } catch (error) {
    throw new UsageError(`${(error as Error).message}\n\n${USAGE}`);
  }
}

function onePositional(args: TArgs, index: number, what: string): string {
  const value = args.positionals[index];
  if (!value || args.positionals.length > index + 1) throw new UsageError(`Give one ${what}.\n\n${USAGE}`);
  return value;
}

function priorityOf(typed: string): THandoffPriority {
  const priority = HANDOFF_PRIORITIES.find((known) => known === typed);
  if (!priority) throw new UsageError(`--priority must be one of ${HANDOFF_PRIORITIES.join(", ")}.`);
  return priority;
}

async function loginOf(environment: TCliEnvironment): Promise<TSavedLogin> {
  return environment.login ?? readSavedLogin(environment.configDir);
}

/** Ctrl-C (or SIGTERM) ends `queue --watch` cleanly. */
function untilInterrupted(): AbortSignal {
  const controller = new AbortController();
  const stop = () => controller.abort();
  process.once("SIGINT", stop);
  process.once("SIGTERM", stop);
  return controller.signal;
}

async function run(args: TArgs, environment: TCliEnvironment, out: Output): Promise<void> {
  const [command, subcommand] = args.positionals;
  if (args.values.help || command === undefined) return out.line(USAGE);
  if (command === "login") return login(out, environment.configDir, { url: args.values.url });

  const { client, close } = createApiClient(await loginOf(environment));
  try {
    switch (command) {
      case "queue":
        return args.values.watch
          ? await watchQueue(client, out, untilInterrupted())
          : await showQueue(client, out);
      case "claim":
        return await claim(client, out, onePositional(args, 1, "handoff id"));
      case "escalate":
        return await escalate(client, out, {
          sessionId: onePositional(args, 1, "session id"),
          priority: priorityOf(args.values.priority),
          notes: args.values.notes,
        });
      case "session":
        if (subcommand !== "show") throw new UsageError(`Try: handoff session show <sessionId>\n\n${USAGE}`);
        return await showSession(client, out, onePositional(args, 2, "session id"));
      default:
        throw new UsageError(`Unknown command "${command}".\n\n${USAGE}`);
    }
  } finally {
    await close();
  }
}

async function main(argv: string[]): Promise<number> {
  let out = createOutput({ isJson: argv.includes("--json"), colour: "auto" });
  let serverUrl: string | null = null;
  try {
    const environment = readEnvironment();
    const args = parseCommandLine(argv);
    out = createOutput({ isJson: args.values.json, colour: environment.colour });
    serverUrl = environment.login?.url ?? args.values.url ?? null;
    await run(args, environment, out);
    return 0;
  } catch (error) {
    const failure = describeFailure(error, serverUrl);
    if (out.isJson)
      process.stderr.write(
        `${JSON.stringify({ error: { code: failure.code, message: failure.message } })}\n`,
      );
    else process.stderr.write(`handoff: ${failure.message}\n`);
    return failure.exitCode;
  }
}

process.exitCode = await main(process.argv.slice(2));
