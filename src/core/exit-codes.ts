/**
 * The exit codes of every crossform command, by name: the one table (docs/contract.md, "Exit
 * codes"). Use cases return a name; only the command-line shell turns it into a number.
 */
export const EXIT_CODES = {
  /** Success, no changes. */
  ok: 0,
  /**
   * Ran and found problems: failed units, verify failures, lint findings at the fail level, stale
   * generated files, a guard refusal, a run that was not confirmed.
   */
  problems: 1,
  /** `--detailed-exitcode`: changes found or pending (Terraform's convention). */
  changes: 2,
  /** Bad input, usage, a missing `--approve`/`--auto-approve` when not interactive, internal error. */
  "bad-input": 2,
  /** Interrupted (a signal). */
  interrupted: 130,
} as const;

/** The name of an exit code. */
export type ExitName = keyof typeof EXIT_CODES;

/** The number of a named exit code. */
export function exitCodeOf(name: ExitName): number {
  return EXIT_CODES[name];
}

/** The worse of two exit names: interrupted, then problems and bad input, then changes, then ok. */
export function worseExit(a: ExitName, b: ExitName): ExitName {
  const rank: Record<ExitName, number> = {
    ok: 0,
    changes: 1,
    problems: 2,
    "bad-input": 3,
    interrupted: 4,
  };
  return rank[a] >= rank[b] ? a : b;
}
