/** Exit codes of every crossform command (CONTRACT.md section 6). */
export const ExitCode = {
  /** success, no changes */
  Ok: 0,
  /** ran and found problems: failed units, verify failures, lint findings, stale files, a guard refusal */
  Problems: 1,
  /** bad input, usage, a missing approval when not interactive, internal error */
  BadInput: 2,
  /** interrupted */
  Interrupted: 130,
} as const;
