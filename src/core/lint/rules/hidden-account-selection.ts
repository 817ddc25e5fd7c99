/**
 * `hidden-account-selection`: the account a run touches is decided outside the code: an aws provider
 * with neither `assume_role` (in any form, `dynamic "assume_role"` included), crossform's generated
 * wiring nor `allowed_account_ids` (it uses whatever `AWS_PROFILE` or ambient credentials the shell
 * has), a hard-coded `profile`, or account ids, roles and profiles chosen by `terraform.workspace`,
 * directly or through locals (a local of a local too). A workspace used only in names is fine.
 */
import { findAttribute, stringValue, walkExpression } from "../../hcl/syntax-queries.ts";
import type {
  HclAttribute,
  HclBlock,
  HclExpression,
  HclFile,
  HclRange,
  HclTraversalStep,
} from "../../hcl/syntax.ts";
import { sourceText } from "../../hcl/syntax.ts";
import { awsProviders, blockRange, hasCrossformWiring, providerLabel } from "../blocks.ts";
import type { LintModule, LintRule, RuleContext } from "../rule.ts";

/**
 * Words of a name that make it an account (`account_ids`, `TargetAccount`), a profile or a trusted
 * principal. ARNs and role names alone are not: most name resources inside the account (a
 * certificate, an instance role) and choosing them by workspace chooses no account. Roles that
 * select the account are the provider's `role_arn`, checked as a provider account argument.
 */
const ACCOUNT_WORDS = new Set(["profile", "profiles", "principal", "principals"]);

/** True when a name speaks of accounts, profiles or principals (an instance profile is neither). */
function isAccountName(name: string): boolean {
  const words = name
    .replace(/([a-z0-9])([A-Z])/g, "$1_$2")
    .toLowerCase()
    .split(/[^a-z0-9]+/);
  return words.some(
    (word, i) =>
      word.includes("account") ||
      (ACCOUNT_WORDS.has(word) && !(word.startsWith("profile") && words[i - 1] === "instance")),
  );
}

/** Literal text that holds an account id. */
const ACCOUNT_TEXT = /(?<![0-9A-Za-z])\d{12}(?![0-9A-Za-z])/;

/** Provider arguments that decide the account (inside `assume_role` blocks for `role_arn`). */
const ACCOUNT_ARGUMENTS = new Set([
  "profile",
  "role_arn",
  "allowed_account_ids",
  "forbidden_account_ids",
]);

/** A local value: whether it reads `terraform.workspace` itself and which locals it reads. */
interface LocalFact {
  name: string;
  readsWorkspace: boolean;
  locals: string[];
}

/** A choice between values keyed by the workspace, or by locals that may follow it. */
interface SelectionFact {
  /** The attribute (or local) the choice is written in. */
  attribute: string;
  range: HclRange;
  /** True when the attribute's name, the name of what is chosen or the values chosen among are accounts or roles. */
  accountLike: boolean;
  /** True inside an account argument of an aws provider. */
  inProviderAccountArgument: boolean;
  /** The key or condition reads `terraform.workspace` itself. */
  keyReadsWorkspace: boolean;
  /** Locals the key or condition reads. */
  keyLocals: string[];
}

/** An account argument of an aws provider that reads the workspace or a local. */
interface AccountArgumentFact {
  attribute: string;
  range: HclRange;
  /** The provider's label for messages. */
  provider: string;
  readsWorkspace: boolean;
  locals: string[];
}

/** What the rule takes from one file. */
interface HiddenSelectionFacts {
  locals: LocalFact[];
  selections: SelectionFact[];
  accountArguments: AccountArgumentFact[];
}

/** The rule. */
export const hiddenAccountSelection: LintRule<HiddenSelectionFacts> = {
  meta: {
    id: "hidden-account-selection",
    description:
      "an aws provider whose account comes from the shell (no assume_role, no guard, no crossform wiring), a hard-coded profile, or accounts chosen by terraform.workspace",
    defaultSeverity: "warn",
  },
  collect: collectSelections,
  create(context) {
    for (const module of context.repository.modules) {
      if (module.role === "root") reportProviders(context, module);
      reportWorkspaceChoices(context, module);
    }
  },
};

