// `pnpm handoff backup <file>`: the embedded database (DATA_DIR) to one .tar.gz, while Handoff is stopped.
import { backupPglite } from "@handoff/db";
import type { TAppConfig } from "../config.ts";
import { runFileCommand } from "./embedded-only.ts";

export function runBackup(args: string[], config: TAppConfig): Promise<number> {
  return runFileCommand(args, config, { isForceAllowed: false }, async ({ file }) => {
    const summary = await backupPglite({ dataDir: config.dataDir, file });
    return [
      `Backed up ${config.dataDir} to ${file}: ${summary.accounts} accounts, ${summary.users} users, ${summary.sessions} sessions.`,
    ];
  });
}
