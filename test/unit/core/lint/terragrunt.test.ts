import assert from "node:assert/strict";
import { before, describe, test } from "node:test";
import { createTreeSitterHclParser } from "../../../../src/adapters/hcl/tree-sitter-hcl-parser.ts";
import { readLintSource } from "../../../../src/core/lint/file-facts.ts";
import {
  awsProviderBlocksIn,
  resolveTerragruntUnits,
} from "../../../../src/core/lint/terragrunt.ts";
import type { TerragruntConfigFile } from "../../../../src/core/lint/terragrunt.ts";
import type { HclParser } from "../../../../src/ports/hcl-parser.ts";

let parser: HclParser;
before(async () => {
  parser = await createTreeSitterHclParser();
});

function units(files: Record<string, string>) {
  const read: TerragruntConfigFile[] = Object.entries(files).map(([path, text]) => {
    const result = readLintSource("terragrunt", path, text, (p, t) => parser.parse(p, t), []);
    assert.equal(result.kind, "terragrunt");
    return (result as { file: TerragruntConfigFile }).file;
  });
  return resolveTerragruntUnits(read);
}

/** The shape of gruntwork-io/terragrunt-infrastructure-live-example, reduced. */
const liveExample = {
  "root.hcl": [
    "locals {",
    '  account_vars = read_terragrunt_config(find_in_parent_folders("account.hcl"))',
    '  region_vars  = read_terragrunt_config(find_in_parent_folders("region.hcl"))',
    "  account_name = local.account_vars.locals.account_name",
    "  aws_region   = local.region_vars.locals.aws_region",
    "}",
    'generate "provider" {',
    '  path     = "provider.tf"',
    "  contents = <<EOF",
    'provider "aws" {',
    '  region = "${local.aws_region}"',
    "}",
    "EOF",
    "}",
    "remote_state {",
    '  backend = "s3"',
    "  config = {",
    '    bucket = "${get_env("TG_BUCKET_PREFIX", "")}tf-state-${local.account_name}-${local.aws_region}"',
    '    key    = "${path_relative_to_include()}/tf.tfstate"',
    "  }",
    "}",
    "",
  ].join("\n"),
  "prod/account.hcl": 'locals {\n  account_name = "prod"\n}\n',
  "prod/us-east-1/region.hcl": 'locals {\n  aws_region = "us-east-1"\n}\n',
  "_envcommon/mysql.hcl":
    'terraform {\n  source = "git::git@github.com:acme/modules.git//mysql?ref=v0.8.0"\n}\n',
  "prod/us-east-1/mysql/terragrunt.hcl": [
    'include "root" {',
    '  path = find_in_parent_folders("root.hcl")',
    "}",
    'include "envcommon" {',
    '  path   = "${dirname(find_in_parent_folders("root.hcl"))}/_envcommon/mysql.hcl"',
    "  expose = true",
    "}",
    "",
  ].join("\n"),
  "prod/us-east-1/vpc/terragrunt.hcl": [
    'include "root" {',
    '  path = find_in_parent_folders("root.hcl")',
    "}",
    "terraform {",
    '  source = "${get_repo_root()}/modules//vpc?ref=local"',
    "}",
    "",
  ].join("\n"),
};

describe("Terragrunt units", () => {
  test("includes, read_terragrunt_config, path functions and remote sources are followed", () => {
    const found = units(liveExample);
    assert.deepEqual(
      found.map((unit) => ({
        dir: unit.dir,
        moduleDir: unit.moduleDir,
        remoteSource: unit.remoteSource,
        bucket: unit.state?.bucket,
        key: unit.state?.key,
        stateFile: unit.state?.file,
        defaultProvider: unit.generatedAws?.hasDefault,
      })),
      [
        {
          dir: "prod/us-east-1/mysql",
          moduleDir: undefined,
          remoteSource: "git::git@github.com:acme/modules.git//mysql?ref=v0.8.0",
          bucket: "${env:TG_BUCKET_PREFIX}tf-state-prod-us-east-1",
          key: "prod/us-east-1/mysql/tf.tfstate",
          stateFile: "root.hcl",
          defaultProvider: true,
        },
        {
          dir: "prod/us-east-1/vpc",
          moduleDir: "modules/vpc",
          remoteSource: undefined,
          bucket: "${env:TG_BUCKET_PREFIX}tf-state-prod-us-east-1",
          key: "prod/us-east-1/vpc/tf.tfstate",
          stateFile: "root.hcl",
          defaultProvider: true,
        },
      ],
    );
  });

  test("a parent terragrunt.hcl included by find_in_parent_folders() is a root config, not a unit", () => {
    const found = units({
      "terragrunt.hcl":
        'remote_state {\n  backend = "s3"\n  config = {\n    bucket = "b"\n    key    = "${path_relative_to_include()}/terraform.tfstate"\n  }\n}\n',
      "app/terragrunt.hcl": "include {\n  path = find_in_parent_folders()\n}\n",
    });
    assert.deepEqual(
      found.map((unit) => [unit.dir, unit.moduleDir, unit.state?.key]),
      [["app", "app", "app/terraform.tfstate"]],
    );
  });

  test("what cannot be evaluated stays unknown: no key, no module", () => {
    const found = units({
      "live/terragrunt.hcl":
        'terraform {\n  source = local.unknown\n}\nremote_state {\n  backend = "s3"\n  config = {\n    bucket = "b"\n    key    = "${get_aws_account_id()}/terraform.tfstate"\n  }\n}\n',
    });
    assert.equal(found[0]?.moduleDir, undefined);
    assert.equal(found[0]?.state?.key, undefined);
    assert.equal(found[0]?.state?.bucket, "b");
  });

  test("a unit's own generate block wins over an included one of the same name", () => {
    const found = units({
      "root.hcl":
        'generate "provider" {\n  path     = "p.tf"\n  contents = "provider \\"aws\\" {\\n  region = \\"eu-west-1\\"\\n}\\n"\n}\n',
      "a/terragrunt.hcl":
        'include "root" {\n  path = find_in_parent_folders("root.hcl")\n}\ngenerate "provider" {\n  path     = "p.tf"\n  contents = <<EOF\nprovider "aws" {\n  alias = "hub"\n}\nEOF\n}\n',
    });
    assert.deepEqual(found[0]?.generatedAws, {
      hasDefault: false,
      aliases: ["hub"],
      file: "a/terragrunt.hcl",
    });
  });
});

test("provider blocks in generated Terraform text, with their aliases", () => {
  assert.deepEqual(
    awsProviderBlocksIn(
      'terraform {\n  required_providers {}\n}\nprovider "aws" {\n  region = "x"\n  default_tags {\n    tags = {}\n  }\n}\n\nprovider "aws" {\n  alias  = "us_east_1"\n  region = "us-east-1"\n}\nprovider "google" {}\n',
    ),
    [undefined, "us_east_1"],
  );
});
