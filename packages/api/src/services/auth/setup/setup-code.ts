// Setup codes: the one-time secret that proves a first-run visitor can read this server's log. Each
// process that starts while no account exists issues one; only its sha256 is stored (so a code works
// on every replica behind a load balancer), and a typed code is compared in constant time.
import { createHash, randomInt, timingSafeEqual } from "node:crypto";
import type { Prisma, PrismaClient } from "@handoff/db";

/** No 0/O, 1/I/L: a code is read off a log and typed by hand. 31 symbols, about 5 bits each. */
const ALPHABET = "ABCDEFGHJKMNPQRSTUVWXYZ23456789";
/** 10 symbols, about 49 bits: out of reach of guessing at the throttle's pace (setup-throttle.ts). */
const CODE_LENGTH = 10;

function hashOf(code: string): Buffer {
  return createHash("sha256").update(code).digest();
}

/** What people type: any case, with or without the dash and spaces the log shows. */
function normalise(typed: string): string {
  return typed.toUpperCase().replace(/[\s-]/g, "");
}

/** Shown in two halves, "ABCDE-FGHJK", which are easier to copy by eye. */
function display(code: string): string {
  const half = CODE_LENGTH / 2;
  return `${code.slice(0, half)}-${code.slice(half)}`;
}

/**
 * A new code for this process while the instance has no account (null once it has one). Codes of
 * earlier starts stay valid until the first account exists: another replica may have printed one.
 */
export async function issueSetupCode(prisma: PrismaClient): Promise<string | null> {
  if (await prisma.account.findFirst({ select: { id: true } })) return null;
  const code = Array.from({ length: CODE_LENGTH }, () => ALPHABET[randomInt(ALPHABET.length)]).join("");
  await prisma.setupCode.create({ data: { codeHash: hashOf(code).toString("hex") } });
  return display(code);
}

/** Whether `typed` is one of the issued codes; every stored code is compared, each in constant time. */
export async function isIssuedSetupCode(tx: Prisma.TransactionClient, typed: string): Promise<boolean> {
  const typedHash = hashOf(normalise(typed));
  const issued = await tx.setupCode.findMany({ select: { codeHash: true } });
  let isMatch = false;
  for (const { codeHash } of issued) {
    isMatch = timingSafeEqual(typedHash, Buffer.from(codeHash, "hex")) || isMatch;
  }
  return isMatch;
}

/** Every code stops working: called in the transaction that creates the first account. */
export async function withdrawSetupCodes(tx: Prisma.TransactionClient): Promise<void> {
  await tx.setupCode.deleteMany({});
}
