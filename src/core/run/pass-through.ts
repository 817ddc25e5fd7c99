/**
 * The terraform flags `plan`, `apply` and `destroy` pass to each unit's plan (the words after
 * `--`), checked against an allow-list (docs/commands/run.md, "Passing flags to terraform"):
 * `-target`, `-replace`, `-var`, `-parallelism`, `-refresh`. Everything else is refused with the
 * reason, the flags that would break a guarantee with theirs (`terraform-flags.ts`). What is
 * allowed is recorded in each saved plan's binding, so that a saved plan is never applied with
 * other flags.
 */
import { flagOf, GUARANTEE_FLAGS, refusedVariable, shownVariable } from "./terraform-flags.ts";
import { variableAssignment } from "./terraform-flags.ts";

/** The commands that take pass-through flags. */
export type PassThroughCommand = "plan" | "apply" | "destroy";

/** Flags a unit's plan gets from the command line. */
export interface PassThrough {
  /** The flags as terraform gets them, in the `-name=value` form. */
  args: string[];
  /** The same for records and reports: `-var` values left out (`-var=name=…`). */
  shown: string[];
  /** The `-var` assignments, by variable name (the last wins, as in terraform). */
  vars: Record<string, string>;
}

/** No pass-through flags. */
export const NO_PASS_THROUGH: PassThrough = { args: [], shown: [], vars: {} };

/** A refused pass-through: what and why, and what to do instead. */
export interface PassThroughRefusal {
  message: string;
  hint: string;
}

/** The allowed flags and what each takes. */
const ALLOWED: Readonly<Record<string, { value: "address" | "assignment" | "count" | "bool" }>> = {
  target: { value: "address" },
  replace: { value: "address" },
  var: { value: "assignment" },
  parallelism: { value: "count" },
  refresh: { value: "bool" },
};

/** Flags that are no operator's business here, with the crossform way. */
const CROSSFORM_OWNS: Readonly<Record<string, string>> = {
  out: "crossform saves each unit's plan in its run record (apply --run applies it)",
  destroy: "use crossform destroy",
  "refresh-only": "use crossform drift",
  "auto-approve": "crossform confirms itself: --auto-approve and --approve",
  input: "crossform runs terraform without input",
  "detailed-exitcode": "pass --detailed-exitcode to crossform",
  "no-color": "crossform reads terraform's output without colors already",
  json: "crossform reads terraform's output itself; use --format json for a JSON report",
};

const HINT = `allowed after --: -target=ADDR, -replace=ADDR, -var=NAME=VALUE, -parallelism=N, -refresh=false (docs/commands/run.md)`;

/** The allowed name of a flag word, or the refusal. */
function refusalOf(name: string, command: PassThroughCommand): string | undefined {
  const guarantee = GUARANTEE_FLAGS[name];
  if (guarantee !== undefined) return guarantee;
  const owned = CROSSFORM_OWNS[name];
  if (owned !== undefined) return owned;
  if (name === "replace" && command === "destroy")
    return "destroy removes every resource of the unit: there is nothing to replace";
  if (ALLOWED[name] === undefined) return "it is not on the allow-list";
  return undefined;
}

/** The problem with a flag's value, or undefined. */
function valueProblem(name: string, value: string): string | undefined {
  const kind = ALLOWED[name]?.value;
  if (value === "") return "it needs a value";
  switch (kind) {
    case "assignment": {
      if (variableAssignment(value) === undefined) return "write -var=NAME=VALUE";
      return refusedVariable(value);
    }
    case "count":
      return /^[1-9][0-9]{0,3}$/.test(value) ? undefined : "it takes a whole number from 1 to 9999";
    case "bool":
      return value === "true" || value === "false" ? undefined : "it takes true or false";
    default:
      return undefined;
  }
}

/**
 * The pass-through flags of `command`, or why they are refused. Each flag is one word
 * (`-target=ADDR`) or two (`-target ADDR`); `--name` is read as `-name`.
 */
export function parsePassThrough(
  command: PassThroughCommand,
  words: readonly string[],
): { ok: true; value: PassThrough } | { ok: false; refusal: PassThroughRefusal } {
  const refuse = (word: string, reason: string) => ({
    ok: false as const,
    refusal: { message: `${command} -- ${word}: refused: ${reason}`, hint: HINT },
  });
  const value: PassThrough = { args: [], shown: [], vars: {} };
  for (let i = 0; i < words.length; i += 1) {
    const word = words[i] as string;
    const flag = flagOf(word);
    if (!flag) {
      return refuse(
        word,
        "terraform's plan takes no positional argument here; name stacks and selectors before --",
      );
    }
    const refused = refusalOf(flag.name, command);
    if (refused !== undefined) return refuse(word, refused);
    let flagValue = flag.value;
    if (flagValue === undefined && ALLOWED[flag.name]?.value !== "bool") {
      const next = words[i + 1];
      if (next !== undefined && flagOf(next) === undefined) {
        flagValue = next;
        i += 1;
      }
    }
    flagValue ??= ALLOWED[flag.name]?.value === "bool" ? "true" : "";
    const problem = valueProblem(flag.name, flagValue);
    if (problem !== undefined) return refuse(word, problem);
    const arg = `-${flag.name}=${flagValue}`;
    value.args.push(arg);
    const assignment = flag.name === "var" ? variableAssignment(flagValue) : undefined;
    if (assignment) {
      value.vars[assignment.name] = assignment.value;
      value.shown.push(shownVariable(assignment.name));
    } else {
      value.shown.push(arg);
    }
  }
  return { ok: true, value };
}
