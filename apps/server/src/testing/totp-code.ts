// TOTP codes as an authenticator app computes them (otplib), for tests that sign in with two
// factors: step 0 is the current code, step 1 the next one (accepted too, for clock drift), so a
// test can use several codes without waiting for time to pass.
import { generate } from "otplib";

const STEP_SECONDS = 30;

export function totpCodeAt(secret: string, stepsAhead: number): Promise<string> {
  return generate({ secret, epoch: Math.floor(Date.now() / 1000) + stepsAhead * STEP_SECONDS });
}
