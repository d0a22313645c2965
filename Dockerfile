# syntax=docker/dockerfile:1
# Handoff's image: the production build (web bundle + the server compiled into one file) with only
# production dependencies, run by plain Node as a non-root user. compose.yaml runs two of these
# behind Caddy; docs/deploy.md says what to set.

FROM node:22-bookworm-slim AS pnpm
# The same pnpm as package.json's packageManager (the deploy-files test keeps them equal).
RUN npm install --global pnpm@10.34.9 && npm cache clean --force
ENV CI=true TURBO_TELEMETRY_DISABLED=1
WORKDIR /app

FROM pnpm AS build
COPY . .
RUN --mount=type=cache,id=pnpm-store,target=/pnpm/store pnpm install --frozen-lockfile --store-dir /pnpm/store
RUN pnpm build

# Production dependencies alone, installed from the same lockfile. apps/server/dist/main.js imports
# the few packages it does not bundle (PGlite, Prisma's runtime, pino, argon2) by their path under
# node_modules/.pnpm, which a workspace install from this lockfile lays out exactly as the build
# saw it (a `pnpm deploy` folder lays packages out anew, and those paths would not resolve).
# Every workspace package's manifest is listed, and every patch (the deploy-files test checks none
# is missing).
FROM pnpm AS prod-deps
COPY package.json pnpm-lock.yaml pnpm-workspace.yaml .npmrc ./
COPY apps/cli/package.json apps/cli/
COPY apps/server/package.json apps/server/
COPY apps/web/package.json apps/web/
COPY packages/api/package.json packages/api/
COPY packages/bus/package.json packages/bus/
COPY packages/db/package.json packages/db/
COPY packages/live/package.json packages/live/
# The patches pnpm applies to dependencies on install (pnpm-workspace.yaml, patchedDependencies).
COPY patches patches
RUN --mount=type=cache,id=pnpm-store,target=/pnpm/store \
    pnpm install --prod --frozen-lockfile --ignore-scripts --store-dir /pnpm/store

FROM node:22-bookworm-slim AS runtime
ENV NODE_ENV=production HOST=0.0.0.0 PORT=3000 DATA_DIR=/data
WORKDIR /app
# The repository layout the server needs at run time: node_modules, the migrations (applied at
# start), the web bundle it serves, and its own package.json (which makes dist/main.js a module).
COPY --from=prod-deps /app/node_modules ./node_modules
COPY --from=build /app/prisma/migrations ./prisma/migrations
COPY --from=build /app/apps/web/dist ./apps/web/dist
COPY --from=build /app/apps/server/package.json ./apps/server/package.json
COPY --from=build /app/apps/server/dist ./apps/server/dist
# The embedded database lives here when DATABASE_URL is unset: mount a volume on it.
RUN mkdir -p /data && chown node:node /data
USER node
EXPOSE 3000
HEALTHCHECK --interval=10s --timeout=3s --start-period=60s --retries=3 \
  CMD ["node", "-e", "fetch(`http://127.0.0.1:${process.env.PORT}/healthz`).then((r) => process.exit(r.ok ? 0 : 1), () => process.exit(1))"]
CMD ["node", "--enable-source-maps", "apps/server/dist/main.js"]
