import assert from "node:assert/strict";
import { cp, mkdir, writeFile } from "node:fs/promises";
import { join } from "node:path";
import { before, describe, test } from "node:test";
import { fileURLToPath } from "node:url";
import { AtomicFileWriter } from "../../../src/adapters/fs/atomic-write.ts";
import { NodeFileSystem } from "../../../src/adapters/fs/node-file-system.ts";
import { createTreeSitterHclParser } from "../../../src/adapters/hcl/tree-sitter-hcl-parser.ts";
import { lint } from "../../../src/app/lint.ts";
import type { LintAdapters } from "../../../src/app/lint.ts";
import { CrossformError } from "../../../src/core/errors.ts";
import { GENERATED_HEADER } from "../../../src/core/generate/hcl-writer.ts";
import { makeTempDir } from "../../helpers/temp-dir.ts";

const fixture = fileURLToPath(new URL("../../fixtures/lint/repository/", import.meta.url));

let adapters: LintAdapters;
before(async () => {
  adapters = { fs: new NodeFileSystem(), parser: await createTreeSitterHclParser() };
});
/** The fixture, copied out of this git repository so that it is a repository of its own. */
const repository = await makeTempDir("lint-repository");
await cp(fixture, repository, { recursive: true });

async function writeTree(root: string, files: Record<string, string | Uint8Array>): Promise<void> {
  for (const [path, contents] of Object.entries(files)) {
    await mkdir(join(root, path, ".."), { recursive: true });
    await writeFile(join(root, path), contents);
  }
}

async function findingsOf(cwd: string, paths?: string[]) {
  const result = await lint(adapters, { cwd, ...(paths ? { paths } : {}) });
  assert.ok(result.ok);
  return result.report;
}

describe("a repository without crossform.yaml", () => {
  test("roots, reusable modules and local calls are told apart; every rule runs", async () => {
    const report = await findingsOf(repository);
    assert.deepEqual(
      report.findings.map((f) => `${f.ruleId} ${f.file}:${f.line}:${f.column}`),
      [
        "hidden-account-selection live/dev/main.tf:9:1",
        "missing-account-guard live/dev/main.tf:2:3",
        "missing-account-guard live/dev/main.tf:9:1",
        "unpassed-configuration-alias live/prod/main.tf:23:1",
        "shared-state live/prod/main.tf:4:5",
        "hard-coded-account-id modules/app/main.tf:10:41",
        "provider-in-module modules/app/main.tf:1:1",
      ].sort(byPosition),
    );
    assert.equal(report.fileCount, 4);
    assert.equal(report.failed, true);
  });

  test("a path narrows the search; a lone module is then a root", async () => {
    const report = await findingsOf(repository, ["modules"]);
    assert.deepEqual([...new Set(report.findings.map((f) => f.ruleId))].sort(), [
      "hidden-account-selection",
      "missing-account-guard",
    ]);
  });

  test("a missing path is a user error", async () => {
    await assert.rejects(
      lint(adapters, { cwd: repository, paths: ["nowhere"] }),
      /lint path nowhere does not exist/,
    );
  });
});

/** Orders `rule file:line:column` strings the way the report does: by file, line, column, rule. */
function byPosition(a: string, b: string): number {
  const parse = (s: string) => {
    const [rule, where] = s.split(" ") as [string, string];
    const [file, line, column] = where.split(":") as [string, string, string];
    return [file, Number(line), Number(column), rule] as const;
  };
  const [fa, la, ca, ra] = parse(a);
  const [fb, lb, cb, rb] = parse(b);
  if (fa !== fb) return fa < fb ? -1 : 1;
  if (la !== lb) return la - lb;
  if (ca !== cb) return ca - cb;
  return ra < rb ? -1 : 1;
}

