/**
 * Terraform arguments the operator hands through crossform (after `--`): how a word reads as a
 * flag, and the flags that would break crossform's guarantees (one state per unit in its account's
 * bucket, the unit's own directories, the generated account wiring, the state lock), each with
 * the reason it is refused. The run commands' allow-list (`pass-through.ts`) and `crossform exec`
 * (`exec-request.ts`) both refuse these, with the same words.
 */

/** A word that is a flag: `-name`, `-name=value`, `--name=value`. */
export interface TerraformFlag {
  /** The name without dashes: `target`, `var`, `lock`. */
  name: string;
  /** What follows `=`; undefined for `-name` alone. */
  value: string | undefined;
}

/** The flag a word is, or undefined for a word that is not a flag (a positional argument). */
export function flagOf(word: string): TerraformFlag | undefined {
  const match = /^--?([A-Za-z][A-Za-z0-9_-]*)(?:=(.*))?$/s.exec(word);
  if (!match) return undefined;
  return { name: match[1] as string, value: match[2] };
}

/** crossform's own variables: the unit's account, role, region and session. */
export const CROSSFORM_VARIABLE_PREFIX = "crossform_";

/** Why each flag that would break a guarantee is refused, by flag name. */
export const GUARANTEE_FLAGS: Readonly<Record<string, string>> = {
  state:
    "it reads or writes a local state file instead of the unit's state in its account's bucket (one unit, one state)",
  "state-out":
    "it writes a local state file instead of the unit's state in its account's bucket (one unit, one state)",
  backup:
    "it writes a copy of the state next to the unit's files; the unit's bucket keeps every version of its state",
  lock: "without the state lock two runs could write one state at once; to wait for a held lock pass --lock-timeout to crossform",
  "lock-timeout": "crossform passes its own --lock-timeout (default run.lock_timeout)",
  chdir:
    "each unit runs in its own working directory with its own data directory (docs/contract.md section 4)",
  "backend-config":
    "the unit's backend comes from its generated backends file; another one could reach another account's state",
  backend:
    "the unit's backend comes from its generated backends file; another one could reach another account's state",
  reconfigure: "crossform initialises each unit itself, against its own backend",
  "migrate-state":
    "crossform never migrates state: a unit's data directory holds only that unit's backend",
  "force-copy":
    "crossform never migrates state: a unit's data directory holds only that unit's backend",
  "var-file":
    "a variables file can set the crossform_* variables that pin the unit to its account, role and region; pass single -var=NAME=VALUE instead",
  config:
    "it loads another configuration directory, without the unit's generated provider and its allowed_account_ids",
  "plugin-dir": "providers come from the stack's lock file through the shared plugin cache",
};

/** The reason a `-var` value is refused, or undefined: crossform_* variables are not the operator's. */
export function refusedVariable(assignment: string): string | undefined {
  const name = assignment.split("=", 1)[0] ?? "";
  if (!name.startsWith(CROSSFORM_VARIABLE_PREFIX)) return undefined;
  return `${name} wires the unit to its account, role and region; it comes from the unit's generated targets file, never from the command line`;
}

/** A `-var` assignment split into its name and value; undefined without `=`. */
export function variableAssignment(
  assignment: string,
): { name: string; value: string } | undefined {
  const at = assignment.indexOf("=");
  if (at <= 0) return undefined;
  return { name: assignment.slice(0, at), value: assignment.slice(at + 1) };
}

/** How a `-var` is shown in records and reports: its name only, never its value. */
export function shownVariable(name: string): string {
  return `-var=${name}=…`;
}
