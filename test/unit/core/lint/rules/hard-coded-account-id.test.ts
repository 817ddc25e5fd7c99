import assert from "node:assert/strict";
import { test } from "node:test";
import {
  ELB_LOG_DELIVERY_ACCOUNTS,
  hardCodedAccountId,
  isPlaceholderAccountId,
} from "../../../../../src/core/lint/rules/hard-coded-account-id.ts";
import { ruleCases } from "../../../../helpers/lint-rule-cases.ts";
import type { TestRepository } from "../../../../helpers/lint-rule-cases.ts";

/** A root calling `modules/app`, whose main.tf is `text`. */
function inModule(text: string): TestRepository {
  return {
    modules: [
      { dir: "live", files: { "main.tf": 'module "app" {\n  source = "../modules/app"\n}\n' } },
      { dir: "modules/app", files: { "main.tf": text } },
    ],
  };
}

ruleCases(hardCodedAccountId, [
  {
    name: "an account id inside an ARN",
    repository: inModule(
      'resource "aws_iam_role_policy_attachment" "x" {\n  role       = "app"\n  policy_arn = "arn:aws:iam::210987654329:policy/app"\n}\n',
    ),
    expected: [{ file: "modules/app/main.tf", line: 3, column: 30 }],
  },
  {
    name: "an account id in a principal inside a heredoc policy",
    repository: inModule(
      'resource "aws_s3_bucket_policy" "x" {\n  bucket = "b"\n  policy = <<EOF\n{"Principal": {"AWS": "arn:aws:iam::731935562882:root"}}\nEOF\n}\n',
    ),
    expected: [{ file: "modules/app/main.tf", line: 4, column: 37 }],
  },
  {
    name: "an account id in a name next to an interpolation",
    repository: inModule(
      'resource "aws_s3_bucket" "x" {\n  bucket = "logs-${var.env}-731935562881"\n}\n',
    ),
    expected: [{ file: "modules/app/main.tf", line: 2, column: 29 }],
  },
  {
    name: "an account id in a list of principals",
    repository: inModule('locals {\n  trusted = ["731935562881", var.extra]\n}\n'),
    expected: [{ file: "modules/app/main.tf", line: 2, column: 15 }],
  },
  {
    name: "an account id written as a number",
    repository: inModule("locals {\n  account = 731935562881\n}\n"),
    expected: [{ file: "modules/app/main.tf", line: 2, column: 13 }],
  },
  {
    name: "account ids in a JSON module, in a name and in a template",
    repository: {
      modules: [
        { dir: "live", files: { "main.tf": 'module "app" {\n  source = "../modules/app"\n}\n' } },
        {
          dir: "modules/app",
          files: {
            "main.tf.json":
              '{\n  "//": "owned by 731935562881",\n  "resource": {\n    "aws_iam_role": {\n      "r": {\n        "name": "x-731935562881",\n        "arn": "arn:aws:iam::731935562881:role/${var.x}"\n      }\n    }\n  }\n}\n',
          },
        },
      ],
    },
    expected: [
      { file: "modules/app/main.tf.json", line: 6, column: 20 },
      { file: "modules/app/main.tf.json", line: 7, column: 30 },
    ],
  },
  {
    name: "an account id in a comment",
    repository: inModule(
      '# deployed first in 731935562881\nresource "aws_s3_bucket" "x" {\n  bucket = "b" // see 731935562881\n  /* 731935562881 */\n}\n',
    ),
    expected: [],
  },
  {
    name: "documentation placeholders",
    repository: inModule(
      'locals {\n  a = "arn:aws:iam::123456789012:root"\n  b = "000000000000"\n  c = "111111111111"\n  d = "999999999999"\n  e = "012345678901"\n}\n',
    ),
    expected: [],
  },
  {
    name: "ELB log-delivery accounts",
    repository: inModule(
      'locals {\n  elb = {\n    us-east-1 = "arn:aws:iam::127311923021:root"\n    eu-west-1 = "156460612806"\n  }\n}\n',
    ),
    expected: [],
  },
  {
    name: "a third-party account of lint.third_party_accounts; another id on the line is still found",
    repository: {
      ...inModule(
        'locals {\n  vendor = "arn:aws:iam::464622532012:root"\n  other  = ["464622532012", "731935562881"]\n}\n',
      ),
      config: {
        file: "crossform.yaml",
        text: "version: 1\nlint:\n  third_party_accounts: ['464622532012']\n",
        units: [],
        stateKeyLocation: { file: "crossform.yaml", line: 1, column: 1 },
        thirdPartyAccounts: ["464622532012"],
      },
    },
    expected: [{ file: "modules/app/main.tf", line: 3, column: 30 }],
  },
  {
    name: "a third-party account id without the config key is reported",
    repository: inModule('locals {\n  vendor = "arn:aws:iam::464622532012:root"\n}\n'),
    expected: [{ file: "modules/app/main.tf", line: 2, column: 26 }],
  },
  {
    name: "longer digit runs are not account ids",
    repository: inModule('locals {\n  big = "17319355628810"\n  ts  = 1731935562881\n}\n'),
    expected: [],
  },
  {
    name: "an account id in a root is the root's business",
    repository: {
      modules: [
        {
          dir: "live",
          files: { "main.tf": 'provider "aws" {\n  allowed_account_ids = ["731935562881"]\n}\n' },
        },
      ],
    },
    expected: [],
  },
  {
    // Seen in public repositories: a module pinned to a commit whose SHA holds 12 digits in a row.
    name: "a 12-digit run inside a git SHA of a module source is not an account id",
    repository: inModule(
      'module "alerts" {\n  source = "github.com/acme/terraform-pagerduty?ref=d88bd90d490268896670a898edfaba24bba2f8ab"\n}\n',
    ),
    expected: [],
  },
  {
    name: "nor inside a longer hex or alphanumeric token",
    repository: inModule(
      'locals {\n  digest = "sha256:0a731935562881f3"\n  id     = "i0731935562881x"\n  image  = "app-731935562881abc"\n}\n',
    ),
    expected: [],
  },
  {
    name: "an id between separators is one: underscores and dashes are not part of a token",
    repository: inModule('locals {\n  waf = "waf_sentinel_684092750218_default"\n}\n'),
    expected: [{ file: "modules/app/main.tf", line: 2, column: 23 }],
  },
  {
    name: "AWS documentation placeholders",
    repository: inModule(
      'locals {\n  a = "arn:aws:iam::111122223333:root"\n  b = "arn:aws:iam::444455556666:root"\n  c = "777788889999"\n  d = "123456789012"\n}\n',
    ),
    expected: [],
  },
  {
    // Seen in public repositories: Canonical, the Deep Learning AMIs and another publisher.
    name: "the owners of an AMI lookup are image publishers, not accounts deployed to",
    repository: inModule(
      'data "aws_ami" "node" {\n  most_recent = true\n  owners      = ["099720109477", "898082745236", "696911096973"]\n  filter {\n    name   = "owner-id"\n    values = ["137112412989"]\n  }\n}\n\ndata "aws_ami_ids" "all" {\n  owners = ["731935562881"]\n}\n',
    ),
    expected: [],
  },
  {
    name: "an id outside the image lookup, in the same file, is still reported",
    repository: inModule(
      'data "aws_ami" "node" {\n  owners = ["099720109477"]\n}\n\nlocals {\n  owner = "731935562881"\n}\n',
    ),
    expected: [{ file: "modules/app/main.tf", line: 6, column: 12 }],
  },
  {
    name: "12-digit numbers used as sizes, thresholds and in arithmetic",
    repository: inModule(
      'resource "aws_cloudwatch_metric_alarm" "disk" {\n  threshold = 107374182400\n}\n\nlocals {\n  max_size_bytes = 549755813888\n  quota          = { StorageBytes = 274877906944 }\n  scaled         = var.gib * 107374182400\n}\n',
    ),
    expected: [],
  },
  {
    name: "descriptions are documentation",
    repository: inModule(
      'output "roles" {\n  value       = {}\n  description = "role ARNs, e.g. arn:aws:iam::123467890123:role/admin"\n}\n\nvariable "x" {\n  type = string\n  validation {\n    condition     = length(var.x) > 0\n    error_message = "like 731935562881"\n  }\n}\n',
    ),
    expected: [],
  },
  {
    name: "reusable code deployed by several Terragrunt units, ids in variable defaults",
    repository: {
      modules: [
        {
          dir: "modules/vpc",
          files: {
            "variables.tf":
              'variable "peer_account_id" {\n  type    = string\n  default = "731935562881"\n}\n',
          },
        },
        {
          dir: "live/dev/vpc",
          files: {
            "terragrunt.hcl": 'terraform {\n  source = "../../../modules//vpc"\n}\n',
          },
        },
        {
          dir: "live/prod/vpc",
          files: {
            "terragrunt.hcl": 'terraform {\n  source = "${get_repo_root()}/modules/vpc"\n}\n',
          },
        },
      ],
    },
    expected: [{ file: "modules/vpc/variables.tf", line: 3, column: 14 }],
  },
  {
    name: "a root deployed by one Terragrunt unit is that unit's business",
    repository: {
      modules: [
        {
          dir: "modules/vpc",
          files: { "main.tf": 'locals {\n  peer = "731935562881"\n}\n' },
        },
        {
          dir: "live/dev/vpc",
          files: { "terragrunt.hcl": 'terraform {\n  source = "../../../modules/vpc"\n}\n' },
        },
      ],
    },
    expected: [],
  },
  {
    name: "a crossform stack deployed to several accounts, ids in variable defaults",
    repository: {
      modules: [
        {
          dir: "stacks/app",
          stack: { name: "app", accountCount: 3 },
          files: {
            "variables.tf": 'variable "dns_account" {\n  default = "731935562881"\n}\n',
          },
        },
      ],
    },
    expected: [{ file: "stacks/app/variables.tf", line: 2, column: 14 }],
  },
  {
    name: "a multi-account stack is deployed once: its accounts are written in it by design",
    repository: {
      modules: [
        {
          dir: "stacks/dns",
          stack: { name: "dns", accountCount: 2, mode: "multi-account" },
          files: {
            "main.tf": 'variable "zone" {}\n\nlocals {\n  delegate_to = "731935562881"\n}\n',
          },
        },
      ],
    },
    expected: [],
  },
  {
    // Seen in public repositories: a library of modules, each called from other repositories only.
    name: "a module library linted alone: a directory with no backend and no provider is made to be called",
    repository: {
      modules: [
        {
          dir: "iam_role",
          files: {
            "variables.tf": 'variable "name" {\n  type = string\n}\n',
            "main.tf":
              'resource "aws_iam_role" "this" {\n  name               = var.name\n  assume_role_policy = jsonencode({ Principal = { AWS = "arn:aws:iam::731935562881:root" } })\n}\n',
          },
        },
      ],
    },
    expected: [{ file: "iam_role/main.tf", line: 3, column: 71 }],
  },
  {
    name: "a directory with its own provider or backend is deployed as it is: a root",
    repository: {
      modules: [
        {
          dir: "account",
          files: {
            "main.tf":
              'variable "name" {}\n\nprovider "aws" {\n  region = "eu-west-1"\n}\n\nlocals {\n  peer = "731935562881"\n}\n',
          },
        },
        {
          dir: "state",
          files: {
            "main.tf":
              'variable "name" {}\n\nterraform {\n  backend "s3" {}\n}\n\nlocals {\n  peer = "731935562881"\n}\n',
          },
        },
      ],
    },
    expected: [],
  },
  {
    name: "an account id suppressed on the line before",
    repository: inModule(
      'locals {\n  # crossform-ignore: hard-coded-account-id\n  partner = "731935562881"\n}\n',
    ),
    expected: [],
  },
]);

test("placeholders: repeated digits and runs of consecutive digits, not real-looking ids", () => {
  assert.equal(isPlaceholderAccountId("123456789012"), true);
  assert.equal(isPlaceholderAccountId("210987654321"), true);
  assert.equal(isPlaceholderAccountId("555555555555"), true);
  assert.equal(isPlaceholderAccountId("111122223333"), true);
  assert.equal(isPlaceholderAccountId("112233445566"), true);
  assert.equal(isPlaceholderAccountId("123456789013"), false);
  assert.equal(isPlaceholderAccountId("731935562881"), false);
});

test("the ELB list has one 12-digit id per region", () => {
  const ids = Object.values(ELB_LOG_DELIVERY_ACCOUNTS);
  assert.ok(ids.length >= 20);
  assert.ok(ids.every((id) => /^\d{12}$/.test(id)));
  assert.equal(new Set(ids).size, ids.length);
});
