/**
 * The values a unit's terraform commands must never show, known before the first command starts
 * (docs/commands/run.md, "Secrets"): every value a variable its stack declares `sensitive` can
 * take, from each place Terraform reads it: the unit's tfvars file, the stack's own
 * `terraform.tfvars` and `*.auto.tfvars` files, the operator's `TF_VAR_<name>`, and the
 * variable's default. A failing provisioner prints its command before any `show -json` exists, so
 * these cannot wait for the plan.
 *
 * A value shorter than {@link MIN_SECRET_LENGTH} cannot be redacted by value without blanking
 * common words: it is named (the variable and where its value comes from, never the value) so
 * that the operator learns that Terraform's own error text could show it.
 */
import type { VariableSummary } from "../hcl/module-summary.ts";
import { literalLeaves } from "../hcl/syntax-queries.ts";
import { MIN_SECRET_LENGTH, redactableByValue } from "./redact.ts";

/** A variable declared `sensitive`, with the literals of its default. */
export interface SensitiveVariable {
  name: string;
  /** The literals its `default` is made of; empty without a default. */
  defaults: (string | number | boolean)[];
}

/** One place variable values come from: a tfvars file or the environment. */
export interface VariableSource {
  /** How to name it in a message: `stacks/app/targets/dev.tfvars.json`, `TF_VAR_db_password`. */
  label: string;
  /** Values by variable name, as JSON data (strings, numbers, lists, maps). */
  values: Readonly<Record<string, unknown>>;
}

/** A sensitive value too short to redact by value: where it comes from, never the value. */
export interface ShortSecret {
  variable: string;
  /** The source's label, or `its default`. */
  source: string;
}

/** What a unit must redact. */
export interface UnitSecretValues {
  /** Every value to redact by value, each at least {@link MIN_SECRET_LENGTH} characters. */
  values: string[];
  /** The sensitive values that are too short to redact. */
  short: ShortSecret[];
}

/** The variables a stack's root module declares `sensitive`. */
export function sensitiveVariables(variables: readonly VariableSummary[]): SensitiveVariable[] {
  return variables
    .filter((v) => v.sensitive)
    .map((v) => ({
      name: v.name,
      defaults: v.defaultExpression ? literalLeaves(v.defaultExpression) : [],
    }));
}

/** The strings and numbers of a JSON value (bools carry nothing worth hiding). */
function leavesOf(value: unknown, into: string[]): void {
  if (typeof value === "string") into.push(value);
  else if (typeof value === "number") into.push(String(value));
  else if (Array.isArray(value)) for (const item of value) leavesOf(item, into);
  else if (typeof value === "object" && value !== null)
    for (const item of Object.values(value)) leavesOf(item, into);
}

/**
 * Every value the sensitive `variables` take in `sources` or in their defaults: all of them, not
 * only the one Terraform's precedence picks, since redacting one more value costs nothing.
 */
export function unitSecretValues(
  variables: readonly SensitiveVariable[],
  sources: readonly VariableSource[],
): UnitSecretValues {
  const values = new Set<string>();
  const short: ShortSecret[] = [];
  const take = (variable: string, source: string, leaves: string[]): void => {
    let tooShort = false;
    for (const leaf of leaves) {
      if (leaf === "") continue;
      if (redactableByValue(leaf)) values.add(leaf);
      else tooShort = true;
    }
    if (tooShort) short.push({ variable, source });
  };
  for (const variable of variables) {
    for (const source of sources) {
      if (!Object.hasOwn(source.values, variable.name)) continue;
      const leaves: string[] = [];
      leavesOf(source.values[variable.name], leaves);
      take(variable.name, source.label, leaves);
    }
    const defaults: string[] = [];
    leavesOf(
      variable.defaults.filter((d) => typeof d !== "boolean"),
      defaults,
    );
    take(variable.name, "its default", defaults);
  }
  return { values: [...values], short };
}

/**
 * The operator's `TF_VAR_<name>` values as a {@link VariableSource} (Terraform reads a map or a
 * list from such a variable as HCL: its JSON form is read into values too; the raw text always
 * counts).
 */
export function environmentVariableSource(
  env: Readonly<Record<string, string | undefined>>,
): VariableSource[] {
  const sources: VariableSource[] = [];
  for (const [name, raw] of Object.entries(env)) {
    if (!name.startsWith("TF_VAR_") || raw === undefined) continue;
    const variable = name.slice("TF_VAR_".length);
    const values: unknown[] = [raw];
    if (/^\s*[[{]/.test(raw)) {
      try {
        values.push(JSON.parse(raw));
      } catch {
        // Not JSON (HCL syntax): the raw text is what there is.
      }
    }
    sources.push({ label: name, values: { [variable]: values } });
  }
  return sources;
}

/** The sentence a {@link ShortSecret} list becomes, for one stack. */
export function shortSecretsMessage(stack: string, short: readonly ShortSecret[]): string {
  const byVariable = new Map<string, Set<string>>();
  for (const s of short) {
    const sources = byVariable.get(s.variable) ?? new Set<string>();
    sources.add(s.source);
    byVariable.set(s.variable, sources);
  }
  const parts = [...byVariable].map(([variable, sources]) => {
    const list = [...sources];
    const shown =
      list.slice(0, 3).join(", ") + (list.length > 3 ? ` and ${list.length - 3} more` : "");
    return `${variable} (from ${shown})`;
  });
  return `stack ${stack}: the sensitive variable${parts.length === 1 ? "" : "s"} ${parts.join(", ")} ${parts.length === 1 ? "has a value" : "have values"} shorter than ${MIN_SECRET_LENGTH} characters, too short to redact by value: terraform's own error text (a failing provisioner's command) could show ${parts.length === 1 ? "it" : "them"} in logs and reports`;
}
