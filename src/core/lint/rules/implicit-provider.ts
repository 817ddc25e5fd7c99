/**
 * `implicit-provider`: a resource, data source or module call that names no aws provider where no
 * default aws provider is configured, so Terraform gives it an empty default configuration (ambient
 * credentials, any account) instead of one of the configured ones. Two cases:
 * - a root whose aws providers all have an alias, and no default provider written by Terragrunt
 *   (`generate` blocks of its units, included files too) or by crossform;
 * - a crossform `mode: multi-account` stack: crossform wires one alias per account, and whatever
 *   names none of them is not in any account crossform.yaml names for it.
 * A module call counts only when the module uses the default aws provider: a local module whose
 * aws resources all name an alias (or that has none) does not; a registry or git module does when
 * its address names aws (`<namespace>/<name>/aws`, `terraform-aws-<name>`).
 */
import type { ModuleCallSummary, ResourceSummary } from "../../hcl/module-summary.ts";
import { awsProviders, blockRange, hasCrossformWiring } from "../blocks.ts";
import type { LintModule, LintRepository, LintRule, RuleContext, RuleReport } from "../rule.ts";

/** The rule. */
export const implicitProvider: LintRule = {
  meta: {
    id: "implicit-provider",
    description:
      "a resource or module naming no aws provider where only aliases are configured (a root of aliases only, a multi-account stack)",
    defaultSeverity: "error",
  },
  create(context) {
    const uses = new DefaultProviderUses(context.repository);
    for (const module of context.repository.modules) {
      if (module.role !== "root") continue;
      const situation = situationOf(module);
      if (situation === undefined) continue;
      for (const resource of module.summary.resources) {
        if (!usesDefaultAws(resource)) continue;
        const keyword = resource.mode === "managed" ? "resource" : resource.mode;
        reportUse(context, module, situation, {
          file: resource.file,
          range: blockRange(module, resource, keyword),
          what: `${keyword} "${resource.type}" "${resource.name}" names no provider`,
          hint: "add `provider = aws.<alias>`",
        });
      }
      for (const call of module.summary.moduleCalls) {
        if (!uses.ofCall(call)) continue;
        reportUse(context, module, situation, {
          file: call.file,
          range: blockRange(module, call, "module"),
          what: `module "${call.name}" passes no aws provider`,
          hint: "add `providers = { aws = aws.<alias> }` to the call",
        });
      }
    }
  },
};

/** Why a root has no configured default aws provider. */
type Situation =
  | { kind: "aliases-only"; aliases: string[] }
  | { kind: "multi-account"; stack: string; aliases: string[] };

function situationOf(module: LintModule): Situation | undefined {
  const providers = awsProviders(module);
  const userDefault = providers.some((provider) => !provider.hasAlias);
  const userAliases = providers.map((provider) => provider.alias ?? "(computed)");
  if (module.stack?.mode === "multi-account") {
    if (userDefault) return undefined;
    return {
      kind: "multi-account",
      stack: module.stack.name,
      aliases: [...module.stack.aliases, ...userAliases],
    };
  }
  if (hasCrossformWiring(module) || module.stack !== undefined) return undefined;
  if (providers.length === 0 || userDefault) return undefined;
  const generated = module.terragruntUnits.map((unit) => unit.generatedAws);
  if (generated.some((providersOfUnit) => providersOfUnit?.hasDefault === true)) return undefined;
  return { kind: "aliases-only", aliases: userAliases };
}

function reportUse(
  context: RuleContext,
  module: LintModule,
  situation: Situation,
  use: { file: string; range: RuleReport["range"]; what: string; hint: string },
): void {
  const aliases = situation.aliases.map((alias) => `aws.${alias}`).join(", ");
  const message =
    situation.kind === "multi-account"
      ? `${use.what} in the multi-account stack ${situation.stack} (${module.dir}): it gets Terraform's implicit default aws provider, in no account crossform.yaml names for it, instead of one of ${aliases}`
      : `${use.what}, and every aws provider of ${module.dir} has an alias (${aliases}): it gets an unconfigured default`;
  context.report({
    file: use.file,
    range: use.range,
    message,
    hint:
      situation.kind === "multi-account"
        ? `${use.hint} naming the account it belongs to (one of ${aliases})`
        : `${use.hint}, or drop the alias of the provider meant as the default`,
  });
}

function usesDefaultAws(resource: ResourceSummary): boolean {
  if (!resource.type.startsWith("aws_")) return false;
  return resource.provider === undefined || resource.provider === "aws";
}

/** Whether a module call gives the called module Terraform's default aws provider, and the module uses it. */
class DefaultProviderUses {
  private readonly modules: Map<string, LintModule>;
  private readonly targets = new Map<ModuleCallSummary, string>();
  private readonly memo = new Map<string, boolean>();

  constructor(repository: LintRepository) {
    this.modules = new Map(repository.modules.map((module) => [module.dir, module]));
    for (const edge of repository.calls) this.targets.set(edge.call, edge.to);
  }

  ofCall(call: ModuleCallSummary): boolean {
    if (call.providers.some((passing) => passing.inModule === "aws")) return false;
    const target = this.targets.get(call);
    if (target !== undefined) return this.ofModule(target);
    return call.sourceKind === "local" ? false : namesAws(call);
  }

  /** True when the module's code uses the default aws configuration it receives. */
  private ofModule(dir: string): boolean {
    const known = this.memo.get(dir);
    if (known !== undefined) return known;
    this.memo.set(dir, false);
    const module = this.modules.get(dir);
    const uses =
      module !== undefined &&
      (module.summary.resources.some(usesDefaultAws) ||
        module.summary.moduleCalls.some((call) => this.ofCall(call)));
    this.memo.set(dir, uses);
    return uses;
  }
}

/**
 * True when a registry or remote module's address says it is made for aws: a registry address
 * `<namespace>/<name>/aws`, or a repository named `terraform-aws-<name>` (the registry's naming
 * convention). Other remote modules cannot be read, so nothing is concluded about them.
 */
export function namesAws(call: ModuleCallSummary): boolean {
  const source = call.source;
  if (source === undefined) return false;
  if (call.sourceKind === "registry") {
    const parts = source.replace(/\/\/.*$/, "").split("/");
    return parts[parts.length - 1]?.toLowerCase() === "aws";
  }
  return /(^|[/:])terraform-aws-[^/]*?(\.git)?(\/\/|\?|$|\/)/i.test(source);
}
