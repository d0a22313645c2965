/** A problem the person at the terminal can fix: printed as it is, without a stack, exit code 1. */
export class CliError extends Error {
  override name = "CliError";
}
