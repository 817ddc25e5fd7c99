/**
 * `crossform exec -- <terraform args>`: which terraform subcommands it runs in a unit, how, and
 * which it refuses (docs/commands/exec.md). A subcommand is one of three kinds:
 *
 * - `read-only` (`state list`, `state show`, `output`, `providers`, `show`, `validate`, `graph`):
 *   the selected units run in parallel;
 * - `state-changing` (`import`, `state mv|rm|push|replace-provider`, `force-unlock`, `taint`,
 *   `untaint`): one unit at a time, after a typed confirmation, the first failure stopping the rest;
 * - `interactive` (`console`): one unit, attached to the terminal.
 *
 * Every other subcommand is refused with the reason and the crossform way: an allow-list, so that a
 * subcommand added to terraform later (or mistyped) never writes state by surprise. The operator's
 * flags pass through, except those that would break a guarantee (`terraform-flags.ts`).
 */
import {
  flagOf,
  GUARANTEE_FLAGS,
  refusedVariable,
  shownVariable,
  variableAssignment,
} from "./terraform-flags.ts";

/** How a subcommand runs across units. */
export type ExecKind = "read-only" | "state-changing" | "interactive";

/** What crossform adds to a subcommand, and what it knows of it. */
interface SubcommandSpec {
  kind: ExecKind;
  /** It evaluates the configuration (providers, variables): the unit's tfvars and session name go in. */
  configuration?: boolean;
  /** It takes the state lock: crossform's `--lock-timeout` goes in. */
  locks?: boolean;
  /** It can print values of the state: the unit's sensitive values are learned first, to redact. */
  printsValues?: boolean;
  /** Flags crossform adds (after its confirmation, terraform must not ask again; no colors). */
  adds?: readonly string[];
}

const SUBCOMMANDS: Readonly<Record<string, SubcommandSpec>> = {
  "state list": { kind: "read-only" },
  "state show": { kind: "read-only", printsValues: true },
  output: { kind: "read-only", printsValues: true, adds: ["-no-color"] },
  providers: { kind: "read-only" },
  "providers schema": { kind: "read-only" },
  show: { kind: "read-only", printsValues: true, adds: ["-no-color"] },
  validate: { kind: "read-only", adds: ["-no-color"] },
  graph: { kind: "read-only" },
  import: {
    kind: "state-changing",
    configuration: true,
    locks: true,
    adds: ["-input=false", "-no-color"],
  },
  "state mv": { kind: "state-changing", locks: true },
  "state rm": { kind: "state-changing", locks: true },
  "state push": { kind: "state-changing", locks: true },
  "state replace-provider": { kind: "state-changing", locks: true, adds: ["-auto-approve"] },
  "force-unlock": { kind: "state-changing", adds: ["-force"] },
  taint: { kind: "state-changing", locks: true },
  untaint: { kind: "state-changing", locks: true },
  console: { kind: "interactive", configuration: true },
};

/** Subcommands refused with the reason and the crossform way. */
const REFUSED: Readonly<Record<string, string>> = {
  plan: "use crossform plan: it verifies every account first and records each unit's plan",
  apply: "use crossform apply: it plans, confirms per approval account and applies wave by wave",
  destroy: "use crossform destroy (with --allow-destroy and a typed confirmation)",
  refresh: "use crossform drift to see what changed, and crossform apply to write it",
  init: "crossform initialises each unit itself, against the unit's own backend",
  workspace:
    "crossform keeps one state per unit, in the default workspace; another workspace would put a second state behind the unit's backend",
  "state pull":
    "it prints the whole state with its sensitive values in clear; use state list, state show or output, or `crossform explain <unit>` to run it by hand",
  "providers lock":
    "it rewrites the stack's .terraform.lock.hcl for every unit at once: run it in the stack directory and commit the result",
  "providers mirror": "it downloads providers into a directory: run it outside crossform",
  login: "credentials are not per unit: run it outside crossform",
  logout: "credentials are not per unit: run it outside crossform",
  fmt: "it formats files, not a unit: run it in the stack directory",
  get: "crossform initialises each unit's modules itself",
  test: "terraform test runs its own plans and applies: run it outside crossform",
  version: "`crossform validate` and every run check the terraform version",
  metadata: "it is not about a unit: run it outside crossform",
  modules: "it is not about a unit: run it outside crossform",
};

/** A parsed `crossform exec` request. */
export interface ExecRequest {
  kind: ExecKind;
  /** The subcommand words: `["state", "list"]`. */
  subcommand: string[];
  /** The operator's words after the subcommand, as given. */
  args: string[];
  /** The whole command for records and reports: `-var` values left out. */
  shown: string[];
  /** `-var` assignments among the operator's words, by name (for redaction). */
  vars: Record<string, string>;
  /** See {@link SubcommandSpec}. */
  configuration: boolean;
  locks: boolean;
  printsValues: boolean;
  adds: readonly string[];
}

