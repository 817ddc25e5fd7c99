/**
 * `unpassed-configuration-alias`: a module declares `configuration_aliases = [aws.west]` and a
 * caller's `providers = {...}` does not pass `aws.west`; Terraform then refuses the configuration
 * ("Missing required provider configuration"), unless the module configures that alias itself
 * with a non-empty provider block (which `provider-in-module` reports).
 */
import { blockRange } from "../blocks.ts";
import type { LintRule } from "../rule.ts";

/** The rule. */
export const unpassedConfigurationAlias: LintRule = {
  meta: {
    id: "unpassed-configuration-alias",
    description: "a configuration_aliases entry that a caller does not pass in providers = {...}",
    defaultSeverity: "error",
  },
  create(context) {
    const byDir = new Map(context.repository.modules.map((module) => [module.dir, module]));
    for (const edge of context.repository.calls) {
      const callee = byDir.get(edge.to);
      const caller = byDir.get(edge.from);
      if (callee === undefined || caller === undefined) continue;
      const satisfied = new Set(edge.call.providers.map((passing) => passing.inModule));
      for (const provider of callee.summary.providers) {
        if (provider.configured && provider.alias !== undefined)
          satisfied.add(`${provider.name}.${provider.alias}`);
      }
      for (const required of callee.summary.requiredProviders) {
        for (const alias of required.configurationAliases) {
          if (satisfied.has(alias)) continue;
          context.report({
            file: edge.call.file,
            range: blockRange(caller, edge.call, "module"),
            message: `module "${edge.call.name}" calls ${edge.to}, which declares the configuration alias ${alias}, but its providers = {...} does not pass ${alias}`,
            hint: `add \`${alias} = <a provider of this module>\` to the call's providers map`,
          });
        }
      }
    }
  },
};
