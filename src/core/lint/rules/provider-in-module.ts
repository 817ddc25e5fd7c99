/**
 * `provider-in-module`: a `provider` block inside a reusable module. Modules receive providers from
 * their caller (`providers = {...}` and `configuration_aliases`); a provider declared inside one
 * fixes the account and region for every caller and blocks `count`, `for_each` and `depends_on`.
 */
import { topLevelBlocks } from "../blocks.ts";
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
      for (const { file, block } of topLevelBlocks(module, "provider")) {
        const name = block.labels[0] ?? "?";
        context.report({
          file: file.path,
          range: block.typeRange,
          message: `the reusable module ${module.dir} declares provider "${name}" itself`,
          hint: `remove the provider block; declare \`configuration_aliases\` in required_providers when the module needs several ${name} configurations, and let callers pass them with \`providers = {...}\``,
        });
      }
    }
  },
};
