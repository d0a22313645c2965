// Backup and restore of the embedded database: the whole PGlite data dir as one .tar.gz (PGlite's
// dumpDataDir / loadDataDir), taken while no server has it open. A restore never lands on an
// existing database: without `isForced` it refuses, with it the old data dir is kept beside.
import { access, mkdir, readdir, readFile, rename, writeFile } from "node:fs/promises";
import path from "node:path";
import { PGlite } from "@electric-sql/pglite";
import { pg_trgm } from "@electric-sql/pglite/contrib/pg_trgm";

/** What a backup or a restore holds, to show the operator. */
export type TBackupSummary = { accounts: number; users: number; sessions: number };

export class BackupError extends Error {
  override name = "BackupError";
}

const exists = (file: string) =>
  access(file).then(
    () => true,
    () => false,
  );

/** PostgreSQL (PGlite too) keeps this file while the database is open, and removes it on a clean close. */
async function assertNotInUse(dataDir: string): Promise<void> {
  if (await exists(path.join(dataDir, "postmaster.pid"))) {
    throw new BackupError(
      `The embedded database in ${dataDir} is in use, or was not shut down cleanly. Stop Handoff first ` +
        "(after a crash, start and stop it once), then try again.",
    );
  }
}

async function summarise(pglite: PGlite): Promise<TBackupSummary> {
  const { rows } = await pglite.query<TBackupSummary>(
    `SELECT (SELECT count(*)::int FROM "Account") AS "accounts", (SELECT count(*)::int FROM "User") AS "users",
            (SELECT count(*)::int FROM "Session") AS "sessions"`,
  );
  return rows[0] as TBackupSummary;
}

export async function backupPglite(options: { dataDir: string; file: string }): Promise<TBackupSummary> {
  if (!(await exists(path.join(options.dataDir, "PG_VERSION")))) {
    throw new BackupError(`There is no embedded database in ${options.dataDir} to back up.`);
  }
  await assertNotInUse(options.dataDir);
  const pglite = await PGlite.create(options.dataDir, { extensions: { pg_trgm } });
  try {
    const summary = await summarise(pglite);
    const archive = await pglite.dumpDataDir("gzip");
    // Written beside, then renamed: an interrupted backup never leaves a truncated file behind.
    const partial = `${options.file}.partial`;
    await writeFile(partial, Buffer.from(await archive.arrayBuffer()));
    await rename(partial, options.file);
    return summary;
  } finally {
    await pglite.close();
  }
}

export async function restorePglite(options: {
  dataDir: string;
  file: string;
  /** Restore even over an existing database, which is moved aside (returned as `setAside`). */
  isForced: boolean;
}): Promise<TBackupSummary & { setAside: string | null }> {
  const archive = await readFile(options.file).catch(() => {
    throw new BackupError(`Cannot read the backup file ${options.file}.`);
  });
  const entries = await readdir(options.dataDir).catch(() => [] as string[]);
  let setAside: string | null = null;
  if (entries.length > 0) {
    if (!options.isForced) {
      throw new BackupError(
        `${options.dataDir} is not empty: restoring would replace that database. Use --force to restore ` +
          "anyway (the current data dir is kept beside it), or point DATA_DIR at an empty directory.",
      );
    }
    await assertNotInUse(options.dataDir);
    setAside = `${options.dataDir}.before-restore-${new Date().toISOString().replace(/[:.]/g, "-")}`;
    await rename(options.dataDir, setAside);
  }
  await mkdir(options.dataDir, { recursive: true });
  const pglite = await PGlite.create(options.dataDir, {
    extensions: { pg_trgm },
    loadDataDir: new Blob([archive]),
  }).catch((error: unknown) => {
    throw new BackupError(`${options.file} is not a Handoff backup (${String(error)}).`);
  });
  try {
    return { ...(await summarise(pglite)), setAside };
  } finally {
    await pglite.close();
  }
}
