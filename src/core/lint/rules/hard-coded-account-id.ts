/**
 * `hard-coded-account-id`: a 12-digit AWS account id written into reusable code (a module another
 * directory calls, a root deployed to several accounts by crossform or by several Terragrunt units):
 * in an ARN, a principal, a name, a policy or a variable default, it ties every deployment to that
 * account. What is not an account id, or not one the deployments depend on, is left alone; each
 * exemption and its source is listed in docs/rules/hard-coded-account-id.md.
 */
import { findAttribute, objectKeyName, stringValue } from "../../hcl/syntax-queries.ts";
import { createLineIndex } from "../../hcl/line-index.ts";
import type { LineIndex } from "../../hcl/line-index.ts";
import type {
  HclBlock,
  HclExpression,
  HclFile,
  HclRange,
  HclTemplatePart,
} from "../../hcl/syntax.ts";
import { childExpressions } from "../../hcl/syntax-queries.ts";
import { isReusable } from "../rule.ts";
import type { LintModule, LintRule } from "../rule.ts";

/**
 * Elastic Load Balancing log-delivery accounts by region, from
 * https://docs.aws.amazon.com/elasticloadbalancing/latest/application/enable-access-logging.html
 */
export const ELB_LOG_DELIVERY_ACCOUNTS: Readonly<Record<string, string>> = {
  "us-east-1": "127311923021",
  "us-east-2": "033677994240",
  "us-west-1": "027434742980",
  "us-west-2": "797873946194",
  "af-south-1": "098369216593",
  "ap-east-1": "754344448648",
  "ap-southeast-3": "589379963580",
  "ap-south-1": "718504428378",
  "ap-northeast-3": "383597477331",
  "ap-northeast-2": "600734575887",
  "ap-southeast-1": "114774131450",
  "ap-southeast-2": "783225319266",
  "ap-northeast-1": "582318560864",
  "ca-central-1": "985666609251",
  "eu-central-1": "054676820928",
  "eu-west-1": "156460612806",
  "eu-west-2": "652711504416",
  "eu-south-1": "635631232127",
  "eu-west-3": "009996457667",
  "eu-north-1": "897822967062",
  "me-south-1": "076674570225",
  "sa-east-1": "507241528517",
  "us-gov-west-1": "048591011584",
  "us-gov-east-1": "190560391635",
  "cn-north-1": "638102146993",
  "cn-northwest-1": "037604701340",
};

/**
 * The example account ids of AWS's documentation, beyond the patterns {@link isPlaceholderAccountId}
 * knows: the IAM User Guide's 111122223333, 444455556666 and 777788889999, and the others listed
 * with their sources in docs/rules/hard-coded-account-id.md.
 */
export const AWS_DOCUMENTATION_ACCOUNTS: readonly string[] = [
  "111122223333",
  "444455556666",
  "777788889999",
  "123456789012",
  "210987654321",
  "112233445566",
  "999988887777",
];

const AWS_SERVICE_ACCOUNTS = new Set(Object.values(ELB_LOG_DELIVERY_ACCOUNTS));
const DOCUMENTATION_ACCOUNTS = new Set(AWS_DOCUMENTATION_ACCOUNTS);

/** A run of 12 digits that is a token of its own: not part of a longer run of letters or digits (a hash, a git SHA). */
const ACCOUNT_ID = /(?<![0-9A-Za-z])[0-9]{12}(?![0-9A-Za-z])/g;

/** Names of arguments whose values are documentation, not configuration. */
const DOCUMENTATION_NAMES = /^(description|error_message)$/i;

/** Words of a name under which a 12-digit number is a quantity (bytes, seconds, a threshold), not an id. */
const QUANTITY_WORDS = new Set(
  (
    "size bytes byte capacity threshold limit quota max min maximum minimum length count memory " +
    "storage throughput iops period seconds secs ms millis milliseconds timeout duration retention " +
    "ttl interval amount budget rate kb mb gb tb kib mib gib tib days hours minutes"
  ).split(" "),
);

/** True when one word of the name (`max_size_bytes`, `MaxSize`) says it holds a quantity. */
function isQuantityName(name: string): boolean {
  return name
    .replace(/([a-z0-9])([A-Z])/g, "$1_$2")
    .toLowerCase()
    .split(/[^a-z0-9]+/)
    .some((word) => QUANTITY_WORDS.has(word));
}

/** Data sources whose `owners` (and `owner-id` filter) name an image's publisher, never an account deployed to. */
const IMAGE_LOOKUPS = new Set(["aws_ami", "aws_ami_ids"]);

