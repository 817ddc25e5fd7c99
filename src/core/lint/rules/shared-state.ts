/**
 * `shared-state`: two states that are one. Several roots whose S3 backends name the same literal
 * bucket AND key (the same key in different buckets is fine); a stack deployed to several accounts
 * whose backend hard-codes bucket and key; two crossform units with one state address.
 */
import { findAttribute, stringValue } from "../../hcl/syntax-queries.ts";
import { s3BackendBlocks } from "../blocks.ts";
import type { LintRule } from "../rule.ts";

/** The rule. */
export const sharedState: LintRule = {
  meta: {
    id: "shared-state",
    description:
      "two roots or units that write one state, or a multi-account stack whose backend hard-codes bucket and key",
    defaultSeverity: "error",
  },
  create(context) {
    const { repository } = context;
    const firstRootAt = new Map<string, string>();
    for (const module of repository.modules) {
      for (const { file, block } of s3BackendBlocks(module)) {
        const bucketAttribute = findAttribute(block.body, "bucket");
        const keyAttribute = findAttribute(block.body, "key");
        if (bucketAttribute === undefined || keyAttribute === undefined) continue;
        const bucket = stringValue(bucketAttribute.expression);
        const key = stringValue(keyAttribute.expression);
        if (bucket === undefined || key === undefined) continue;
        if (module.role === "root") {
          const address = `${bucket}\u0000${key}`;
          const other = firstRootAt.get(address);
          if (other === undefined) {
            firstRootAt.set(address, module.dir);
          } else if (other !== module.dir) {
            context.report({
              file: file.path,
              range: keyAttribute.range,
              message: `the root ${module.dir} writes its state to s3://${bucket}/${key}, as the root ${other} does`,
              hint: "give every root its own key (for instance the directory's path), or let crossform generate the backend",
            });
          }
        }
        const stack = module.stack;
        if (stack !== undefined && stack.accountCount > 1) {
          context.report({
            file: file.path,
            range: block.typeRange,
            message: `stack ${stack.name} deploys to ${stack.accountCount} accounts, but its backend hard-codes bucket "${bucket}" and key "${key}", so they all share one state`,
            hint: 'remove bucket and key (leave `backend "s3" {}`): crossform passes each unit its own address',
          });
        }
      }
    }
    const config = repository.config;
    if (config === undefined) return;
    const firstUnitAt = new Map<string, string>();
    for (const unit of config.units) {
      const address = `${unit.bucket}\u0000${unit.key}`;
      const other = firstUnitAt.get(address);
      if (other === undefined) {
        firstUnitAt.set(address, unit.id);
        continue;
      }
      context.report({
        file: config.file,
        range: config.stateKeyLocation,
        message: `units ${other} and ${unit.id} share one state: s3://${unit.bucket}/${unit.key}`,
        hint: "put {stack}, {account} and {region} in state.key (or state.bucket) so that every unit has its own",
      });
    }
  },
};
