/**
 * `{name}` placeholders in state patterns and session names (docs/contract.md section 1). An unknown
 * placeholder is an error, found when the configuration is loaded, not when a unit runs.
 */

/** Placeholders of state bucket and key patterns. */
export const STATE_PLACEHOLDERS = [
  "account",
  "account_id",
  "region",
  "stack",
  "tier",
  "state_account_id",
] as const;

/** Placeholders of `session.name`. */
export const SESSION_PLACEHOLDERS = ["user", "account", "stack"] as const;

const PATTERN = /\{([^{}]*)\}/g;

/** Names of the placeholders used in a pattern, in order of appearance. */
export function placeholdersIn(pattern: string): string[] {
  return [...pattern.matchAll(PATTERN)].map((m) => m[1] ?? "");
}

/** The placeholders of `pattern` that are not in `allowed`. */
export function unknownPlaceholders(pattern: string, allowed: readonly string[]): string[] {
  return placeholdersIn(pattern).filter((name) => !allowed.includes(name));
}

/** Replaces every `{name}` with its value; unknown names are left as they are (validated earlier). */
export function renderPattern(pattern: string, values: Record<string, string>): string {
  return pattern.replace(PATTERN, (whole, name: string) => values[name] ?? whole);
}