describe("what is skipped and what does not crash the run", () => {
  test(".terraform/, .crossform/ and crossform's generated files are not linted", async () => {
    const root = await makeTempDir("lint-skip");
    await writeTree(root, {
      "live/main.tf":
        'provider "aws" {\n  alias = "x"\n  allowed_account_ids = ["731935562881"]\n}\n',
      "live/crossform_providers.tf": `${GENERATED_HEADER}\nprovider "aws" {}\n`,
      "live/.terraform/modules/vpc/main.tf": 'provider "aws" {}\n',
      ".crossform/work/app/main.tf": 'provider "aws" {}\n',
    });
    const report = await findingsOf(root);
    assert.deepEqual(report.findings, []);
    assert.equal(report.fileCount, 1);
  });

  test("unterminated blocks, binary, empty and 5 MB files: one finding per broken file, the rest is linted", async () => {
    const root = await makeTempDir("lint-malformed");
    const large = 'resource "aws_s3_bucket" "b" {\n  bucket = "b"\n}\n'.repeat(110_000);
    await writeTree(root, {
      "a/unterminated.tf": 'resource "aws_s3_bucket" "b" {\n  bucket = "b"\n',
      "b/binary.tf": new Uint8Array([0, 159, 146, 150, 0, 255, 1, 2, 3, 10, 0]),
      "c/empty.tf": "",
      "d/large.tf": large,
      "e/main.tf": 'provider "aws" {\n  region = "eu-west-1"\n}\n',
    });
    assert.ok(large.length > 5_000_000);
    const report = await findingsOf(root);
    const byRule = report.findings.map((f) => `${f.ruleId} ${f.file}`);
    assert.ok(byRule.includes("syntax-error a/unterminated.tf"), byRule.join("\n"));
    assert.ok(byRule.includes("syntax-error b/binary.tf"), byRule.join("\n"));
    assert.ok(!byRule.some((entry) => entry.endsWith("c/empty.tf")));
    assert.ok(!byRule.some((entry) => entry.endsWith("d/large.tf")));
    assert.ok(byRule.includes("hidden-account-selection e/main.tf"));
    assert.equal(report.fileCount, 5);
  });
});

test("a file that cannot be read is one finding, and the run goes on", async () => {
  const root = await makeTempDir("lint-unreadable");
  await writeTree(root, {
    "a/main.tf": 'provider "aws" {\n  alias = "x"\n}\n',
    "b/main.tf":
      'provider "aws" {\n  profile             = "ops"\n  allowed_account_ids = ["731935562881"]\n}\n',
  });
  const fs = new NodeFileSystem();
  const failing = {
    ...fs,
    readText: async (path: string) => {
      if (path.endsWith(join("a", "main.tf"))) throw new Error("EACCES: permission denied");
      return fs.readText(path);
    },
    readTextsIfPresent: (paths: readonly string[]) => fs.readTextsIfPresent(paths),
    readBytes: (path: string) => fs.readBytes(path),
    listDir: (path: string) => fs.listDir(path),
    exists: (path: string) => fs.exists(path),
    sha256: (path: string) => fs.sha256(path),
    pathInfo: (path: string) => fs.pathInfo(path),
    realPath: (path: string) => fs.realPath(path),
  };
  const result = await lint({ fs: failing, parser: adapters.parser }, { cwd: root });
  assert.ok(result.ok);
  assert.deepEqual(
    result.report.findings.map((f) => `${f.ruleId} ${f.file}:${f.line}:${f.column}`),
    ["syntax-error a/main.tf:1:1", "hidden-account-selection b/main.tf:2:3"],
  );
  assert.match(result.report.findings[0]?.message ?? "", /cannot read a\/main\.tf: EACCES/);
});