/** True for ids that documentation uses as examples: one digit repeated, a run of consecutive digits, or AWS's own examples. */
export function isPlaceholderAccountId(id: string): boolean {
  if (DOCUMENTATION_ACCOUNTS.has(id)) return true;
  if (/^(\d)\1{11}$/.test(id)) return true;
  // Three runs of four equal digits (111122223333) and six pairs (112233445566).
  if (/^(\d)\1{3}(\d)\2{3}(\d)\3{3}$/.test(id) || /^(\d)\1(\d)\2(\d)\3(\d)\4(\d)\5(\d)\6$/.test(id))
    return true;
  const digits = [...id].map(Number);
  const step = (digits[1] as number) - (digits[0] as number);
  if (step !== 1 && step !== -1) return false;
  return digits.every(
    (digit, i) => i === 0 || (digit - (digits[i - 1] as number) + 10) % 10 === (step + 10) % 10,
  );
}

/** An account id literal found in a file. */
export interface AccountIdLiteral {
  id: string;
  range: HclRange;
}

/** The rule. */
export const hardCodedAccountId: LintRule<AccountIdLiteral[]> = {
  meta: {
    id: "hard-coded-account-id",
    description:
      "a 12-digit account id literal in reusable code (a called module, a root deployed to several accounts)",
    defaultSeverity: "error",
  },
  collect: accountIdLiterals,
  create(context) {
    const thirdParty = new Set(context.repository.config?.thirdPartyAccounts ?? []);
    for (const module of context.repository.modules) {
      if (!isReusable(module)) continue;
      for (const file of module.files) {
        for (const literal of context.factsOf(file) ?? []) {
          if (thirdParty.has(literal.id)) continue;
          context.report({
            file: file.path,
            range: literal.range,
            message: `${reusableLabel(module)} hard-codes the account id ${literal.id}`,
            hint: "take the id from `data.aws_caller_identity.current.account_id` or from a variable the caller sets",
          });
        }
      }
    }
  },
};

/** How the message names reusable code. */
function reusableLabel(module: LintModule): string {
  if (module.role === "module") return `the reusable module ${module.dir}`;
  if (module.stack !== undefined)
    return `${module.dir}, deployed to ${module.stack.accountCount} accounts as stack ${module.stack.name},`;
  if (module.terragruntUnits.length > 0)
    return `${module.dir}, deployed by ${module.terragruntUnits.length} Terragrunt units,`;
  return `the module ${module.dir} (no backend, no provider: made to be called)`;
}

/** Every account id literal of a file that is not exempt by where it is written. */
export function accountIdLiterals(file: HclFile): AccountIdLiteral[] {
  let lines: LineIndex | undefined;
  const out: AccountIdLiteral[] = [];
  const found = (range: HclRange, raw: string): void => {
    for (const match of raw.matchAll(ACCOUNT_ID)) {
      const id = match[0];
      if (isPlaceholderAccountId(id) || AWS_SERVICE_ACCOUNTS.has(id)) continue;
      lines ??= createLineIndex(file.text);
      const start = range.start.offset + match.index;
      out.push({ id, range: lines.range(start, start + id.length) });
    }
  };
  const visit = (expression: HclExpression, name: string): void => {
    if (DOCUMENTATION_NAMES.test(name)) return;
    switch (expression.kind) {
      case "string":
        found(
          expression.range,
          file.text.slice(expression.range.start.offset, expression.range.end.offset),
        );
        return;
      case "number":
        if (!isQuantityName(name)) found(expression.range, expression.raw);
        return;
      case "template":
      case "heredoc":
        for (const range of literalPartRanges(expression.parts))
          found(range, file.text.slice(range.start.offset, range.end.offset));
        break;
      case "binary":
        // An operand of arithmetic or a comparison is a quantity.
        if (expression.left.kind === "number" || expression.right.kind === "number") return;
        break;
      case "object":
        for (const item of expression.items) {
          visit(item.key, name);
          visit(item.value, objectKeyName(item.key) ?? name);
        }
        return;
      default:
        break;
    }
    for (const child of childExpressions(expression)) visit(child, name);
  };
  for (const attribute of file.attributes) visit(attribute.expression, attribute.name);
  const walk = (blocks: HclBlock[], imageLookup: boolean): void => {
    for (const block of blocks) {
      const lookup =
        imageLookup || (block.type === "data" && IMAGE_LOOKUPS.has(block.labels[0] ?? ""));
      if (lookup && block.type === "filter" && isOwnerFilter(block)) continue;
      for (const attribute of block.body.attributes) {
        if (lookup && attribute.name === "owners") continue;
        visit(attribute.expression, attribute.name);
      }
      walk(block.body.blocks, lookup);
    }
  };
  walk(file.blocks, false);
  return out;
}

function isOwnerFilter(block: HclBlock): boolean {
  const name = findAttribute(block.body, "name");
  return name !== undefined && stringValue(name.expression) === "owner-id";
}

function literalPartRanges(parts: HclTemplatePart[]): HclRange[] {
  return parts.flatMap((part) => {
    if (part.kind === "literal") return [part.range];
    if (part.kind === "if")
      return [...literalPartRanges(part.whenTrue), ...literalPartRanges(part.whenFalse)];
    if (part.kind === "for") return literalPartRanges(part.body);
    return [];
  });
}
