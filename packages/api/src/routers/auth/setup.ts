import { ZSetupInput } from "../../schemas/inputs.ts";
import { completeSetup, isSetupNeeded } from "../../services/auth/setup/first-owner.ts";
import { publicProcedure, router } from "../../trpc.ts";
import { signedIn } from "./auth.ts";

/** First run: whether this instance still needs its first account, and creating it with a setup code. */
export const setupRouter = router({
  status: publicProcedure.query(async ({ ctx }) => ({ isSetupNeeded: await isSetupNeeded(ctx.deps.prisma) })),

  /** Creates the account and its owner and signs the owner in; refused once an account exists. */
  complete: publicProcedure.input(ZSetupInput).mutation(async ({ ctx, input }) => {
    const { mode, ...setup } = input;
    return signedIn(ctx, await completeSetup(ctx.deps, setup), mode);
  }),
});
