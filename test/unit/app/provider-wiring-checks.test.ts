// validate (and so generate and the run commands' preflight) against code that reaches a
// multi-account stack's default aws provider, or declares a provider crossform generates.
import assert from "node:assert/strict";
import { mkdir, writeFile } from "node:fs/promises";
import { dirname, join } from "node:path";
import { before, describe, test } from "node:test";
import { NodeFileSystem } from "../../../src/adapters/fs/node-file-system.ts";
import { createTreeSitterHclParser } from "../../../src/adapters/hcl/tree-sitter-hcl-parser.ts";
import { validate } from "../../../src/app/validate.ts";
import type { Diagnostic } from "../../../src/core/errors.ts";
import type { HclParser } from "../../../src/ports/hcl-parser.ts";
import { makeTempDir } from "../../helpers/temp-dir.ts";

let parser: HclParser;
before(async () => {
  parser = await createTreeSitterHclParser();
});

const CONFIG = `version: 1
accounts:
  shared: { id: "444444444444" }
  prod: { id: "333333333333", regions: [us-east-1, eu-west-1] }
  dev: { id: "111111111111" }
stacks:
  dns: { path: stacks/dns, mode: multi-account, home: shared, accounts: [shared, prod] }
  app: { path: stacks/app, accounts: [dev], references: { shared: shared } }
`;

const REQUIRED_AWS = `terraform {
  required_providers {
    aws = { source = "hashicorp/aws" }
  }
}
`;

/** A module whose resource uses the default aws provider it inherits. */
const ZONE_MODULE = `resource "aws_route53_zone" "this" {
  name = var.name
}

variable "name" {
  type = string
}
`;

async function check(files: Record<string, string>): Promise<Diagnostic[]> {
  const root = await makeTempDir("wiring");
  const builtin = 'resource "terraform_data" "x" {}\n';
  const all = {
    "crossform.yaml": CONFIG,
    "stacks/app/main.tf": builtin,
    "stacks/dns/main.tf": builtin,
    ...files,
  };
  for (const [path, text] of Object.entries(all)) {
    await mkdir(dirname(join(root, path)), { recursive: true });
    await writeFile(join(root, path), text);
  }
  const report = await validate({ fs: new NodeFileSystem(), parser }, { cwd: root });
  return report.diagnostics.filter((d) => d.code !== "stack/undeclared-variable");
}

/** `code file:line` of each diagnostic, for compact assertions. */
function where(diagnostics: Diagnostic[]): string[] {
  return diagnostics.map(
    (d) => `${d.severity} ${d.code} ${d.position?.file}:${d.position?.line}:${d.position?.column}`,
  );
}

