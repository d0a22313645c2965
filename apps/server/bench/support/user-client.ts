// Requests made as the engineer and the senior tech, from their own process (see
// user-client-process.ts); each answer comes with how long the request took there.
import { fork } from "node:child_process";
import { fileURLToPath } from "node:url";

const ENTRY = fileURLToPath(new URL("./user-client-process.ts", import.meta.url));

export type TUserTokens = { engineer: string; senior: string };
/** `tokens`: whose requests these are, when not the tokens the client was started with. */
export type TUserCall = (
  | { op: "createSession"; index: number }
  | { op: "escalate"; sessionId: string }
  | { op: "claim"; handoffId: string }
) & { tokens?: TUserTokens };
export type TUserReply = { id: number; value: string; ms: number } | { id: number; error: string };

export type UserClient = {
  /** The call's result (a session or handoff id) and how long its request took. */
  call(call: TUserCall): Promise<{ value: string; ms: number }>;
  stop(): void;
};

export async function startUserClient(baseUrl: string, tokens: TUserTokens): Promise<UserClient> {
  const child = fork(ENTRY, [], {
    env: { ...process.env, BASE_URL: baseUrl, ENGINEER_TOKEN: tokens.engineer, SENIOR_TOKEN: tokens.senior },
    execArgv: ["--import", "tsx"],
    stdio: ["ignore", "inherit", "inherit", "ipc"],
  });
  const pending = new Map<number, (reply: TUserReply) => void>();
  await new Promise<void>((resolve) => child.once("message", () => resolve()));
  child.on("message", (reply: TUserReply) => {
    pending.get(reply.id)?.(reply);
    pending.delete(reply.id);
  });
  let lastId = 0;
  return {
    call(call) {
      const id = ++lastId;
      return new Promise((resolve, reject) => {
        pending.set(id, (reply) => {
          if ("error" in reply) reject(new Error(`${call.op}: ${reply.error}`));
          else resolve(reply);
        });
        child.send({ id, call });
      });
    },
    stop: () => child.kill("SIGTERM"),
  };
}
