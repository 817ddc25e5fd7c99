import assert from "node:assert/strict";
import { before, test } from "node:test";
import { createTreeSitterHclParser } from "../../../../src/adapters/hcl/tree-sitter-hcl-parser.ts";
import { CrossformError } from "../../../../src/core/errors.ts";
import {
  applyBaseline,
  formatBaseline,
  parseBaseline,
} from "../../../../src/core/lint/baseline.ts";
import { fingerprints, hash64 } from "../../../../src/core/lint/fingerprint.ts";
import { lintRules } from "../../../../src/core/lint/registry.ts";
import { runLint } from "../../../../src/core/lint/engine.ts";
import type { HclParser } from "../../../../src/ports/hcl-parser.ts";
import { buildRepository } from "../../../helpers/lint-rule-cases.ts";

let parser: HclParser;
before(async () => {
  parser = await createTreeSitterHclParser();
});

const providers =
  'provider "aws" {\n  alias  = "prod"\n  region = "eu-west-1"\n}\n\nprovider "aws" {\n  alias  = "dev"\n  region = "eu-west-1"\n}\n';

function lintText(text: string) {
  return runLint(
    buildRepository(parser, { modules: [{ dir: "live", files: { "main.tf": text } }] }),
    lintRules,
  );
}

test("fingerprints do not change when lines are added above the findings", () => {
  const before = lintText(providers);
  const after = lintText(`# a comment\nlocals {\n  x = 1\n}\n\n${providers}`);
  assert.ok(before.findings.length >= 4);
  assert.deepEqual(
    after.findings.map((f) => f.line),
    before.findings.map((f) => f.line + 5),
  );
  assert.deepEqual(
    after.findings.map((f) => f.fingerprint),
    before.findings.map((f) => f.fingerprint),
  );
});

test("two findings on identical lines keep apart by their rank; the message separates aliases", () => {
  const report = lintText(providers);
  const prints = report.findings.map((f) => f.fingerprint);
  assert.equal(new Set(prints).size, prints.length);
  const same = fingerprints([
    { ruleId: "r", file: "a.tf", message: "m", sourceLine: "  x = 1" },
    { ruleId: "r", file: "a.tf", message: "m", sourceLine: "x   =   1" },
    { ruleId: "r", file: "b.tf", message: "m", sourceLine: "x = 1" },
  ]);
  const [first, second, third] = same;
  assert.equal(first?.split(":")[0], second?.split(":")[0]);
  assert.deepEqual(
    [first?.endsWith(":0"), second?.endsWith(":1"), third?.endsWith(":0")],
    [true, true, true],
  );
  assert.match(hash64("x"), /^[0-9a-f]{16}$/);
  assert.notEqual(hash64("x"), hash64("y"));
});

test("a baseline leaves out the findings it lists, one for one, and only those", () => {
  const old = lintText(providers);
  const baseline = parseBaseline(formatBaseline(old), "lint-baseline.json");
  assert.equal(baseline.findings.length, old.findings.length);
  const now = lintText(
    `${providers}\nprovider "aws" {\n  alias  = "staging"\n  region = "eu-west-1"\n}\n`,
  );
  const filtered = applyBaseline(now, baseline);
  assert.equal(filtered.baselined, old.findings.length);
  assert.ok(filtered.findings.length > 0);
  assert.ok(filtered.findings.every((f) => f.message.includes('"staging"')));
  assert.equal(applyBaseline(old, baseline).findings.length, 0);
  assert.equal(applyBaseline(old, baseline).failed, false);
});

test("a file that is not a baseline is refused with its name and how to write one", () => {
  for (const text of [
    "nope",
    "[]",
    '{"version": 2, "findings": []}',
    '{"version": 1}',
    '{"version":1,"findings":[{"ruleId":1}]}',
  ]) {
    assert.throws(
      () => parseBaseline(text, "base.json"),
      (e: unknown) =>
        e instanceof CrossformError &&
        e.code === "lint/invalid-baseline" &&
        e.source === "user" &&
        /^base\.json is not a lint baseline/.test(e.message) &&
        /--write-baseline/.test(e.hint ?? ""),
    );
  }
});
