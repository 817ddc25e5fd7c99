import assert from "node:assert/strict";
import { mkdir, readFile, writeFile } from "node:fs/promises";
import { join } from "node:path";
import { describe, test } from "node:test";
import { runBuiltCli, showResult } from "../helpers/cli.ts";
import type { CliResult } from "../helpers/cli.ts";
import { makeTempDir } from "../helpers/temp-dir.ts";

// `crossform lint` as a team adopting it runs it: the built CLI, in temporary repositories,
// from the repository's top and from elsewhere.

function crossform(args: string[], cwd: string): Promise<CliResult> {
  return runBuiltCli(["lint", ...args], { cwd });
}

async function writeTree(root: string, files: Record<string, string>): Promise<void> {
  for (const [path, text] of Object.entries(files)) {
    await mkdir(join(root, path, ".."), { recursive: true });
    await writeFile(join(root, path), text);
  }
}

/** A repository with two roots sharing a state and an unguarded, aliased provider. */
async function repository(): Promise<string> {
  const root = await makeTempDir("e2e-lint");
  await writeTree(root, {
    ".git/HEAD": "ref: refs/heads/main\n",
    "live/dev/main.tf": [
      "terraform {",
      '  backend "s3" {',
      '    bucket              = "acme-tfstate"',
      '    key                 = "terraform.tfstate"',
      '    allowed_account_ids = ["731935562881"]',
      "  }",
      "}",
      "",
      'provider "aws" {',
      '  alias  = "dev"',
      '  region = "eu-west-1"',
      "}",
      "",
    ].join("\n"),
    "live/prod/main.tf": [
      "terraform {",
      '  backend "s3" {',
      '    bucket              = "acme-tfstate"',
      '    key                 = "terraform.tfstate"',
      '    allowed_account_ids = ["731935562882"]',
      "  }",
      "}",
      "",
    ].join("\n"),
  });
  return root;
}

interface JsonReport {
  findings: { ruleId: string; file: string; line: number; fingerprint: string }[];
  baselined: number;
  filesWithFindings: number;
  counts: { byRule: Record<string, number> };
}

interface SarifReport {
  runs: {
    originalUriBaseIds: Record<string, { uri: string }>;
    results: {
      ruleId: string;
      partialFingerprints: Record<string, string>;
      locations: {
        physicalLocation: {
          artifactLocation: { uri: string; uriBaseId: string };
          region: { startLine: number };
        };
      }[];
    }[];
  }[];
}

