// The step between a right password and a login when a second factor is owed: a short-lived,
// single-use challenge the browser holds in memory (no session cookie exists yet). Only the
// token's sha256 is stored; an expired, used or unknown token gets the same answer.
import { createHash, randomBytes } from "node:crypto";
import type { Prisma, PrismaClient } from "@handoff/db";
import { AppError } from "../../../domain/app-error.ts";

/** "second_factor": a code is owed; "enrolment": the account requires two-factor and the user has none. */
export type TChallengePurpose = "second_factor" | "enrolment";

/** Long enough to find the phone, or to scan a QR code and type the first code. */
export const CHALLENGE_TTL_MS = 10 * 60 * 1000;

const hashChallengeToken = (token: string) => createHash("sha256").update(`challenge:${token}`).digest("hex");

const CHALLENGE_NOT_VALID = "This sign-in has expired or was already completed. Sign in again.";

export type TIssuedChallenge = { token: string; purpose: TChallengePurpose; expiresAt: Date };

export async function issueChallenge(
  db: Pick<Prisma.TransactionClient, "signInChallenge">,
  userId: string,
  purpose: TChallengePurpose,
): Promise<TIssuedChallenge> {
  const token = randomBytes(32).toString("base64url");
  const expiresAt = new Date(Date.now() + CHALLENGE_TTL_MS);
  await db.signInChallenge.create({
    data: { tokenHash: hashChallengeToken(token), userId, purpose, expiresAt },
  });
  return { token, purpose, expiresAt };
}

const challengeInclude = {
  user: { include: { account: true } },
} as const satisfies Prisma.SignInChallengeInclude;
export type TOpenChallenge = Prisma.SignInChallengeGetPayload<{ include: typeof challengeInclude }>;

/** The open challenge behind a token, for the purpose asked; UNAUTHORIZED otherwise. */
export async function openChallenge(
  prisma: PrismaClient,
  token: string,
  purpose: TChallengePurpose,
): Promise<TOpenChallenge> {
  const challenge = await prisma.signInChallenge.findUnique({
    where: { tokenHash: hashChallengeToken(token) },
    include: challengeInclude,
  });
  const isOpen =
    challenge &&
    challenge.purpose === purpose &&
    challenge.completedAt === null &&
    challenge.expiresAt > new Date() &&
    challenge.user.active &&
    challenge.user.deletedAt === null;
  if (!isOpen) throw new AppError("UNAUTHORIZED", CHALLENGE_NOT_VALID);
  return challenge;
}

/** Marks it used, once: of two completions at the same moment only one wins. */
export async function completeChallenge(
  tx: Pick<Prisma.TransactionClient, "signInChallenge">,
  challengeId: string,
): Promise<void> {
  const { count } = await tx.signInChallenge.updateMany({
    where: { id: challengeId, completedAt: null, expiresAt: { gt: new Date() } },
    data: { completedAt: new Date() },
  });
  if (count === 0) throw new AppError("UNAUTHORIZED", CHALLENGE_NOT_VALID);
}
