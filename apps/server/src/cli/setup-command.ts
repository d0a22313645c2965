// `handoff setup`: creates the first account and its owner from the command line, for automation
// or instead of the setup page. Needs no setup code (whoever runs it has the database), and is
// refused once an account exists, as the page is.
import { parseArgs } from "node:util";
import { AppError, createFirstOwner, isSetupNeeded, ZFirstOwnerInput } from "@handoff/api";
import { createDatabase, migrate } from "@handoff/db";
import type { z } from "zod";
import { loadConfigFromProcess } from "../config.ts";
import { CliError } from "./cli-error.ts";
import { readPassword } from "./read-password.ts";

export const SETUP_USAGE =
  'handoff setup --account "Acme IT" --email owner@example.com --name "Olivia Owner"  (password on stdin, or asked for)';

/** How the person at the terminal named each field. */
const FLAGS = { accountName: "--account", name: "--name", email: "--email", password: "password" } as const;

function flagsOf(args: string[]) {
  try {
    const { values } = parseArgs({
      args,
      options: { account: { type: "string" }, email: { type: "string" }, name: { type: "string" } },
    });
    return { accountName: values.account ?? "", name: values.name ?? "", email: values.email ?? "" };
  } catch (error) {
    throw new CliError(`${error instanceof Error ? error.message : error}\nUsage: ${SETUP_USAGE}`);
  }
}

function checked<T>(result: z.ZodSafeParseResult<T>): T {
  if (result.success) return result.data;
  const problems = result.error.issues.map((issue) => {
    const field = String(issue.path[0]) as keyof typeof FLAGS;
    return `  ${FLAGS[field] ?? field}: ${issue.message}`;
  });
  throw new CliError(`Nothing was created:\n${problems.join("\n")}`);
}

export async function runSetupCommand(args: string[]): Promise<void> {
  const owner = checked(ZFirstOwnerInput.omit({ password: true }).safeParse(flagsOf(args)));
  const config = loadConfigFromProcess();
  const database = await createDatabase(
    config.databaseUrl ? { databaseUrl: config.databaseUrl } : { dataDir: config.dataDir },
  );
  try {
    await migrate(database);
    if (!(await isSetupNeeded(database.prisma)))
      throw new CliError("Handoff is already set up: nothing was created.");
    const password = checked(
      ZFirstOwnerInput.pick({ password: true }).safeParse({ password: await readPassword(owner.email) }),
    ).password;
    await createFirstOwner(database.prisma, { ...owner, password }, null).catch((error: unknown) => {
      throw error instanceof AppError ? new CliError(`${error.message} Nothing was created.`) : error;
    });
    console.log(
      `Handoff is set up: the account "${owner.accountName}", owned by ${owner.name} <${owner.email}>.\nSign in at ${config.appOrigin}/login`,
    );
  } finally {
    await database.close();
  }
}
