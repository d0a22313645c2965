// How the browser tests start headless Chromium: Debian's (or CHROMIUM_PATH), with what a test
// machine without a GPU or internet needs.
import type { LaunchOptions } from "playwright-core";

export const CHROMIUM_LAUNCH_OPTIONS: LaunchOptions = {
  executablePath: process.env.CHROMIUM_PATH ?? "/usr/bin/chromium",
  headless: true,
  args: [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--no-first-run",
    "--disable-quic",
  ],
};
