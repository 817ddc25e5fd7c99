/**
 * The checks between a stack's code and the `aws` providers crossform generates for it: a
 * provider block of the user's own that would clash with a generated one, and, in a multi-account
 * stack, every resource or module call that would reach the default provider, which refuses every
 * use there (decision 0024). Offline, from the module graph; run by `validate`, `generate` and the
 * run commands' preflight.
 */
import { basename, relative } from "node:path";
import type { Config, Stack } from "../core/config/model.ts";
import type { Diagnostic } from "../core/errors.ts";
import { stackAliases } from "../core/generate/unit-inputs.ts";
import type { Unit } from "../core/units/units.ts";
import { defaultProviderUses, siteText } from "./default-provider-uses.ts";
import type { CodeSite, DefaultProviderUse } from "./default-provider-uses.ts";
import type { ModuleGraph } from "./module-graph.ts";

/** What the checks of one stack need. */
export interface ProviderWiringInput {
  config: Config;
  stack: Stack;
  /** The stack's units (the aliases are the same for each; the first is read). */
  units: readonly Unit[];
  graph: ModuleGraph;
  /** Directory paths in messages are relative to (the config directory). */
  base: string;
}

function position(base: string, site: CodeSite): Diagnostic["position"] {
  return {
    file: relative(base, site.file) || site.file,
    line: site.range.start.line,
    column: site.range.start.column,
  };
}

function aliasList(aliases: readonly string[]): string {
  return aliases.length === 0
    ? "it has none yet: list its accounts in crossform.yaml"
    : `this stack's are ${aliases.map((a) => `aws.${a}`).join(", ")}`;
}

/** `provider "aws"` blocks of the root that a generated block of the same name would duplicate. */
function clashingProviderBlocks(input: ProviderWiringInput, aliases: string[]): Diagnostic[] {
  const root = input.graph.modules.find((node) => node.dir === input.graph.root);
  const diagnostics: Diagnostic[] = [];
  for (const provider of root?.summary.providers ?? []) {
    // A hand-written file at crossform's own path is generate's to report (generate/foreign-file).
    if (provider.name !== "aws" || basename(provider.file) === "crossform_providers.tf") continue;
    const generated = provider.hasAlias
      ? provider.alias !== undefined && aliases.includes(provider.alias)
      : true;
    if (!generated) continue;
    const name = provider.hasAlias ? `aws.${provider.alias}` : "aws (the default)";
    diagnostics.push({
      severity: "error",
      code: "stack/duplicate-aws-provider",
      message: `stack ${input.stack.name} declares provider ${name}, which crossform generates in ${input.stack.path}/crossform_providers.tf; Terraform refuses two configurations of one provider`,
      hint: provider.hasAlias
        ? `remove this block (crossform wires aws.${provider.alias} from crossform.yaml), or rename its alias`
        : `remove this block and set the account's role, regions and default_tags in crossform.yaml; or set stacks.${input.stack.name}.providers: [] to wire aws yourself`,
      position: position(input.base, { file: provider.file, range: provider.range }),
    });
  }
  return diagnostics;
}

function useDiagnostic(
  input: ProviderWiringInput,
  use: DefaultProviderUse,
  aliases: string[],
): Diagnostic {
  const stack = `multi-account stack ${input.stack.name}`;
  const refusal =
    "a multi-account stack has no account of its own, so its default aws provider refuses every use";
  if (use.kind === "resource") {
    const keyword = use.resource.mode === "managed" ? "resource" : use.resource.mode;
    return {
      severity: "error",
      code: "stack/default-aws-provider-use",
      message: `${keyword} "${use.resource.type}" "${use.resource.name}" in ${stack} names no provider: ${refusal}`,
      hint: `add provider = aws.<alias> to name its account (${aliasList(aliases)})`,
      position: position(input.base, use.site),
    };
  }
  const source = use.call.source === undefined ? "" : ` (${use.call.source})`;
  const where = use.because.certain
    ? `, and it uses the default aws provider it inherits: ${use.because.detail} at ${siteText(input.base, use.because.site)}`
    : use.because.site === use.site
      ? ": crossform does not read that module, so if it uses aws, the plan fails at the stack's default provider"
      : `: it calls ${use.because.detail}, which crossform does not read, so if that uses aws, the plan fails at the stack's default provider`;
  return {
    severity: use.because.certain ? "error" : "warning",
    code: use.because.certain
      ? "stack/default-aws-provider-use"
      : "stack/unread-module-without-aws-provider",
    message: `module "${use.call.name}"${source} in ${stack} is called without providers = { aws = ... }${where}${use.because.certain ? `; ${refusal}` : ""}`,
    hint: `pass the account: providers = { aws = aws.<alias> } (${aliasList(aliases)})`,
    position: position(input.base, use.site),
  };
}

/** The provider-wiring problems of one stack crossform wires aws for. */
export function providerWiringDiagnostics(input: ProviderWiringInput): Diagnostic[] {
  const first = input.units[0];
  const aliases = first ? [...stackAliases(input.config, input.stack, first).keys()] : [];
  const diagnostics = clashingProviderBlocks(input, aliases);
  if (input.stack.mode === "multi-account") {
    for (const use of defaultProviderUses(input.graph)) {
      diagnostics.push(useDiagnostic(input, use, aliases));
    }
  }
  return diagnostics;
}