function reportProviders(context: RuleContext<HiddenSelectionFacts>, module: LintModule): void {
  const wired = hasCrossformWiring(module);
  for (const provider of awsProviders(module)) {
    const label = providerLabel(provider);
    if (provider.profile !== undefined && typeof provider.profile.value === "string") {
      context.report({
        file: provider.profile.file,
        range: provider.profile.range,
        message: `${label} in ${module.dir} hard-codes profile "${provider.profile.value}": the account depends on each operator's ~/.aws/config`,
        hint: "remove the profile; assume a role in the target account (`assume_role { role_arn = ... }`) or let crossform generate the provider",
      });
    }
    if (provider.hasAssumeRole || provider.hasAssumeRoleWithWebIdentity) continue;
    // A guarded provider names its account in the code and Terraform refuses any other.
    if (wired || provider.hasAccountGuard) continue;
    context.report({
      file: provider.file,
      range: blockRange(module, provider, "provider"),
      message: `${label} in ${module.dir} has no assume_role and no allowed_account_ids: the account is whatever AWS_PROFILE or the ambient credentials point at`,
      hint: "add `assume_role { role_arn = ... }` for the target account (and `allowed_account_ids`), or let crossform generate the provider wiring",
    });
  }
}

function reportWorkspaceChoices(
  context: RuleContext<HiddenSelectionFacts>,
  module: LintModule,
): void {
  const facts = module.files.map((file) => ({ file, facts: context.factsOf(file) }));
  const following = workspaceLocals(facts.flatMap(({ facts: f }) => f?.locals ?? []));
  const via = (locals: string[]): string | undefined => locals.find((name) => following.has(name));
  for (const { file, facts: f } of facts) {
    if (f === undefined) continue;
    const reported: HclRange[] = [];
    for (const selection of f.selections) {
      const local = via(selection.keyLocals);
      if (!selection.keyReadsWorkspace && local === undefined) continue;
      if (!selection.accountLike && !selection.inProviderAccountArgument) continue;
      reported.push(selection.range);
      context.report({
        file: file.path,
        range: selection.range,
        message: `${selection.attribute} in ${file.path} picks an account or role by terraform.workspace${local === undefined || selection.keyReadsWorkspace ? "" : ` (through local.${local})`}: the workspace an operator happens to have selected decides the account`,
        hint: "pass the account explicitly (one root or one crossform unit per account, `allowed_account_ids` on the provider); use the workspace only in names",
      });
    }
    // A provider inside a reusable module is provider-in-module's finding.
    if (module.role === "module") continue;
    for (const argument of f.accountArguments) {
      const local = via(argument.locals);
      if (!argument.readsWorkspace && local === undefined) continue;
      if (reported.some((range) => within(range, argument.range))) continue;
      context.report({
        file: file.path,
        range: argument.range,
        message: `${argument.attribute} of ${argument.provider} in ${module.dir} follows terraform.workspace${argument.readsWorkspace ? "" : ` (through local.${local ?? ""})`}: the workspace an operator happens to have selected decides the account`,
        hint: "give each account its own root or crossform unit and name its role explicitly; use the workspace only in names",
      });
    }
  }
}

function within(inner: HclRange, outer: HclRange): boolean {
  return inner.start.offset >= outer.start.offset && inner.end.offset <= outer.end.offset;
}

/** The locals whose value follows the workspace, directly or through other locals (to any depth). */
function workspaceLocals(locals: LocalFact[]): Set<string> {
  const following = new Set(locals.filter((local) => local.readsWorkspace).map((l) => l.name));
  let grew = true;
  while (grew) {
    grew = false;
    for (const local of locals) {
      if (following.has(local.name) || !local.locals.some((name) => following.has(name))) continue;
      following.add(local.name);
      grew = true;
    }
  }
  return following;
}

/** Reads the locals, the workspace-keyed choices and the provider account arguments of a file. */
function collectSelections(file: HclFile): HiddenSelectionFacts {
  const facts: HiddenSelectionFacts = { locals: [], selections: [], accountArguments: [] };
  const visit = (attribute: HclAttribute, inProviderAccountArgument: boolean): void => {
    walkExpression(attribute.expression, (expression) => {
      const choice = choiceOf(expression);
      if (choice === undefined) return;
      const keyReadsWorkspace = choice.keys.some(readsWorkspace);
      const keyLocals = choice.keys.flatMap(localsRead);
      if (!keyReadsWorkspace && keyLocals.length === 0) return;
      const text = choice.values.map((node) => sourceText(file, node)).join(" ");
      facts.selections.push({
        attribute: attribute.name,
        range: expression.range,
        accountLike:
          isAccountName(attribute.name) ||
          (choice.chosenName !== undefined && isAccountName(choice.chosenName)) ||
          ACCOUNT_TEXT.test(text),
        inProviderAccountArgument,
        keyReadsWorkspace,
        keyLocals,
      });
    });
  };
  for (const attribute of file.attributes) visit(attribute, false);
  const walk = (blocks: HclBlock[], provider: HclBlock | undefined): void => {
    for (const block of blocks) {
      if (block.type === "locals") {
        for (const attribute of block.body.attributes) {
          facts.locals.push({
            name: attribute.name,
            readsWorkspace: readsWorkspace(attribute.expression),
            locals: localsRead(attribute.expression),
          });
        }
      }
      const awsProvider =
        provider ?? (block.type === "provider" && block.labels[0] === "aws" ? block : undefined);
      for (const attribute of block.body.attributes) {
        const accountArgument = awsProvider !== undefined && ACCOUNT_ARGUMENTS.has(attribute.name);
        visit(attribute, accountArgument);
        if (accountArgument && awsProvider !== undefined)
          facts.accountArguments.push(accountArgumentOf(awsProvider, attribute));
      }
      walk(block.body.blocks, awsProvider);
    }
  };
  walk(file.blocks, undefined);
  return facts;
}

