/**
 * `implicit-provider`: in a root whose aws providers all have an alias, a resource, data source or
 * module call that names no provider falls back to an empty default configuration (ambient
 * credentials, any account) instead of one of the configured ones.
 */
import { findAttribute } from "../../hcl/syntax-queries.ts";
import { awsProviderBlocks, hasAlias, hasCrossformWiring } from "../blocks.ts";
import type { ModuleCallSummary } from "../../hcl/module-summary.ts";
import type { LintRepository, LintRule } from "../rule.ts";

/** The rule. */
export const implicitProvider: LintRule = {
  meta: {
    id: "implicit-provider",
    description:
      "a resource or module naming no provider in a root whose aws providers are all aliases",
    defaultSeverity: "error",
  },
  create(context) {
    for (const module of context.repository.modules) {
      if (module.role !== "root" || hasCrossformWiring(module)) continue;
      const providers = awsProviderBlocks(module);
      if (providers.length === 0 || !providers.every(({ block }) => hasAlias(block))) continue;
      const aliases = providers
        .map(({ block, file }) => {
          const alias = findAttribute(block.body, "alias");
          return alias === undefined
            ? ""
            : file.text.slice(
                alias.expression.range.start.offset,
                alias.expression.range.end.offset,
              );
        })
        .join(", ");
      for (const file of module.files) {
        for (const block of file.blocks) {
          if (block.type === "resource" || block.type === "data" || block.type === "ephemeral") {
            const type = block.labels[0] ?? "";
            if (!type.startsWith("aws_") || findAttribute(block.body, "provider") !== undefined)
              continue;
            context.report({
              file: file.path,
              range: block.typeRange,
              message: `${block.type} "${type}" "${block.labels[1] ?? ""}" names no provider, and every aws provider of ${module.dir} has an alias (${aliases}): it gets an unconfigured default`,
              hint: "add `provider = aws.<alias>`, or drop the alias of the provider meant as the default",
            });
          } else if (block.type === "module") {
            const call = module.summary.moduleCalls.find(
              (candidate) =>
                candidate.file === file.path &&
                candidate.range.start.offset === block.range.start.offset,
            );
            if (call === undefined || call.providers.some((passing) => passing.inModule === "aws"))
              continue;
            if (localModuleWithoutAws(context.repository, call)) continue;
            context.report({
              file: file.path,
              range: block.typeRange,
              message: `module "${call.name}" passes no aws provider, and every aws provider of ${module.dir} has an alias (${aliases}): it gets an unconfigured default`,
              hint: "add `providers = { aws = aws.<alias> }` to the call",
            });
          }
        }
      }
    }
  },
};

/** True when the call leads to a module of the repository that uses no aws provider at all. */
function localModuleWithoutAws(repository: LintRepository, call: ModuleCallSummary): boolean {
  const edge = repository.calls.find((candidate) => candidate.call === call);
  if (edge === undefined) return false;
  const callee = repository.modules.find((module) => module.dir === edge.to);
  return callee !== undefined && callee.summary.awsEvidence.length === 0;
}
