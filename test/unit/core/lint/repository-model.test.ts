import assert from "node:assert/strict";
import { before, test } from "node:test";
import { createTreeSitterHclParser } from "../../../../src/adapters/hcl/tree-sitter-hcl-parser.ts";
import { GENERATED_HEADER } from "../../../../src/core/generate/hcl-writer.ts";
import { summarizeModule } from "../../../../src/core/hcl/module-summary.ts";
import { lintSourceKind, readLintSource } from "../../../../src/core/lint/file-facts.ts";
import { lintRules } from "../../../../src/core/lint/registry.ts";
import type { HclParser } from "../../../../src/ports/hcl-parser.ts";
import { buildRepository } from "../../../helpers/lint-rule-cases.ts";

let parser: HclParser;
before(async () => {
  parser = await createTreeSitterHclParser();
});

const files = {
  "versions.tf":
    'terraform {\n  required_providers {\n    aws = { source = "hashicorp/aws" }\n  }\n}\n',
  "main.tf": 'provider "aws" {\n  region = "eu-west-1"\n}\n\nresource "aws_s3_bucket" "b" {}\n',
  "net.tf": 'module "net" {\n  source = "./net"\n}\n\ndata "aws_region" "current" {}\n',
};

test("a directory's summary, merged from its files one by one, equals the summary of them all", () => {
  const repository = buildRepository(parser, { modules: [{ dir: "live", files }] });
  const merged = repository.modules[0]?.summary;
  const parsed = Object.entries(files)
    .sort(([a], [b]) => (a < b ? -1 : 1))
    .map(([name, text]) => parser.parse(`live/${name}`, text));
  assert.deepEqual(merged, summarizeModule(parsed));
});

test("called directories are modules, stacks stay roots, Terragrunt units attach to what they deploy", () => {
  const repository = buildRepository(parser, {
    modules: [
      { dir: "live", files: { "main.tf": 'module "a" {\n  source = "../modules/a"\n}\n' } },
      { dir: "modules/a", files: { "main.tf": 'module "b" {\n  source = "../../stacks/b"\n}\n' } },
      { dir: "stacks/b", stack: { name: "b", accountCount: 1 }, files: { "main.tf": "" } },
      {
        dir: "units/x",
        files: { "terragrunt.hcl": 'terraform {\n  source = "../../modules//a"\n}\n' },
      },
    ],
  });
  assert.deepEqual(
    repository.modules.map((m) => [m.dir, m.role, m.terragruntUnits.map((u) => u.dir)]),
    [
      ["live", "root", []],
      ["modules/a", "module", ["units/x"]],
      ["stacks/b", "root", []],
    ],
  );
  assert.deepEqual(
    repository.calls.map((call) => `${call.from} -> ${call.to}`),
    ["live -> modules/a", "modules/a -> stacks/b"],
  );
});

test("file kinds: Terraform, Terragrunt and .tfbackend; lock files, Packer, hidden files and backups are not read", () => {
  assert.deepEqual(
    [
      "main.tf",
      "main.tf.json",
      "terragrunt.hcl",
      "root.hcl",
      "prod.s3.tfbackend",
      ".terraform.lock.hcl",
      "ami.pkr.hcl",
      ".hidden.tf",
      "main.tf~",
      "#main.tf#",
      "README.md",
    ].map(lintSourceKind),
    [
      "terraform",
      "terraform",
      "terragrunt",
      "terragrunt",
      "tfbackend",
      undefined,
      undefined,
      undefined,
      undefined,
      undefined,
      undefined,
    ],
  );
});

test("a generated file is wiring, not linted; a byte-order mark is no part of the text", () => {
  const parse = (path: string, text: string) => parser.parse(path, text);
  assert.deepEqual(
    readLintSource("terraform", "a/p.tf", `${GENERATED_HEADER}\nprovider "aws" {}\n`, parse, []),
    { kind: "generated", path: "a/p.tf" },
  );
  const read = readLintSource("terraform", "a/m.tf", '\uFEFFprovider "aws" {}\n', parse, lintRules);
  assert.equal(read.kind, "terraform");
  if (read.kind === "terraform") {
    assert.equal(read.file.syntaxError, undefined);
    assert.equal(read.file.text.startsWith("provider"), true);
    assert.equal(read.file.summary.providers[0]?.range.start.column, 1);
  }
});