describe("with crossform.yaml", () => {
  test("stacks are roots, units are checked, and lint: sets severities and the fail level", async () => {
    const root = await makeTempDir("lint-config");
    await writeTree(root, {
      "crossform.yaml": [
        "version: 1",
        "base: { region: eu-west-1 }",
        "state:",
        "  bucket: acme-tfstate",
        "  key: app.tfstate",
        "  account: dev",
        "accounts:",
        '  dev: { id: "731935562881" }',
        '  prod: { id: "731935562882" }',
        "stacks:",
        "  app: { path: stacks/app, accounts: [dev, prod] }",
        "lint:",
        "  fail_level: warn",
        "  rules:",
        "    hidden-account-selection: off",
        "    missing-account-guard: off",
        "",
      ].join("\n"),
      "stacks/app/main.tf":
        'terraform {\n  backend "s3" {\n    bucket = "acme-tfstate"\n    key    = "app.tfstate"\n  }\n}\n\nmodule "shared" {\n  source = "../../stacks/shared"\n}\n',
      "stacks/shared/main.tf": 'provider "aws" {\n  region = "eu-west-1"\n}\n',
    });
    const result = await lint(adapters, { cwd: root });
    assert.ok(result.ok, JSON.stringify(result.ok ? [] : result.diagnostics));
    assert.equal(result.config, "crossform.yaml");
    assert.deepEqual(
      result.report.findings.map(
        (f) => `${f.ruleId} ${f.file}:${f.line}:${f.column} ${f.severity}`,
      ),
      [
        "shared-state crossform.yaml:5:8 error",
        "shared-state stacks/app/main.tf:2:3 error",
        "provider-in-module stacks/shared/main.tf:1:1 error",
      ],
    );
    assert.equal(result.report.failLevel, "warn");
  });

  test("lint.third_party_accounts lets reusable modules name those accounts, and only those", async () => {
    const root = await makeTempDir("lint-third-party");
    await writeTree(root, {
      "crossform.yaml": [
        "version: 1",
        "base: { region: eu-west-1 }",
        "state:",
        '  bucket: "acme-tfstate-{account_id}"',
        '  key: "{stack}.tfstate"',
        "accounts:",
        '  dev: { id: "731935562881" }',
        "stacks:",
        "  app: { path: stacks/app, accounts: [dev] }",
        "lint:",
        "  third_party_accounts: ['464622532012']",
        "  rules: { hidden-account-selection: off, missing-account-guard: off }",
        "",
      ].join("\n"),
      "stacks/app/main.tf": 'module "monitoring" {\n  source = "../../modules/monitoring"\n}\n',
      "modules/monitoring/main.tf":
        'locals {\n  vendor = "arn:aws:iam::464622532012:root"\n  owner  = "arn:aws:iam::731935562881:root"\n}\n',
    });
    const result = await lint(adapters, { cwd: root });
    assert.ok(result.ok, JSON.stringify(result.ok ? [] : result.diagnostics));
    assert.deepEqual(
      result.report.findings.map((f) => `${f.ruleId} ${f.file}:${f.line}:${f.column}`),
      ["hard-coded-account-id modules/monitoring/main.tf:3:26"],
    );
  });

  test("lint.third_party_accounts takes 12-digit ids only, with the position of a wrong one", async () => {
    const root = await makeTempDir("lint-third-party-bad");
    await writeTree(root, {
      "crossform.yaml":
        "version: 1\nbase: { region: eu-west-1 }\nstate: { bucket: 'b-{account_id}', key: k }\naccounts: {}\nstacks: {}\nlint:\n  third_party_accounts: [464622532012]\n",
      "main.tf": "",
    });
    const result = await lint(adapters, { cwd: root });
    assert.equal(result.ok, false);
    if (!result.ok) {
      const text = result.diagnostics.map(
        (d) => `${d.position?.file}:${d.position?.line}:${d.position?.column} ${d.message}`,
      );
      assert.ok(
        text.some((line) => /^crossform\.yaml:7:\d+ .*12-digit/.test(line)),
        text.join("\n"),
      );
    }
  });

  test("an invalid crossform.yaml is returned as diagnostics", async () => {
    const root = await makeTempDir("lint-bad-config");
    await writeTree(root, { "crossform.yaml": "version: 2\n", "main.tf": "" });
    const result = await lint(adapters, { cwd: root });
    assert.equal(result.ok, false);
    if (!result.ok) assert.ok(result.diagnostics.length > 0);
  });
});

