// The CLI's view of the one schema at the repo root. Only `prisma generate` is used here:
// migrations are applied by our own migrator (src/migrator.ts).
import { defineConfig } from "prisma/config";

export default defineConfig({
  schema: "../../prisma/schema.prisma",
  migrations: { path: "../../prisma/migrations" },
});
