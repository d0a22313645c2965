// What the CLI's bundle may hold from the server side: AppRouter's type is erased, so only the
// modules behind @handoff/api/client-contract and tRPC's client-side core may appear. Used by build.mjs.

/** The API package's modules behind @handoff/api/client-contract and client-links (zod-free, no server code). */
const ALLOWED_API_MODULES = /packages\/api\/src\/(client-contract\.ts|client-links\.ts|shared\/[\w-]+\.ts)$/;
const SERVER_SIDE = [
  /packages\/(db|bus)\//,
  /apps\/server\//,
  /node_modules\/(\.pnpm\/)?(zod|@prisma|prisma|pg|ioredis|@electric-sql)[@+/]/,
  /@trpc\/server\/dist\/adapters\//,
];

/** The server-side modules among a bundle's inputs, if any: each is a bug in the CLI's imports. */
export function serverModulesIn(inputs) {
  return inputs.filter(
    (input) =>
      (input.includes("packages/api/") && !ALLOWED_API_MODULES.test(input)) ||
      SERVER_SIDE.some((pattern) => pattern.test(input)),
  );
}