describe("where report paths start", () => {
  test("at the git top level, whatever directory is linted and whatever the working directory", async () => {
    const root = await makeTempDir("lint-git-root");
    await writeTree(root, {
      ".git/HEAD": "ref: refs/heads/main\n",
      "infra/live/main.tf": 'provider "aws" {\n  alias = "x"\n}\n',
    });
    const elsewhere = await makeTempDir("lint-elsewhere");
    const result = await lint(adapters, { cwd: elsewhere, paths: [join(root, "infra", "live")] });
    assert.ok(result.ok);
    assert.equal(result.root, root);
    assert.deepEqual(
      [...new Set(result.report.findings.map((f) => f.file))],
      ["infra/live/main.tf"],
    );
  });

  test("outside git, at the path given", async () => {
    const root = await makeTempDir("lint-no-git");
    await writeTree(root, { "live/main.tf": 'provider "aws" {\n  alias = "x"\n}\n' });
    const result = await lint(adapters, { cwd: "/", paths: [join(root, "live")] });
    assert.ok(result.ok);
    assert.equal(result.root, join(root, "live"));
    assert.deepEqual([...new Set(result.report.findings.map((f) => f.file))], ["main.tf"]);
  });
});

describe("adoption", () => {
  test("a tree with no Terraform file warns, naming the Terragrunt units it found", async () => {
    const root = await makeTempDir("lint-terragrunt-only");
    await writeTree(root, {
      "root.hcl": 'remote_state {\n  backend = "s3"\n}\n',
      "prod/vpc/terragrunt.hcl":
        'include "root" {\n  path = find_in_parent_folders("root.hcl")\n}\nterraform {\n  source = "git::https://github.com/acme/modules.git//vpc?ref=v1"\n}\n',
    });
    const report = await findingsOf(root);
    assert.equal(report.fileCount, 0);
    assert.equal(report.warnings.length, 1);
    assert.match(
      report.warnings[0] ?? "",
      /^no Terraform file \(\.tf, \.tf\.json\) was found under \., only 1 Terragrunt unit \(1 with a remote terraform\.source\)/,
    );
    const empty = await makeTempDir("lint-empty");
    assert.match((await findingsOf(empty)).warnings[0] ?? "", /nothing was linted/);
  });

  test("only and disable pick rules; an unknown id is a user error listing the rules", async () => {
    const only = await lint(adapters, { cwd: repository, only: ["shared-state"] });
    assert.ok(only.ok);
    assert.deepEqual([...new Set(only.report.findings.map((f) => f.ruleId))], ["shared-state"]);
    const disabled = await lint(adapters, {
      cwd: repository,
      disable: ["missing-account-guard", "hidden-account-selection"],
    });
    assert.ok(disabled.ok);
    assert.ok(
      disabled.report.findings.every(
        (f) => f.ruleId !== "missing-account-guard" && f.ruleId !== "hidden-account-selection",
      ),
    );
    assert.ok(disabled.report.findings.length > 0);
    await assert.rejects(
      lint(adapters, { cwd: repository, only: ["shared-sate"] }),
      (e: unknown) =>
        e instanceof CrossformError &&
        e.code === "lint/unknown-rule" &&
        /there is no lint rule shared-sate/.test(e.message) &&
        /shared-state/.test(e.hint ?? ""),
    );
  });

  test("write a baseline, then only new findings count", async () => {
    const root = await makeTempDir("lint-baseline");
    await writeTree(root, { "live/main.tf": 'provider "aws" {\n  alias = "x"\n}\n' });
    const withWriter = { ...adapters, writer: new AtomicFileWriter() };
    const written = await lint(withWriter, {
      cwd: root,
      baseline: "lint-baseline.json",
      writeBaseline: true,
    });
    assert.ok(written.ok);
    assert.equal(written.baselineWritten, "lint-baseline.json");
    assert.equal(written.report.findings.length, 0);
    assert.equal(written.report.baselined, 2);
    await writeFile(
      join(root, "live", "main.tf"),
      '# moved down\n\nprovider "aws" {\n  alias = "x"\n}\n\nprovider "aws" {\n  alias = "y"\n}\n',
    );
    const later = await lint(adapters, { cwd: root, baseline: "lint-baseline.json" });
    assert.ok(later.ok);
    assert.equal(later.report.baselined, 2);
    assert.deepEqual(
      later.report.findings.map((f) => `${f.ruleId} ${f.line}`),
      ["hidden-account-selection 7", "missing-account-guard 7"],
    );
    await assert.rejects(
      lint(adapters, { cwd: root, baseline: "missing.json" }),
      /the baseline missing\.json cannot be read/,
    );
  });
});
