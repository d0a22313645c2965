// The CLI's configuration, from its environment, read here and nowhere else (checked by hand: the
// CLI does not bundle zod): where its config file lives, whether to colour, and the server and
// token a script may give instead of `handoff login`.
import { homedir } from "node:os";
import path from "node:path";

export type TCliEnvironment = {
  /** $XDG_CONFIG_HOME/handoff, ~/.config/handoff, or %APPDATA%\handoff on Windows. */
  configDir: string;
  /** HANDOFF_URL and HANDOFF_TOKEN: both, or neither (then the saved login is used). */
  login: { url: string; token: string } | null;
  /** NO_COLOR (https://no-color.org) or FORCE_COLOR. */
  colour: "auto" | "never" | "always";
};

type TEnv = Record<string, string | undefined>;

function configDirOf(env: TEnv, platform: NodeJS.Platform): string {
  if (platform === "win32")
    return path.join(env.APPDATA || path.join(homedir(), "AppData", "Roaming"), "handoff");
  const base = env.XDG_CONFIG_HOME && path.isAbsolute(env.XDG_CONFIG_HOME) ? env.XDG_CONFIG_HOME : null;
  return path.join(base ?? path.join(homedir(), ".config"), "handoff");
}

export function readEnvironment(env: TEnv = process.env, platform = process.platform): TCliEnvironment {
  const url = env.HANDOFF_URL || null;
  const token = env.HANDOFF_TOKEN || null;
  if ((url === null) !== (token === null))
    throw new UsageError(
      "Set both HANDOFF_URL and HANDOFF_TOKEN, or neither (then handoff login's are used).",
    );
  return {
    configDir: configDirOf(env, platform),
    login: url && token ? { url: serverUrl(url), token } : null,
    colour: env.NO_COLOR ? "never" : env.FORCE_COLOR ? "always" : "auto",
  };
}

/** A server's base URL as typed ("handoff.example.com/", "http://127.0.0.1:3000"), checked and tidied. */
export function serverUrl(typed: string): string {
  const withScheme = /^https?:\/\//i.test(typed.trim()) ? typed.trim() : `https://${typed.trim()}`;
  let url: URL;
  try {
    url = new URL(withScheme);
  } catch {
    throw new UsageError(`"${typed}" is not a server address: try https://handoff.example.com.`);
  }
  return url.origin + url.pathname.replace(/\/+$/, "");
}

/** Wrong use of the CLI: the message says what to type instead; the exit code is 2. */
export class UsageError extends Error {
  override readonly name = "UsageError";
}
