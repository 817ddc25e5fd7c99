/**
 * `hard-coded-account-id`: a 12-digit AWS account id written into a reusable module (in an ARN, a
 * principal, a name, a policy), which ties every caller to that account. Not flagged: comments,
 * documentation placeholders such as 123456789012, and AWS's own ELB log-delivery accounts (the list
 * and its source are in docs/rules/hard-coded-account-id.md).
 */
import { walkBlocks, walkExpression } from "../../hcl/syntax-queries.ts";
import { createLineIndex } from "../../hcl/line-index.ts";
import type { LineIndex } from "../../hcl/line-index.ts";
import type { HclExpression, HclFile, HclRange, HclTemplatePart } from "../../hcl/syntax.ts";
import type { LintRule } from "../rule.ts";

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

const AWS_SERVICE_ACCOUNTS = new Set(Object.values(ELB_LOG_DELIVERY_ACCOUNTS));

const ACCOUNT_ID = /(?<![0-9])[0-9]{12}(?![0-9])/g;

/** True for ids that documentation uses as examples: one digit repeated, or a run of consecutive digits. */
export function isPlaceholderAccountId(id: string): boolean {
  if (/^(\d)\1{11}$/.test(id)) return true;
  const digits = [...id].map(Number);
  const step = (digits[1] as number) - (digits[0] as number);
  if (step !== 1 && step !== -1) return false;
  return digits.every(
    (digit, i) => i === 0 || (digit - (digits[i - 1] as number) + 10) % 10 === (step + 10) % 10,
  );
}

/** The rule. */
export const hardCodedAccountId: LintRule = {
  meta: {
    id: "hard-coded-account-id",
    description: "a 12-digit account id literal inside a reusable module",
    defaultSeverity: "error",
  },
  create(context) {
    const indexes = new Map<HclFile, LineIndex>();
    const lines = (file: HclFile): LineIndex => {
      let index = indexes.get(file);
      if (index === undefined) {
        index = createLineIndex(file.text);
        indexes.set(file, index);
      }
      return index;
    };
    const thirdParty = new Set(context.repository.config?.thirdPartyAccounts ?? []);
    for (const module of context.repository.modules) {
      if (module.role !== "module") continue;
      for (const file of module.files) {
        const visit = (expression: HclExpression): void => {
          walkExpression(expression, (node) => {
            for (const range of literalRanges(node)) {
              const raw = file.text.slice(range.start.offset, range.end.offset);
              for (const match of raw.matchAll(ACCOUNT_ID)) {
                const id = match[0];
                if (
                  isPlaceholderAccountId(id) ||
                  AWS_SERVICE_ACCOUNTS.has(id) ||
                  thirdParty.has(id)
                )
                  continue;
                context.report({
                  file: file.path,
                  range: lines(file).range(
                    range.start.offset + match.index,
                    range.start.offset + match.index + id.length,
                  ),
                  message: `the reusable module ${module.dir} hard-codes the account id ${id}`,
                  hint: "take the id from `data.aws_caller_identity.current.account_id` or from a variable the caller sets",
                });
              }
            }
          });
        };
        for (const attribute of file.attributes) visit(attribute.expression);
        walkBlocks(file.blocks, (block) => {
          for (const attribute of block.body.attributes) visit(attribute.expression);
        });
      }
    }
  },
};

/** The source ranges of an expression's own literal text (not of the expressions inside it). */
function literalRanges(node: HclExpression): HclRange[] {
  switch (node.kind) {
    case "string":
    case "number":
      return [node.range];
    case "template":
    case "heredoc":
      return literalPartRanges(node.parts);
    default:
      return [];
  }
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
