/** Exit codes of every crossform command, as the CLI uses them: numbers of the one named table. */
import { EXIT_CODES } from "../core/exit-codes.ts";

/** The numbers of {@link EXIT_CODES}, in the CLI's spelling. */
export const ExitCode = {
  /** success, no changes */
  Ok: EXIT_CODES.ok,
  /** ran and found problems: failed units, verify failures, lint findings, stale files, a guard refusal */
  Problems: EXIT_CODES.problems,
  /** bad input, usage, a missing approval when not interactive, internal error */
  BadInput: EXIT_CODES["bad-input"],
  /** interrupted */
  Interrupted: EXIT_CODES.interrupted,
} as const;
