import assert from "node:assert/strict";
import { cp, mkdir, writeFile } from "node:fs/promises";
import { join } from "node:path";
import { PassThrough } from "node:stream";
import { describe, test } from "node:test";
import { fileURLToPath } from "node:url";
import { runCli } from "../../../../src/cli/run-cli.ts";
import { makeTempDir } from "../../../helpers/temp-dir.ts";

const fixture = fileURLToPath(new URL("../../../fixtures/lint/repository/", import.meta.url));
/** The fixture, copied out of this git repository so that it is a repository of its own. */
const repository = await makeTempDir("lint-cli-repository");
await cp(fixture, repository, { recursive: true });

async function crossform(args: string[], cwd: string) {
  const stdout = new PassThrough();
  const stderr = new PassThrough();
  let out = "";
  let err = "";
  stdout.on("data", (chunk: Buffer) => (out += chunk.toString("utf8")));
  stderr.on("data", (chunk: Buffer) => (err += chunk.toString("utf8")));
  const code = await runCli(args, { stdout, stderr, env: {}, cwd });
  return { code, stdout: out, stderr: err };
}

describe("crossform lint", () => {
  test("findings at the fail level exit 1; pretty output names file, position and rule", async () => {
    const result = await crossform(["lint"], repository);
    assert.equal(result.code, 1, result.stderr);
    assert.match(
      result.stdout,
      /^live\/dev\/main\.tf\n {2}2:3 {2}warn {3}the S3 backend of live\/dev/m,
    );
    assert.match(result.stdout, /\[provider-in-module\]/);
    assert.match(
      result.stdout,
      /7 findings \(4 errors, 3 warnings\) in 3 files \(4 files read\): missing-account-guard 2, hard-coded-account-id 1, hidden-account-selection 1, provider-in-module 1, shared-state 1, unpassed-configuration-alias 1\n$/,
    );
  });

  test("--format json and sarif print one document each, with the same exit code", async () => {
    const json = await crossform(["lint", "--format", "json"], repository);
    assert.equal(json.code, 1);
    const document = JSON.parse(json.stdout) as { version: number; findings: unknown[] };
    assert.equal(document.version, 1);
    assert.equal(document.findings.length, 7);
    const sarif = await crossform(["lint", "--format", "sarif", "live"], repository);
    assert.equal(sarif.code, 1);
    const log = JSON.parse(sarif.stdout) as { version: string; runs: { results: unknown[] }[] };
    assert.equal(log.version, "2.1.0");
    assert.equal(log.runs[0]?.results.length, 4);
  });

  test("warnings only exit 0 under the default fail level, 1 under fail_level: warn", async () => {
    const root = await makeTempDir("lint-cli");
    await mkdir(join(root, "live"), { recursive: true });
    await writeFile(
      join(root, "live", "main.tf"),
      'provider "aws" {\n  assume_role {\n    role_arn = var.role\n  }\n}\n',
    );
    const relaxed = await crossform(["lint"], root);
    assert.equal(relaxed.code, 0, relaxed.stdout);
    assert.match(relaxed.stdout, /\[missing-account-guard\]/);
    await writeFile(
      join(root, "crossform.yaml"),
      [
        "version: 1",
        "base: { region: eu-west-1 }",
        "state: { bucket: 'tf-{account_id}', key: '{stack}/{account}/{region}.tfstate' }",
        'accounts: { dev: { id: "731935562881" } }',
        "stacks: { app: { path: live, accounts: [dev] } }",
        "lint: { fail_level: warn }",
        "",
      ].join("\n"),
    );
    const strict = await crossform(["lint"], root);
    assert.equal(strict.code, 1, strict.stderr);
  });

  test("bad input exits 2: an unknown format, a missing path, an invalid crossform.yaml", async () => {
    assert.equal((await crossform(["lint", "--format", "html"], repository)).code, 2);
    const missing = await crossform(["lint", "nowhere"], repository);
    assert.equal(missing.code, 2);
    assert.match(missing.stderr, /lint path nowhere does not exist/);
    const root = await makeTempDir("lint-cli-bad");
    await writeFile(join(root, "crossform.yaml"), "version: 1\nlint: { fail_level: never }\n");
    const invalid = await crossform(["lint"], root);
    assert.equal(invalid.code, 2);
    assert.match(invalid.stderr, /fail_level/);
  });

  test("a clean repository exits 0", async () => {
    const root = await makeTempDir("lint-cli-clean");
    await writeFile(join(root, "main.tf"), 'resource "terraform_data" "x" {}\n');
    const result = await crossform(["lint"], root);
    assert.equal(result.code, 0);
    assert.equal(result.stdout, "no lint findings in 1 file\n");
  });
});
