// First run: while no account exists, the instance can be set up once, creating the account and its
// owner. The web page proves itself with a setup code from the server's log, the command line by
// having the database. Must never create a second first account, however many try at once.
import { hashPassword, type PrismaClient } from "@handoff/db";
import { AppError } from "../../../domain/app-error.ts";
import type { TFirstOwnerInput } from "../../../schemas/inputs.ts";
import { startAuthSession, type TAuthedViewer } from "../auth-service.ts";
import { isIssuedSetupCode, withdrawSetupCodes } from "./setup-code.ts";
import type { SetupThrottle } from "./setup-throttle.ts";

/** Serialises setups (an advisory lock key of its own: the demo seed uses 4_826_301, the migrator another). */
const SETUP_LOCK_KEY = 4_826_302;

const ALREADY_SET_UP = "Handoff is already set up: sign in, or ask your admin for an invitation.";
const WRONG_CODE = 'That setup code is not right. Copy it from the server\'s log (the line "Setup code: …").';

export async function isSetupNeeded(prisma: PrismaClient): Promise<boolean> {
  return (await prisma.account.findFirst({ select: { id: true } })) === null;
}

/**
 * Creates the account and its owner, once. `setupCode` null: the caller has the database itself (the
 * command line). Setups are serialised by an advisory lock, and each checks that no account exists
 * under it, so of two at once the second finds the first's account and is refused.
 */
export async function createFirstOwner(
  prisma: PrismaClient,
  owner: TFirstOwnerInput,
  setupCode: string | null,
): Promise<{ accountId: string; userId: string }> {
  const passwordHash = await hashPassword(owner.password);
  return prisma.$transaction(async (tx) => {
    await tx.$executeRaw`SELECT pg_advisory_xact_lock(${SETUP_LOCK_KEY})`;
    if (await tx.account.findFirst({ select: { id: true } })) throw new AppError("CONFLICT", ALREADY_SET_UP);
    if (setupCode !== null && !(await isIssuedSetupCode(tx, setupCode))) {
      throw new AppError("FORBIDDEN", WRONG_CODE);
    }
    const account = await tx.account.create({ data: { name: owner.accountName } });
    const user = await tx.user.create({
      data: {
        accountId: account.id,
        email: owner.email,
        name: owner.name,
        role: "OWNER",
        passwordHash,
      },
    });
    await withdrawSetupCodes(tx);
    return { accountId: account.id, userId: user.id };
  });
}

/** The setup page: the code is checked under the throttle, and the new owner is signed in. */
export async function completeSetup(
  deps: { prisma: PrismaClient; setupThrottle: SetupThrottle; authSessionTtlMs: number },
  input: TFirstOwnerInput & { code: string },
): Promise<{ viewer: TAuthedViewer; token: string; expiresAt: Date }> {
  const { code, ...owner } = input;
  const { userId } = await deps.setupThrottle.guard(
    () => createFirstOwner(deps.prisma, owner, code),
    (error) => error instanceof AppError && error.code === "FORBIDDEN",
  );
  return startAuthSession(deps, userId);
}
