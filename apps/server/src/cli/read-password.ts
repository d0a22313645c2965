// A password for a command: read from stdin when it is piped (automation, a secrets file), else asked
// for twice at a prompt that does not echo it. Never printed or logged.
import { CliError } from "./cli-error.ts";

export async function readPassword(who: string): Promise<string> {
  if (!process.stdin.isTTY) return readPiped();
  const first = await askHidden(`Password for ${who}: `);
  const again = await askHidden("The same password again: ");
  if (first !== again) throw new CliError("The two passwords differ; nothing was changed.");
  return first;
}

async function readPiped(): Promise<string> {
  let text = "";
  for await (const chunk of process.stdin) text += String(chunk);
  // `echo`, `printf '%s\n'` and most secrets files end the line; the password does not include it.
  return text.replace(/\r?\n$/, "");
}

const ENTER = new Set(["\r", "\n"]);
const CTRL_C = "\u0003";
const BACKSPACE = new Set(["\u007f", "\b"]);

function askHidden(question: string): Promise<string> {
  const { stdin, stdout } = process;
  return new Promise((resolve, reject) => {
    let typed = "";
    const finish = (error?: Error) => {
      stdin.off("data", onData);
      stdin.setRawMode(false);
      stdin.pause();
      stdout.write("\n");
      if (error) reject(error);
      else resolve(typed);
    };
    // In raw mode the terminal echoes nothing and hands over each key as it is pressed.
    const onData = (chunk: string) => {
      for (const key of chunk) {
        if (ENTER.has(key)) return finish();
        if (key === CTRL_C) return finish(new CliError("Cancelled; nothing was changed."));
        typed = BACKSPACE.has(key) ? typed.slice(0, -1) : typed + key;
      }
    };
    // Echo goes off before the question shows, so nothing typed after it ever appears.
    stdin.setRawMode(true);
    stdin.setEncoding("utf8");
    stdin.on("data", onData);
    stdin.resume();
    stdout.write(question);
  });
}
