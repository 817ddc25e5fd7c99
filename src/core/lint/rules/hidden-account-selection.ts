/**
 * `hidden-account-selection`: the account a run touches is decided outside the code: an aws provider
 * with neither `assume_role` nor crossform's generated wiring (it uses whatever `AWS_PROFILE` or
 * ambient credentials the shell has), a hard-coded `profile`, or account ids and role ARNs picked
 * by `terraform.workspace`. A workspace used only as a name prefix is fine.
 */
import {
  findAttribute,
  hasAttributeOrBlock,
  stringValue,
  walkBlocks,
  walkExpression,
} from "../../hcl/syntax-queries.ts";
import type { HclAttribute, HclBlock, HclExpression, HclFile } from "../../hcl/syntax.ts";
import { sourceText } from "../../hcl/syntax.ts";
import { awsProviderBlocks, hasCrossformWiring } from "../blocks.ts";
import type { LintRule, RuleContext } from "../rule.ts";

const ACCOUNT_WORDS = /account|role|arn|profile|\b\d{12}\b/i;

/** The rule. */
export const hiddenAccountSelection: LintRule = {
  meta: {
    id: "hidden-account-selection",
    description:
      "an aws provider whose account comes from the shell (no assume_role, no crossform wiring), a hard-coded profile, or accounts chosen by terraform.workspace",
    defaultSeverity: "warn",
  },
  create(context) {
    for (const module of context.repository.modules) {
      const wired = hasCrossformWiring(module);
      for (const { file, block } of awsProviderBlocks(module)) {
        const profile = findAttribute(block.body, "profile");
        if (profile !== undefined && stringValue(profile.expression) !== undefined) {
          context.report({
            file: file.path,
            range: profile.range,
            message: `provider "aws" in ${module.dir} hard-codes profile "${stringValue(profile.expression) ?? ""}": the account depends on each operator's ~/.aws/config`,
            hint: "remove the profile; assume a role in the target account (`assume_role { role_arn = ... }`) or let crossform generate the provider",
          });
        }
        const assumes =
          hasAttributeOrBlock(block.body, "assume_role") ||
          hasAttributeOrBlock(block.body, "assume_role_with_web_identity");
        if (assumes || wired) continue;
        context.report({
          file: file.path,
          range: block.typeRange,
          message: `provider "aws" in ${module.dir} has no assume_role: the account is whatever AWS_PROFILE or the ambient credentials point at`,
          hint: "add `assume_role { role_arn = ... }` for the target account, or let crossform generate the provider wiring",
        });
      }
      for (const file of module.files) {
        reportWorkspaceSelections(context, file);
      }
    }
  },
};

function reportWorkspaceSelections(context: RuleContext, file: HclFile): void {
  const check = (attribute: HclAttribute, ancestors: HclBlock[]): void => {
    const inWiring = ancestors.some(
      (block) => block.type === "provider" || block.type === "backend",
    );
    walkExpression(attribute.expression, (expression) => {
      const selected = workspaceSelection(expression);
      if (selected === undefined) return;
      const text = selected.map((node) => sourceText(file, node)).join(" ");
      if (!inWiring && !ACCOUNT_WORDS.test(attribute.name) && !ACCOUNT_WORDS.test(text)) return;
      context.report({
        file: file.path,
        range: expression.range,
        message: `${attribute.name} in ${file.path} picks an account or role by terraform.workspace: the workspace an operator happens to have selected decides the account`,
        hint: "pass the account explicitly (one root or one crossform unit per account, `allowed_account_ids` on the provider); use the workspace only in names",
      });
    });
  };
  for (const attribute of file.attributes) check(attribute, []);
  walkBlocks(file.blocks, (block, ancestors) => {
    for (const attribute of block.body.attributes) check(attribute, [...ancestors, block]);
  });
}

/**
 * When the expression chooses between values by the workspace (an index, a `lookup` or a
 * conditional on `terraform.workspace`), the expressions it chooses among; undefined otherwise.
 */
function workspaceSelection(expression: HclExpression): HclExpression[] | undefined {
  if (expression.kind === "traversal" || expression.kind === "access") {
    const indexed = expression.steps.some(
      (step) => step.kind === "index" && mentionsWorkspace(step.key),
    );
    if (!indexed) return undefined;
    return expression.kind === "access" ? [expression.target] : [expression];
  }
  if (
    expression.kind === "call" &&
    (expression.name === "lookup" || expression.name === "element")
  ) {
    const [collection, key] = expression.args;
    if (collection === undefined || key === undefined || !mentionsWorkspace(key)) return undefined;
    return [collection, ...expression.args.slice(2)];
  }
  if (expression.kind === "conditional" && mentionsWorkspace(expression.condition)) {
    return [expression.trueResult, expression.falseResult];
  }
  return undefined;
}

function mentionsWorkspace(expression: HclExpression): boolean {
  let found = false;
  walkExpression(expression, (node) => {
    if (node.kind !== "traversal" || node.root !== "terraform") return;
    const [first] = node.steps;
    if (first?.kind === "attr" && first.name === "workspace") found = true;
  });
  return found;
}
