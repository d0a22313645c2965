// Password hashing for logins: argon2id in PHC string form. Never logs or returns a plain password.
import { type Algorithm, hash, verify } from "@node-rs/argon2";

// Algorithm is an ambient const enum, which isolated modules cannot read; 2 is its Argon2id.
const ARGON2ID = 2 satisfies Algorithm;

export function hashPassword(plain: string): Promise<string> {
  return hash(plain, { algorithm: ARGON2ID });
}

/** False for a wrong password and for a stored hash that is not a valid argon2 string. */
export async function verifyPassword(passwordHash: string, plain: string): Promise<boolean> {
  try {
    return await verify(passwordHash, plain);
  } catch {
    return false;
  }
}
