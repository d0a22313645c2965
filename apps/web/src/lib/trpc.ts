// The typed tRPC React hooks. Only the router's *type* is imported: no server code is bundled.
import type { AppRouter } from "@handoff/api";
import { createTRPCReact } from "@trpc/react-query";

export const trpc = createTRPCReact<AppRouter>();
