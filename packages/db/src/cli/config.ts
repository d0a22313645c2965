// The db CLIs' only view of the environment: DATABASE_URL (PostgreSQL) or DATA_DIR (PGlite).
import { fileURLToPath } from "node:url";
import type { CreateDatabaseOptions } from "../create-database.ts";

const DEFAULT_DATA_DIR = fileURLToPath(new URL("../../../../.data", import.meta.url));

export type CliConfig = { databaseUrl?: string; dataDir: string };

export function readCliConfig(env: NodeJS.ProcessEnv = process.env): CliConfig {
  const databaseUrl = env.DATABASE_URL?.trim() || undefined;
  if (databaseUrl && !/^postgres(ql)?:\/\//.test(databaseUrl)) {
    throw new Error(
      "DATABASE_URL must be a postgres:// or postgresql:// URL, or unset for the embedded database.",
    );
  }
  return { databaseUrl, dataDir: env.DATA_DIR?.trim() || DEFAULT_DATA_DIR };
}

export function describeTarget(config: CreateDatabaseOptions): string {
  return config.databaseUrl
    ? `PostgreSQL ${config.databaseUrl.replace(/\/\/[^@/]*@/, "//***@")}`
    : `embedded PGlite in ${config.dataDir}`;
}

/** Runs a CLI body, turning any error into one readable line and exit code 1. */
export async function runCli(main: () => Promise<void>): Promise<void> {
  try {
    await main();
  } catch (error) {
    console.error(error instanceof Error ? error.message : error);
    process.exitCode = 1;
  }
}
