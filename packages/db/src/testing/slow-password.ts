// A password hash that takes about a second to check, for tests of guesses sent at once: every guess
// then arrives while the first are still being checked, as against a busy server. At 1 MiB a check,
// forty at once cost time, not memory.
import { type Algorithm, hash } from "@node-rs/argon2";

const ARGON2ID = 2 satisfies Algorithm;

export function hashSlowToCheck(plain: string): Promise<string> {
  return hash(plain, { algorithm: ARGON2ID, memoryCost: 1024, timeCost: 1500 });
}
