// Unit and component tests: jsdom, everything under src/.
import react from "@vitejs/plugin-react";
import { defineConfig } from "vitest/config";

export default defineConfig({
  plugins: [react()],
  test: {
    environment: "jsdom",
    include: ["src/**/*.test.{ts,tsx}"],
    setupFiles: ["./src/test-setup.ts"],
    // Generous: the suite shares 2 cores with the server and browser tests.
    testTimeout: 30_000,
  },
});
