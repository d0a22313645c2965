// `handoff login`: asks for the server and a personal API token (made in the web app under Account
// → API tokens), checks them with the server, and saves them for the other commands.
import { createInterface } from "node:readline/promises";
import { Writable } from "node:stream";
import { createApiClient } from "../api-client.ts";
import { serverUrl, UsageError } from "../config.ts";
import type { Output } from "../output.ts";
import { saveLogin } from "../saved-login.ts";

/** Asks on stderr (stdout stays the command's answer); the token is not echoed on a terminal. */
async function ask(question: string, options: { isSecret: boolean }): Promise<string> {
  let isMuted = false;
  const echo = new Writable({
    write(chunk, _encoding, callback) {
      if (!isMuted) process.stderr.write(chunk);
      callback();
    },
  });
  const prompt = createInterface({
    input: process.stdin,
    output: echo,
    terminal: process.stdin.isTTY === true,
  });
  try {
    const answer = prompt.question(question);
    isMuted = options.isSecret && process.stdin.isTTY === true;
    const text = await answer;
    if (isMuted) process.stderr.write("\n");
    return text.trim();
  } finally {
    prompt.close();
  }
}

export async function login(
  out: Output,
  configDir: string,
  given: { url: string | undefined },
): Promise<void> {
  const url = serverUrl(
    given.url ?? (await ask("Handoff server (e.g. https://handoff.example.com): ", { isSecret: false })),
  );
  const token = await ask("Personal API token (hnd_…, from Account → API tokens): ", { isSecret: true });
  if (!token) throw new UsageError("No token given: make one in the web app under Account → API tokens.");
  const { client, close } = createApiClient({ url, token });
  try {
    const me = await client.auth.me.query();
    const file = await saveLogin(configDir, { url, token });
    if (out.isJson) return out.json({ url, user: me, savedTo: file });
    out.line(`Signed in to ${url} as ${me.name} (${me.role}, ${me.account.name}).`);
    out.line(out.paint("dim", `Saved to ${file} (readable by you only).`));
  } finally {
    await close();
  }
}
