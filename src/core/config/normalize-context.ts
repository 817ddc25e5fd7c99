/**
 * What every section of normalization shares: the configuration's locator and the errors found so
 * far. Each section reports through `error` and goes on, so that one run shows every problem.
 */
import type { Diagnostic } from "../errors.ts";
import type { ConfigLocator, ConfigPath } from "./parse-config.ts";

/** The shared state of one normalization. */
export interface NormalizeContext {
  /** Records an error at `path` (`key`: at the key, not its value). */
  error(code: string, path: ConfigPath, message: string, hint: string, key?: boolean): void;
  /** The errors so far. */
  readonly errors: Diagnostic[];
}

/** A context whose errors carry positions from `locator`. */
export function normalizeContext(locator: ConfigLocator): NormalizeContext {
  const errors: Diagnostic[] = [];
  return {
    errors,
    error(code, path, message, hint, key = false) {
      errors.push({
        severity: "error",
        code,
        message,
        hint,
        position: locator.positionOf(path, { key }),
      });
    },
  };
}

/** The hint that lists the names a configuration has, or suggests the one meant. */
export function namesHint(
  suggestion: string | undefined,
  what: string,
  names: readonly string[],
): string {
  return suggestion ? `did you mean "${suggestion}"?` : `configured ${what}: ${names.join(", ")}`;
}
