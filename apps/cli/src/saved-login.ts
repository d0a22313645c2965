// The login `handoff login` keeps: the server and a personal API token, in config.json in the OS
// config directory, readable by its owner only (0600, in a 0700 directory).
import { chmod, mkdir, readFile, writeFile } from "node:fs/promises";
import path from "node:path";
import { UsageError } from "./config.ts";

export type TSavedLogin = { url: string; token: string };

const FILE_NAME = "config.json";

export function savedLoginPath(configDir: string): string {
  return path.join(configDir, FILE_NAME);
}

export async function saveLogin(configDir: string, login: TSavedLogin): Promise<string> {
  await mkdir(configDir, { recursive: true, mode: 0o700 });
  const file = savedLoginPath(configDir);
  await writeFile(file, `${JSON.stringify(login, null, 2)}\n`, { mode: 0o600 });
  // writeFile's mode applies only to a new file: an older one, more open, is narrowed too.
  await chmod(file, 0o600);
  return file;
}

export async function readSavedLogin(configDir: string): Promise<TSavedLogin> {
  const file = savedLoginPath(configDir);
  let text: string;
  try {
    text = await readFile(file, "utf8");
  } catch {
    throw new UsageError("Not signed in: run `handoff login` (or set HANDOFF_URL and HANDOFF_TOKEN).");
  }
  const parsed = parseJson(text) as Partial<TSavedLogin> | null;
  if (typeof parsed?.url !== "string" || typeof parsed.token !== "string")
    throw new UsageError(`${file} is not a saved login: run \`handoff login\` again.`);
  return { url: parsed.url, token: parsed.token };
}

function parseJson(text: string): unknown {
  try {
    return JSON.parse(text);
  } catch {
    return null;
  }
}
