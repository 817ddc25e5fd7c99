/**
 * A stage's refusal: the run ends here, with these diagnostics and this exit. Stages return it
 * instead of throwing, so that `runCommand` reads as one call per stage.
 */
import { CrossformError } from "../../core/errors.ts";
import type { Diagnostic } from "../../core/errors.ts";
import type { ExitName } from "../../core/exit-codes.ts";

/** Why the run ends before (or instead of) its next stage. */
export interface Stop {
  readonly kind: "stop";
  readonly exit: ExitName;
  readonly diagnostics: readonly Diagnostic[];
}

/** A stop with these diagnostics. */
export function stop(exit: ExitName, diagnostics: readonly Diagnostic[]): Stop {
  return { kind: "stop", exit, diagnostics };
}

/** A stop for bad input (exit 2): one error with its hint. */
export function badInput(code: string, message: string, hint?: string): Stop {
  return stop("bad-input", [
    { severity: "error", code, message, ...(hint !== undefined ? { hint } : {}) },
  ]);
}

/** Whether a stage's result is a stop. */
export function isStop(value: unknown): value is Stop {
  return (
    typeof value === "object" && value !== null && (value as { kind?: unknown }).kind === "stop"
  );
}

/** The value of `work`, or a bad-input stop when it rejects with a user error. */
export async function orStop<T>(work: Promise<T>): Promise<T | Stop> {
  try {
    return await work;
  } catch (error) {
    if (error instanceof CrossformError && error.source === "user")
      return badInput(error.code, error.message, error.hint);
    throw error;
  }
}
