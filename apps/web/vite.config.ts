// Vite config: builds the app into dist/ (served by apps/server) and, in dev, proxies the API
// (HTTP and WebSocket on /trpc) to the server so the browser sees one origin.
import react from "@vitejs/plugin-react";
import { defineConfig } from "vite";

const apiTarget = process.env.HANDOFF_API_URL ?? "http://127.0.0.1:3000";

export default defineConfig({
  plugins: [react()],
  build: { outDir: "dist", emptyOutDir: true, sourcemap: true },
  server: {
    port: 5173,
    proxy: {
      "/trpc": { target: apiTarget, ws: true, changeOrigin: false },
    },
  },
});