describe("a multi-account stack's default aws provider", () => {
  test("a module called without providers whose resource uses the inherited default is an error at the call", async () => {
    const diagnostics = await check({
      "stacks/dns/main.tf": `${REQUIRED_AWS}
module "prod_zone" {
  source = "../../modules/zone"
  name   = "prod.example.com"
}

module "shared_zone" {
  source    = "../../modules/zone"
  providers = { aws = aws.shared }
  name      = "example.com"
}
`,
      "modules/zone/main.tf": ZONE_MODULE,
    });
    assert.deepEqual(where(diagnostics), [
      "error stack/default-aws-provider-use stacks/dns/main.tf:7:1",
    ]);
    const [error] = diagnostics;
    assert.match(
      error?.message ?? "",
      /^module "prod_zone" \(\.\.\/\.\.\/modules\/zone\) in multi-account stack dns is called without providers = \{ aws = \.\.\. \}, and it uses the default aws provider it inherits: resource "aws_route53_zone" "this" at modules\/zone\/main\.tf:1/,
    );
    assert.equal(
      error?.hint,
      "pass the account: providers = { aws = aws.<alias> } (this stack's are aws.shared, aws.prod_us_east_1, aws.prod_eu_west_1)",
    );
  });

  test("a root aws_* resource or data source without provider (or with provider = aws) is an error at its block", async () => {
    const diagnostics = await check({
      "stacks/dns/main.tf": `${REQUIRED_AWS}
resource "aws_route53_zone" "bare" {
  name = "example.com"
}

data "aws_caller_identity" "implicit" {
  provider = aws
}

resource "aws_route53_zone" "named" {
  provider = aws.prod_eu_west_1
  name     = "eu.example.com"
}

resource "terraform_data" "builtin" {
  input = 1
}
`,
    });
    assert.deepEqual(where(diagnostics), [
      "error stack/default-aws-provider-use stacks/dns/main.tf:7:1",
      "error stack/default-aws-provider-use stacks/dns/main.tf:11:1",
    ]);
    assert.match(
      diagnostics[0]?.message ?? "",
      /^resource "aws_route53_zone" "bare" in multi-account stack dns names no provider/,
    );
    assert.match(diagnostics[1]?.message ?? "", /^data "aws_caller_identity" "implicit"/);
    assert.match(diagnostics[0]?.hint ?? "", /^add provider = aws\.<alias>/);
  });

  test("a use two local modules deep is found; a module passing its own aws down, or declaring its own default, is not", async () => {
    const diagnostics = await check({
      "stacks/dns/main.tf": `${REQUIRED_AWS}
module "outer" {
  source = "./outer"
}

module "passes" {
  source = "./passes"
}

module "own_default" {
  source = "./own"
}
`,
      "stacks/dns/outer/main.tf": `module "inner" {\n  source = "../../../modules/zone"\n  name   = "x.example.com"\n}\n`,
      "stacks/dns/passes/main.tf": `${REQUIRED_AWS.replace('source = "hashicorp/aws"', 'source = "hashicorp/aws", configuration_aliases = [aws.target]')}
module "inner" {
  source    = "../../../modules/zone"
  providers = { aws = aws.target }
  name      = "y.example.com"
}
`,
      "stacks/dns/own/main.tf": `provider "aws" {\n  region = "us-east-1"\n}\n\nresource "aws_route53_zone" "z" {\n  name = "z.example.com"\n}\n`,
      "modules/zone/main.tf": ZONE_MODULE,
    });
    assert.deepEqual(where(diagnostics), [
      "error stack/default-aws-provider-use stacks/dns/main.tf:7:1",
    ]);
    assert.match(
      diagnostics[0]?.message ?? "",
      /module "outer" \(\.\/outer\).*resource "aws_route53_zone" "this" at modules\/zone\/main\.tf:1/,
    );
  });

  test("a registry or git module called without aws is a warning: crossform cannot read it", async () => {
    const diagnostics = await check({
      "stacks/dns/main.tf": `${REQUIRED_AWS}
module "vpc" {
  source  = "terraform-aws-modules/vpc/aws"
  version = "5.0.0"
}

module "passed" {
  source    = "git::https://example.com/zone.git"
  providers = { aws = aws.shared }
}
`,
    });
    assert.deepEqual(where(diagnostics), [
      "warning stack/unread-module-without-aws-provider stacks/dns/main.tf:7:1",
    ]);
    assert.match(
      diagnostics[0]?.message ?? "",
      /crossform does not read that module, so if it uses aws, the plan fails at the stack's default provider/,
    );
  });

  test("a per-account stack may use its default provider (the unit's own account) anywhere", async () => {
    const diagnostics = await check({
      "stacks/app/main.tf": `${REQUIRED_AWS}
resource "aws_s3_bucket" "own" {
  bucket = "own"
}

module "zone" {
  source = "../../modules/zone"
  name   = "app.example.com"
}
`,
      "modules/zone/main.tf": ZONE_MODULE,
    });
    assert.deepEqual(where(diagnostics), []);
  });
});

describe("provider blocks crossform generates", () => {
  test('a default provider "aws" or an alias crossform generates is an error in either stack kind', async () => {
    const diagnostics = await check({
      "stacks/app/main.tf": `provider "aws" {\n  region = "us-east-1"\n}\n\nprovider "aws" {\n  alias  = "shared"\n  region = "us-east-1"\n}\n\nprovider "aws" {\n  alias  = "mine"\n  region = "us-east-1"\n}\n`,
      "stacks/dns/main.tf": `provider "aws" {\n  alias  = "prod_eu_west_1"\n  region = "eu-west-1"\n}\n`,
    });
    assert.deepEqual(where(diagnostics), [
      "error stack/duplicate-aws-provider stacks/dns/main.tf:1:1",
      "error stack/duplicate-aws-provider stacks/app/main.tf:1:1",
      "error stack/duplicate-aws-provider stacks/app/main.tf:5:1",
    ]);
    assert.match(
      diagnostics[1]?.message ?? "",
      /^stack app declares provider aws \(the default\), which crossform generates in stacks\/app\/crossform_providers\.tf/,
    );
    assert.match(
      diagnostics[2]?.hint ?? "",
      /remove this block \(crossform wires aws\.shared from crossform\.yaml\), or rename its alias/,
    );
  });
});