describe("crossform lint, built CLI", { concurrency: true }, () => {
  test("one code frame per location, messages naming the alias, a summary line per rule and file", async () => {
    const root = await repository();
    const result = await crossform([], root);
    assert.equal(result.code, 1, showResult(result));
    const frames = result.stdout.split("\n").filter((line) => line === '    9 | provider "aws" {');
    assert.equal(frames.length, 1, result.stdout);
    assert.match(
      result.stdout,
      /9:1 {2}warn {3}provider "aws" \(alias "dev"\) in live\/dev has no assume_role and no allowed_account_ids/,
    );
    assert.match(
      result.stdout,
      /9:1 {2}warn {3}provider "aws" \(alias "dev"\) in live\/dev does not say which account it may touch/,
    );
    assert.match(result.stdout, /hint \(hidden-account-selection\): /);
    assert.match(result.stdout, /hint \(missing-account-guard\): /);
    assert.match(
      result.stdout,
      /\n3 findings \(1 error, 2 warnings\) in 2 files \(2 files read\): hidden-account-selection 1, missing-account-guard 1, shared-state 1\n$/,
    );
  });

  test("--write-baseline, then only new findings fail, through line shifts; SARIF fingerprints survive them", async () => {
    const root = await repository();
    const write = await crossform(["--baseline", "lint-baseline.json", "--write-baseline"], root);
    assert.equal(write.code, 0, showResult(write));
    assert.match(write.stderr, /wrote 3 findings to the baseline lint-baseline\.json/);
    const baseline = JSON.parse(await readFile(join(root, "lint-baseline.json"), "utf8")) as {
      findings: unknown[];
    };
    assert.equal(baseline.findings.length, 3);
    const sarifBefore = JSON.parse(
      (await crossform(["--format", "sarif"], root)).stdout,
    ) as SarifReport;

    const clean = await crossform(["--baseline", "lint-baseline.json"], root);
    assert.equal(clean.code, 0, showResult(clean));
    assert.equal(clean.stdout, "no lint findings in 2 files; 3 in the baseline\n");

    // Lines added above every finding, and one new finding.
    const dev = await readFile(join(root, "live/dev/main.tf"), "utf8");
    await writeFile(
      join(root, "live/dev/main.tf"),
      `# Development account.\n\nlocals {\n  name = "dev"\n}\n\n${dev}\nprovider "aws" {\n  alias  = "ops"\n  region = "eu-west-1"\n  allowed_account_ids = ["731935562881"]\n}\n`,
    );
    const json = await crossform(["--baseline", "lint-baseline.json", "--format", "json"], root);
    assert.equal(json.code, 0, showResult(json));
    const report = JSON.parse(json.stdout) as JsonReport;
    assert.equal(report.baselined, 3);
    assert.deepEqual(report.findings, []);

    await writeFile(
      join(root, "live/dev/main.tf"),
      `${await readFile(join(root, "live/dev/main.tf"), "utf8")}\nprovider "aws" {\n  alias  = "audit"\n  region = "eu-west-1"\n}\n`,
    );
    await writeTree(root, {
      "live/stage/main.tf":
        'terraform {\n  backend "s3" {\n    bucket              = "acme-tfstate"\n    key                 = "terraform.tfstate"\n    allowed_account_ids = ["731935562883"]\n  }\n}\n',
    });
    const failing = await crossform(["--baseline", "lint-baseline.json", "--format", "json"], root);
    assert.equal(failing.code, 1, showResult(failing));
    const newOnes = JSON.parse(failing.stdout) as JsonReport;
    assert.deepEqual(
      newOnes.findings.map((f) => `${f.ruleId} ${f.file}:${f.line}`),
      [
        "hidden-account-selection live/dev/main.tf:26",
        "missing-account-guard live/dev/main.tf:26",
        "shared-state live/stage/main.tf:4",
      ],
    );

    const sarifAfter = JSON.parse(
      (await crossform(["--format", "sarif"], root)).stdout,
    ) as SarifReport;
    const prints = (log: SarifReport) =>
      new Map(
        (log.runs[0]?.results ?? []).map((r) => [
          r.partialFingerprints["crossform/v1"],
          `${r.locations[0]?.physicalLocation.artifactLocation.uri}:${r.locations[0]?.physicalLocation.region.startLine}`,
        ]),
      );
    const before = prints(sarifBefore);
    const after = prints(sarifAfter);
    assert.deepEqual([...before.values()].sort(), [
      "live/dev/main.tf:9",
      "live/dev/main.tf:9",
      "live/prod/main.tf:4",
    ]);
    for (const [print, where] of before) {
      const moved = where.startsWith("live/dev/") ? "live/dev/main.tf:15" : where;
      assert.equal(after.get(print), moved, `fingerprint ${print} of ${where}`);
    }
  });

  test("JSON and SARIF paths are relative to the repository root whatever the working directory", async () => {
    const root = await repository();
    const elsewhere = await makeTempDir("e2e-lint-cwd");
    const json = await crossform(["--format", "json", join(root, "live", "dev")], elsewhere);
    assert.equal(json.code, 0, showResult(json));
    const report = JSON.parse(json.stdout) as JsonReport;
    assert.deepEqual([...new Set(report.findings.map((f) => f.file))], ["live/dev/main.tf"]);
    const sarif = await crossform(["--format", "sarif", join(root, "live")], elsewhere);
    const log = JSON.parse(sarif.stdout) as SarifReport;
    const uris = log.runs[0]?.results.map((r) => r.locations[0]?.physicalLocation.artifactLocation);
    assert.ok(uris !== undefined && uris.length === 3);
    for (const uri of uris) {
      assert.ok(uri !== undefined && !uri.uri.startsWith(".") && uri.uri.startsWith("live/"));
      assert.equal(uri.uriBaseId, "%SRCROOT%");
    }
    assert.equal(log.runs[0]?.originalUriBaseIds["%SRCROOT%"]?.uri.endsWith("/"), true);
    const pretty = await crossform([join(root, "live")], elsewhere);
    assert.match(pretty.stdout, /^(\.\.\/)+.*live\/dev\/main\.tf$/m);
  });

  test("--rule and --disable pick rules from the command line; an unknown id exits 2", async () => {
    const root = await repository();
    const only = JSON.parse(
      (await crossform(["--rule", "shared-state", "--format", "json"], root)).stdout,
    ) as JsonReport;
    assert.deepEqual(only.counts.byRule, { "shared-state": 1 });
    const disabled = await crossform(
      ["--disable", "shared-state,missing-account-guard", "--format", "json"],
      root,
    );
    assert.equal(disabled.code, 0, showResult(disabled));
    assert.deepEqual((JSON.parse(disabled.stdout) as JsonReport).counts.byRule, {
      "hidden-account-selection": 1,
    });
    const unknown = await crossform(["--rule", "shared-sate"], root);
    assert.equal(unknown.code, 2, showResult(unknown));
    assert.match(unknown.stderr, /there is no lint rule shared-sate/);
    assert.doesNotMatch(unknown.stderr, /\n\s+at /);
  });

  test("a Terragrunt-only tree warns instead of passing silently", async () => {
    const root = await makeTempDir("e2e-lint-terragrunt");
    await writeTree(root, {
      "root.hcl": 'generate "provider" {\n  path     = "provider.tf"\n  contents = ""\n}\n',
      "prod/vpc/terragrunt.hcl":
        'include "root" {\n  path = find_in_parent_folders("root.hcl")\n}\nterraform {\n  source = "tfr:///terraform-aws-modules/vpc/aws?version=5.0.0"\n}\n',
    });
    const result = await crossform([], root);
    assert.equal(result.code, 0, showResult(result));
    assert.equal(result.stdout, "no lint findings in 0 files\n");
    assert.match(
      result.stderr,
      /^warning: no Terraform file \(\.tf, \.tf\.json\) was found under \., only 1 Terragrunt unit/,
    );
  });

  test("a multi-account stack: a module call and a resource without a provider are reported with file:line", async () => {
    const root = await makeTempDir("e2e-lint-multi-account");
    await writeTree(root, {
      "crossform.yaml": [
        "version: 1",
        "base: { region: eu-west-1 }",
        "state: { bucket: 'tfstate-{account_id}', key: '{stack}.tfstate' }",
        "accounts:",
        '  shared: { id: "731935562881" }',
        '  prod: { id: "731935562882" }',
        "stacks:",
        "  dns: { path: stacks/dns, mode: multi-account, home: shared, accounts: [shared, prod] }",
        "",
      ].join("\n"),
      "stacks/dns/main.tf": [
        'resource "aws_route53_zone" "root" {',
        "  provider = aws.shared",
        '  name     = "example.com"',
        "}",
        "",
        'resource "aws_route53_zone" "prod" {',
        '  name = "prod.example.com"',
        "}",
        "",
        'module "records" {',
        '  source = "../../modules/records"',
        "}",
        "",
      ].join("\n"),
      "modules/records/main.tf": 'resource "aws_route53_record" "r" {}\n',
    });
    const result = await crossform(["--rule", "implicit-provider", "--format", "json"], root);
    assert.equal(result.code, 1, showResult(result));
    const report = JSON.parse(result.stdout) as JsonReport & {
      findings: { message: string }[];
    };
    assert.deepEqual(
      report.findings.map((f) => `${f.file}:${f.line}`),
      ["stacks/dns/main.tf:6", "stacks/dns/main.tf:10"],
    );
    assert.match(report.findings[1]?.message ?? "", /in the multi-account stack dns/);
    assert.match(report.findings[1]?.message ?? "", /aws\.shared, aws\.prod/);
  });
});