function accountArgumentOf(provider: HclBlock, attribute: HclAttribute): AccountArgumentFact {
  const alias = findAttribute(provider.body, "alias");
  const aliasText = alias === undefined ? undefined : stringValue(alias.expression);
  return {
    attribute: attribute.name,
    range: attribute.range,
    provider:
      alias === undefined
        ? 'provider "aws"'
        : `provider "aws" (alias ${aliasText === undefined ? "computed" : `"${aliasText}"`})`,
    readsWorkspace: readsWorkspace(attribute.expression),
    locals: localsRead(attribute.expression),
  };
}

/** A choice between values by a key: its keys, and whether what it chooses is an account or role. */
interface Choice {
  keys: HclExpression[];
  /** The name of what is chosen (`account_ids` in `local.account_ids[k]`, `role` in `local.envs[k].role`). */
  chosenName?: string;
  /** The values chosen among, when they are written out (a conditional's branches). */
  values: HclExpression[];
}

/**
 * When the expression chooses between values by a key (an index, a `lookup` or `element`, a
 * conditional), the keys and what is chosen; undefined otherwise.
 */
function choiceOf(expression: HclExpression): Choice | undefined {
  if (expression.kind === "traversal" || expression.kind === "access") {
    const steps = expression.steps;
    const first = steps.findIndex((step) => step.kind === "index");
    if (first === -1) return undefined;
    const keys = steps.flatMap((step) => (step.kind === "index" ? [step.key] : []));
    // What is chosen: the member read after the key when there is one (`envs[k].role`), else
    // the collection itself (`account_ids[k]`).
    const after = steps.slice(first + 1);
    const before = steps.slice(0, first).filter((step) => step.kind === "attr");
    const named = after.length > 0 ? memberName(after) : before[before.length - 1];
    const chosenName =
      named === undefined || typeof named === "string"
        ? named
        : named.kind === "attr"
          ? named.name
          : undefined;
    const choice: Choice = { keys, values: [] };
    if (chosenName !== undefined) choice.chosenName = chosenName;
    return choice;
  }
  if (
    expression.kind === "call" &&
    (expression.name === "lookup" || expression.name === "element")
  ) {
    const [collection, key] = expression.args;
    if (collection === undefined || key === undefined) return undefined;
    const choice: Choice = { keys: [key], values: expression.args.slice(2) };
    const chosenName = lastName(collection);
    if (chosenName !== undefined) choice.chosenName = chosenName;
    return choice;
  }
  if (expression.kind === "conditional") {
    return {
      keys: [expression.condition],
      values: [expression.trueResult, expression.falseResult],
    };
  }
  return undefined;
}

/** The last member name of a chain of steps: an attribute, or a string index (`["ami_id"]`). */
function memberName(steps: HclTraversalStep[]): string | undefined {
  for (let i = steps.length - 1; i >= 0; i -= 1) {
    const step = steps[i] as HclTraversalStep;
    if (step.kind === "attr") return step.name;
    if (step.kind === "index" && step.key.kind === "string") return step.key.value;
  }
  return undefined;
}

/** The last name of a reference: `account_ids` in `local.config.account_ids`. */
function lastName(expression: HclExpression): string | undefined {
  if (expression.kind !== "traversal") return undefined;
  const attrs = expression.steps.filter((step) => step.kind === "attr");
  const last = attrs[attrs.length - 1];
  return last?.kind === "attr" ? last.name : expression.root;
}

function readsWorkspace(expression: HclExpression): boolean {
  let found = false;
  walkExpression(expression, (node) => {
    if (node.kind !== "traversal" || node.root !== "terraform") return;
    const [first] = node.steps;
    if (first?.kind === "attr" && first.name === "workspace") found = true;
  });
  return found;
}

function localsRead(expression: HclExpression): string[] {
  const out: string[] = [];
  walkExpression(expression, (node) => {
    if (node.kind !== "traversal" || node.root !== "local") return;
    const [first] = node.steps;
    if (first?.kind === "attr" && !out.includes(first.name)) out.push(first.name);
  });
  return out;
}
