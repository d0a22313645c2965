// Two-factor helpers for integration tests: codes as an authenticator app computes them, set-up
// through the API, and a call's tRPC error code.
import { type TestClient, totpCodeAt } from "../../src/testing/index.ts";

/** Turns two-factor on for the signed-in client with the current step's code. */
export async function enrolTwoFactor(
  client: TestClient,
): Promise<{ secret: string; recoveryCodes: string[] }> {
  const { secret } = await client.twoFactor.begin();
  const { recoveryCodes } = await client.twoFactor.confirm({ code: await totpCodeAt(secret, 0) });
  return { secret, recoveryCodes };
}

/** A rejected call's tRPC code ("OK" when it succeeded). */
export function codeOf(promise: Promise<unknown>): Promise<string | undefined> {
  return promise.then(
    () => "OK",
    (error: { data?: { code?: string } }) => error.data?.code,
  );
}
