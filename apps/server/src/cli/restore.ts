// `pnpm handoff restore <file> [--force]`: a backup into DATA_DIR, never silently over a database.
import { restorePglite } from "@handoff/db";
import type { TAppConfig } from "../config.ts";
import { runFileCommand } from "./embedded-only.ts";

export function runRestore(args: string[], config: TAppConfig): Promise<number> {
  return runFileCommand(args, config, { isForceAllowed: true }, async ({ file, isForced }) => {
    const summary = await restorePglite({ dataDir: config.dataDir, file, isForced });
    const restored = `Restored ${file} into ${config.dataDir}: ${summary.accounts} accounts, ${summary.users} users, ${summary.sessions} sessions.`;
    if (!summary.setAside) return [restored];
    return [`The database that was in ${config.dataDir} is now ${summary.setAside}.`, restored];
  });
}
