/**
 * `provider-in-module`: a `provider` block inside a reusable module. Modules receive providers from
 * their caller (`providers = {...}` and `configuration_aliases`); a provider configured inside one
 * fixes the account and region for every caller and blocks `count`, `for_each` and `depends_on`.
 * An empty block (`provider "aws" { alias = "peer" }`) is the legacy way of declaring an alias the
 * caller passes, which Terraform does not count as a configuration: not reported.
 */
import { blockRange } from "../blocks.ts";
import type { LintRule } from "../rule.ts";

/** The rule. */
export const providerInModule: LintRule = {
  meta: {
    id: "provider-in-module",
    description: "a provider block inside a reusable module",
    defaultSeverity: "error",
  },
  create(context) {
    for (const module of context.repository.modules) {
      if (module.role !== "module") continue;
      for (const provider of module.summary.providers) {
        if (!provider.configured) continue;
        context.report({
          file: provider.file,
          range: blockRange(module, provider, "provider"),
          message: `the reusable module ${module.dir} declares provider "${provider.name}"${provider.alias === undefined ? "" : ` (alias "${provider.alias}")`} itself`,
          hint: `remove the provider block; declare \`configuration_aliases\` in required_providers when the module needs several ${provider.name} configurations, and let callers pass them with \`providers = {...}\``,
        });
      }
    }
  },
};
