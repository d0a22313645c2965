// Vite config: builds the app into dist/ (served by apps/server) and, in dev, proxies the API
// (HTTP and WebSocket on /trpc) to the server so the browser sees one origin.
import react from "@vitejs/plugin-react";
import { defineConfig } from "vite";
import { compression } from "vite-plugin-compression2";
import { bundleReport } from "./build/bundle-report.ts";

// `pnpm dev` passes the environment through (turbo.json): the server's PORT, and this server's own.
const apiTarget = process.env.HANDOFF_API_URL ?? `http://127.0.0.1:${process.env.PORT ?? 3000}`;
const devPort = Number(process.env.WEB_DEV_PORT ?? 5173);

export default defineConfig({
  plugins: [
    react(),
    // A .br and a .gz beside each script, style sheet, page and icon, which the server sends to a
    // browser that takes one (apps/server/src/http/static-web.ts): compressed once, at build time.
    compression({ algorithms: ["brotliCompress", "gzip"] }),
    bundleReport(),
  ],
  build: {
    outDir: "dist",
    emptyOutDir: true,
    // Maps are written for error tools but not linked from the bundle, so browsers never fetch them.
    sourcemap: "hidden",
    // Every browser the app supports preloads modules itself: no polyfill in the first load.
    modulePreload: { polyfill: false },
    rolldownOptions: {
      output: {
        // Libraries change less often than the app: their own chunk stays cached across releases.
        codeSplitting: { groups: [{ name: "vendor", test: /[\\/]node_modules[\\/]/ }] },
      },
    },
  },
  server: {
    port: devPort,
    strictPort: true,
    proxy: {
      "/trpc": { target: apiTarget, ws: true, changeOrigin: false },
      // Single sign-on's start (the login page's form) and the provider's way back.
      "/auth/sso": { target: apiTarget, changeOrigin: false },
    },
  },
});
