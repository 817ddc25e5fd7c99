/**
 * `missing-account-guard`: an aws provider or an S3 backend that does not pin its account with
 * `allowed_account_ids` or `forbidden_account_ids`, so that ambient credentials for the wrong
 * account plan and apply without complaint. A provider inside a reusable module is
 * `provider-in-module`'s finding (it should not exist at all); a partial `backend "s3" {}` is
 * checked through the `.tfbackend` files next to it, since its settings come from outside the block.
 */
import {
  awsProviders,
  blockRange,
  hasCrossformWiring,
  providerLabel,
  s3Backends,
} from "../blocks.ts";
import type { BackendSummary } from "../../hcl/module-summary.ts";
import type { LintModule, LintRule, RuleContext } from "../rule.ts";

const GUARDS = ["allowed_account_ids", "forbidden_account_ids"];

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
      if (module.role === "root") reportProviders(context, module);
      // A partial `backend "s3" {}` that crossform completes carries the guard in its generated settings.
      if (module.stack !== undefined || hasCrossformWiring(module)) continue;
      for (const backend of s3Backends(module)) reportBackend(context, module, backend);
    }
  },
};

function reportProviders(context: RuleContext, module: LintModule): void {
  for (const provider of awsProviders(module)) {
    if (provider.hasAccountGuard) continue;
    context.report({
      file: provider.file,
      range: blockRange(module, provider, "provider"),
      message: `${providerLabel(provider)} in ${module.dir} does not say which account it may touch`,
      hint: "add `allowed_account_ids = [<the account id>]` (or let crossform generate the provider)",
    });
  }
}

function reportBackend(context: RuleContext, module: LintModule, backend: BackendSummary): void {
  if (GUARDS.some((name) => name in backend.attributes)) return;
  if ("bucket" in backend.attributes) {
    context.report({
      file: backend.file,
      range: blockRange(module, backend, "backend"),
      message: `the S3 backend of ${module.dir} does not say which account holds its state`,
      hint: "add `allowed_account_ids = [<the state account id>]` to the backend block (Terraform >= 1.6)",
    });
    return;
  }
  // A partial backend: what `-backend-config` passes decides; only the files in the repository can be read.
  for (const file of module.backendFiles) {
    if (file.hasAccountGuard) continue;
    const anchor = file.settings["bucket"]?.range ?? file.range;
    context.report({
      file: file.path,
      range: anchor,
      message: `${file.path}, the backend configuration of ${module.dir}, does not say which account holds the state`,
      hint: 'add `allowed_account_ids = ["<the state account id>"]` to this file (Terraform >= 1.6)',
    });
  }
}
