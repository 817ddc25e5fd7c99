/**
 * `missing-account-guard`: an aws provider or an S3 backend that does not pin its account with
 * `allowed_account_ids` or `forbidden_account_ids`, so that ambient credentials for the wrong
 * account plan and apply without complaint.
 */
import { findAttribute } from "../../hcl/syntax-queries.ts";
import {
  awsProviderBlocks,
  hasAccountGuard,
  hasCrossformWiring,
  s3BackendBlocks,
} from "../blocks.ts";
import type { LintRule } from "../rule.ts";

/** The rule. */
export const missingAccountGuard: LintRule = {
  meta: {
    id: "missing-account-guard",
    description:
      "an aws provider or S3 backend without allowed_account_ids or forbidden_account_ids",
    defaultSeverity: "warn",
  },
  create(context) {
    for (const module of context.repository.modules) {
      for (const { file, block } of awsProviderBlocks(module)) {
        if (hasAccountGuard(block)) continue;
        const alias = findAttribute(block.body, "alias");
        const name =
          alias === undefined
            ? 'provider "aws"'
            : `provider "aws" (alias ${file.text.slice(alias.expression.range.start.offset, alias.expression.range.end.offset)})`;
        context.report({
          file: file.path,
          range: block.typeRange,
          message: `${name} in ${module.dir} does not say which account it may touch`,
          hint: "add `allowed_account_ids = [<the account id>]` (or let crossform generate the provider)",
        });
      }
      // A partial `backend "s3" {}` that crossform completes carries the guard in its generated settings.
      if (module.stack !== undefined || hasCrossformWiring(module)) continue;
      for (const { file, block } of s3BackendBlocks(module)) {
        if (hasAccountGuard(block)) continue;
        context.report({
          file: file.path,
          range: block.typeRange,
          message: `the S3 backend of ${module.dir} does not say which account holds its state`,
          hint: "add `allowed_account_ids = [<the state account id>]` to the backend block (Terraform >= 1.6)",
        });
      }
    }
  },
};
