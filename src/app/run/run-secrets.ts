/**
 * The secrets of a run (docs/commands/run.md, "Secrets"): per unit, every value to redact from
 * what its terraform commands print, known before the first command starts, and learned as the
 * run goes on (a plan's sensitive values, sensitive outputs). Each terraform command gets its
 * unit's values (and those of the units it depends on, whose outputs it reads) as
 * `TerraformCommand.redact`; everything crossform writes itself (failures, the journal, the
 * reports, `summary.json`, diagnostics) is redacted with the values of every unit.
 */
import { join } from "node:path";
import type { Config } from "../../core/config/model.ts";
import type { Diagnostic } from "../../core/errors.ts";
import { literalLeaves } from "../../core/hcl/syntax-queries.ts";
import { createRedactor, redactValue } from "../../core/run/redact.ts";
import type { Redactor } from "../../core/run/redact.ts";
import {
  environmentVariableSource,
  sensitiveVariables,
  shortSecretsMessage,
  unitSecretValues,
} from "../../core/run/unit-secrets.ts";
import type {
  SensitiveVariable,
  ShortSecret,
  VariableSource,
} from "../../core/run/unit-secrets.ts";
import type { Unit } from "../../core/units/units.ts";
import type { FileSystem } from "../../ports/file-system.ts";
import type { HclParser } from "../../ports/hcl-parser.ts";
import { readModuleDirectory } from "../module-graph.ts";

/** What a stack contributes to its units' secrets. */
interface StackSecrets {
  variables: SensitiveVariable[];
  /** The stack's own `terraform.tfvars` and `*.auto.tfvars` files, which Terraform reads too. */
  sources: VariableSource[];
}

/** True for the variable files Terraform loads by itself from its working directory. */
function autoLoadedVarFile(name: string): boolean {
  return (
    name === "terraform.tfvars" ||
    name === "terraform.tfvars.json" ||
    name.endsWith(".auto.tfvars") ||
    name.endsWith(".auto.tfvars.json")
  );
}

/** The values a variables file sets, or undefined when it cannot be read as one. */
async function readVarFile(
  fs: FileSystem,
  parser: HclParser,
  path: string,
): Promise<Record<string, unknown> | undefined> {
  let text: string;
  try {
    text = await fs.readText(path);
  } catch {
    return undefined;
  }
  if (path.endsWith(".json")) {
    try {
      const data: unknown = JSON.parse(text);
      return typeof data === "object" && data !== null && !Array.isArray(data)
        ? (data as Record<string, unknown>)
        : undefined;
    } catch {
      return undefined;
    }
  }
  const values: Record<string, unknown> = {};
  for (const attribute of parser.parse(path, text).attributes)
    values[attribute.name] = literalLeaves(attribute.expression);
  return values;
}

/** See the module comment. */
export class RunSecrets {
  private readonly units = new Map<string, { unit: Unit; values: Set<string> }>();
  private readonly everything: Redactor;

  private constructor(units: readonly Unit[]) {
    for (const unit of units) this.units.set(unit.id, { unit, values: new Set() });
    this.everything = createRedactor();
  }

  /** No secrets known yet: what a run without sensitive variables starts with. */
  static empty(units: readonly Unit[] = []): RunSecrets {
    return new RunSecrets(units);
  }

  /**
   * Reads the sensitive variables of every selected unit's stack, and their values from the
   * unit's tfvars, the stack's auto-loaded variables files, the operator's `TF_VAR_*`, the `-var`
   * flags given after `--` and the defaults. A warning per stack names the values too short to
   * redact.
   */
  static async collect(
    deps: { fs: FileSystem; parser: HclParser },
    config: Config,
    configDir: string,
    units: readonly Unit[],
    environment: Readonly<Record<string, string | undefined>>,
    commandLine: Readonly<Record<string, string>> = {},
  ): Promise<{ secrets: RunSecrets; warnings: Diagnostic[] }> {
    const secrets = new RunSecrets(units);
    const fromEnvironment = environmentVariableSource(environment);
    if (Object.keys(commandLine).length > 0)
      fromEnvironment.push({ label: "-var after --", values: commandLine });
    const stacks = new Map<string, StackSecrets>();
    const short = new Map<string, ShortSecret[]>();
    for (const unit of units) {
      const stackPath = config.stacks.get(unit.stack)?.path ?? unit.stack;
      const stackDir = join(configDir, stackPath);
      let stack = stacks.get(unit.stack);
      if (!stack) {
        stack = await readStackSecrets(deps, stackDir, stackPath);
        stacks.set(unit.stack, stack);
      }
      if (stack.variables.length === 0) continue;
      const tfvars = join(stackPath, "targets", `${unit.fileStem}.tfvars.json`);
      const own = await readVarFile(deps.fs, deps.parser, join(configDir, tfvars));
      const found = unitSecretValues(stack.variables, [
        ...(own ? [{ label: tfvars, values: own }] : []),
        ...stack.sources,
        ...fromEnvironment,
      ]);
      secrets.learn(unit.id, found.values);
      if (found.short.length > 0)
        short.set(unit.stack, [...(short.get(unit.stack) ?? []), ...found.short]);
    }
    const warnings: Diagnostic[] = [...short].map(([stack, list]) => ({
      severity: "warning",
      code: "run/secret-too-short",
      message: shortSecretsMessage(stack, list),
      hint: "use a longer value (a real secret is), or keep it out of commands Terraform may print",
    }));
    return { secrets, warnings };
  }

  /** Adds values to redact for a unit (and so for the run) from now on. */
  learn(unitId: string, values: Iterable<string>): void {
    const entry = this.units.get(unitId);
    for (const value of values) {
      entry?.values.add(value);
      this.everything.addSecret(value);
    }
  }

  /**
   * What a command of the unit must redact: its own values and those of the units it depends on,
   * directly or not (their outputs reach it through remote state).
   */
  valuesFor(unitId: string): string[] {
    const values = new Set<string>();
    const seen = new Set<string>();
    const visit = (id: string): void => {
      if (seen.has(id)) return;
      seen.add(id);
      const entry = this.units.get(id);
      if (!entry) return;
      for (const value of entry.values) values.add(value);
      for (const dependency of entry.unit.dependsOn) visit(dependency);
    };
    visit(unitId);
    return [...values];
  }

  /** `text` with every secret of the run (and every credential pattern) redacted. */
  text(text: string): string {
    return this.everything.redactText(text);
  }

  /** `value` with every string in it redacted as {@link RunSecrets.text} does. */
  value<T>(value: T): T {
    return redactValue(value, this.everything);
  }
}

/** A stack's sensitive variables and its auto-loaded variables files. */
async function readStackSecrets(
  deps: { fs: FileSystem; parser: HclParser },
  stackDir: string,
  stackPath: string,
): Promise<StackSecrets> {
  const root = await readModuleDirectory(stackDir, { ...deps, includeGenerated: true });
  const variables = sensitiveVariables(root.summary.variables);
  const sources: VariableSource[] = [];
  if (variables.length === 0) return { variables, sources };
  const entries = await deps.fs.listDir(stackDir).catch(() => []);
  for (const entry of entries) {
    if (!entry.isFile || !autoLoadedVarFile(entry.name)) continue;
    const values = await readVarFile(deps.fs, deps.parser, join(stackDir, entry.name));
    if (values) sources.push({ label: join(stackPath, entry.name), values });
  }
  return { variables, sources };
}
