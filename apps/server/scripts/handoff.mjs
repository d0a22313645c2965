// `pnpm handoff <command>`: the operator's commands (src/cli.ts), run from source with tsx.
import { register } from "tsx/esm/api";

register();
await import("../src/cli.ts");
