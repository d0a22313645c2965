// Reads a Dockerfile into its stages and instructions, for tests that check it or carry out what
// they can of it without a container engine.

export type TInstruction = { keyword: string; args: string };
export type TStage = { name: string | null; instructions: TInstruction[] };

/** Continuation lines joined, comments dropped, grouped by FROM; the keyword upper-cased. */
export function readDockerfile(text: string): TStage[] {
  const lines = text
    .replace(/\\\n/g, " ")
    .split("\n")
    .map((line) => line.trim())
    .filter((line) => line !== "" && !line.startsWith("#"));
  const stages: TStage[] = [];
  for (const line of lines) {
    const [, keyword = "", args = ""] = /^(\S+)\s*(.*)$/.exec(line) ?? [];
    if (keyword.toUpperCase() === "FROM") {
      stages.push({ name: / AS (\S+)$/i.exec(args)?.[1] ?? null, instructions: [] });
    } else {
      stages.at(-1)?.instructions.push({ keyword: keyword.toUpperCase(), args: args.replace(/\s+/g, " ") });
    }
  }
  return stages;
}

export function stageNamed(stages: TStage[], name: string): TStage {
  const stage = stages.find((candidate) => candidate.name === name);
  if (!stage) throw new Error(`the Dockerfile has no stage named ${name}`);
  return stage;
}

export const argsOf = (stage: TStage, keyword: string) =>
  stage.instructions
    .filter((instruction) => instruction.keyword === keyword)
    .map((instruction) => instruction.args);

/** `ENV A=1 B=2` lines as one map (values without spaces, as this Dockerfile writes them). */
export function envOf(stage: TStage): Record<string, string> {
  return Object.fromEntries(
    argsOf(stage, "ENV").flatMap((args) =>
      args.split(" ").map((pair) => [pair.slice(0, pair.indexOf("=")), pair.slice(pair.indexOf("=") + 1)]),
    ),
  );
}

/** A COPY's flags (`--from=build`), sources and destination. */
export function parseCopy(args: string): { from: string | null; sources: string[]; destination: string } {
  const words = args.split(" ");
  const flags = words.filter((word) => word.startsWith("--"));
  const paths = words.filter((word) => !word.startsWith("--"));
  const from = flags.find((flag) => flag.startsWith("--from="))?.slice("--from=".length) ?? null;
  return { from, sources: paths.slice(0, -1), destination: paths.at(-1) ?? "" };
}