/** Why an exec request is refused. */
export interface ExecRefusal {
  message: string;
  hint: string;
}

const KNOWN_HINT = `crossform exec runs: ${Object.entries(SUBCOMMANDS)
  .map(([name]) => name)
  .join(", ")} (docs/commands/exec.md)`;

/** The subcommand words at the start of `words` (one or two words). */
function subcommandOf(words: readonly string[]): string[] {
  const first = words[0] ?? "";
  const second = words[1];
  const two = second !== undefined ? `${first} ${second}` : undefined;
  if (two !== undefined && (SUBCOMMANDS[two] !== undefined || REFUSED[two] !== undefined))
    return [first, second as string];
  return [first];
}

/** The refusal of an operator's flag word (and the word after it, for `-var NAME=VALUE`). */
function flagRefusal(word: string, next: string | undefined): string | undefined {
  const flag = flagOf(word);
  if (!flag) return undefined;
  const guarantee = GUARANTEE_FLAGS[flag.name];
  if (guarantee !== undefined) return guarantee;
  if (flag.name === "var") return refusedVariable(flag.value ?? next ?? "");
  return undefined;
}

/** Parses the words after `--`; see the module comment. */
export function parseExecRequest(
  words: readonly string[],
): { ok: true; request: ExecRequest } | { ok: false; refusal: ExecRefusal } {
  const refuse = (message: string, hint = KNOWN_HINT) => ({
    ok: false as const,
    refusal: { message, hint },
  });
  if (words.length === 0)
    return refuse(
      "exec needs a terraform subcommand after --: crossform exec [SELECTION] -- state list",
    );
  const first = words[0] as string;
  const global = flagOf(first);
  if (global) {
    const reason = GUARANTEE_FLAGS[global.name];
    return refuse(
      `exec -- ${first}: ${reason !== undefined ? `refused: ${reason}` : "the terraform subcommand comes first after --"}`,
    );
  }
  const subcommand = subcommandOf(words);
  const name = subcommand.join(" ");
  const refused = REFUSED[name];
  if (refused !== undefined) return refuse(`exec -- ${name}: refused: ${refused}`);
  const spec = SUBCOMMANDS[name];
  if (spec === undefined)
    return refuse(`exec -- ${name}: not a subcommand crossform exec runs in units`);
  const args = words.slice(subcommand.length);
  const shown = [...subcommand];
  const vars: Record<string, string> = {};
  for (let i = 0; i < args.length; i += 1) {
    const word = args[i] as string;
    const reason = flagRefusal(word, args[i + 1]);
    if (reason !== undefined) return refuse(`exec -- ${name} ${word}: refused: ${reason}`);
    const flag = flagOf(word);
    if (flag?.name === "var") {
      const assignment = variableAssignment(flag.value ?? args[i + 1] ?? "");
      if (flag.value === undefined) i += 1;
      if (assignment) {
        vars[assignment.name] = assignment.value;
        shown.push(shownVariable(assignment.name));
        continue;
      }
    }
    shown.push(word);
  }
  return {
    ok: true,
    request: {
      kind: spec.kind,
      subcommand,
      args,
      shown,
      vars,
      configuration: spec.configuration === true,
      locks: spec.locks === true,
      printsValues: spec.printsValues === true,
      adds: spec.adds ?? [],
    },
  };
}

/** What a unit adds to an exec command. */
export interface ExecArgsOptions {
  /** The unit's `targets/<stem>.tfvars.json` (absolute), for subcommands that evaluate the configuration. */
  varFile: string;
  /** crossform's own `-var`s (the session name). */
  vars: Readonly<Record<string, string>>;
  /** `-lock-timeout=<n>s` for subcommands that take the lock. */
  lockTimeoutSeconds?: number;
}

/**
 * The argv of an exec request in a unit: the subcommand, what crossform adds, then the operator's
 * words (terraform reads flags only before the first positional argument, and the operator's
 * own positional arguments come last).
 */
export function execArgs(request: ExecRequest, options: ExecArgsOptions): string[] {
  const added: string[] = [...request.adds];
  if (request.configuration) {
    added.push(`-var-file=${options.varFile}`);
    for (const [name, value] of Object.entries(options.vars)) added.push(`-var=${name}=${value}`);
  }
  if (request.locks && options.lockTimeoutSeconds !== undefined)
    added.push(`-lock-timeout=${options.lockTimeoutSeconds}s`);
  return [...request.subcommand, ...added, ...request.args];
}
