import assert from "node:assert/strict";
import { test } from "node:test";
import { formatLintPretty } from "../../../src/formatters/lint-pretty.ts";
import { sampleLintReport } from "../../helpers/lint-report.ts";

test("findings grouped by file with code frames, hints and a count line", () => {
  assert.equal(
    formatLintPretty(sampleLintReport()),
    [
      "live/b/backend.tf",
      "  4:5  error  the root live/b writes its state to s3://st/terraform.tfstate, as the root live/a does  [shared-state]",
      '    4 |     key    = "terraform.tfstate"',
      "      |     ^^^^^^^^^^^^^^^^^^^^^^^^^^",
      "    hint: give every root its own key",
      "",
      "live/b/main.tf",
      '  1:1  warn   provider "aws" in live/b does not say which account it may touch  [missing-account-guard]',
      '    1 | provider "aws" {',
      "      | ^^^^^^^^",
      "    hint: add `allowed_account_ids`",
      "",
      "modules/my app/main.tf",
      "  2:3  error  missing `}` to close this block  [syntax-error]",
      "    2 |   x = ",
      "      |   ^^^^",
      "    hint: fix the syntax",
      "",
      "3 findings (2 errors, 1 warning) in 3 files (5 files read): missing-account-guard 1, shared-state 1, syntax-error 1; 1 suppressed",
      "",
    ].join("\n"),
  );
});

test("no findings", () => {
  const report = {
    ...sampleLintReport(),
    findings: [],
    suppressed: 0,
    failed: false,
    fileCount: 1,
  };
  assert.equal(formatLintPretty(report), "no lint findings in 1 file\n");
});

test("findings at one position share one code frame; each keeps its message and hint", () => {
  const report = sampleLintReport();
  const [, guard] = report.findings;
  assert.ok(guard !== undefined);
  const hidden = {
    ...guard,
    ruleId: "hidden-account-selection",
    message: 'provider "aws" in live/b has no assume_role',
    hint: "add `assume_role`",
  };
  const text = formatLintPretty({
    ...report,
    findings: [hidden, guard],
    suppressed: 0,
    baselined: 4,
  });
  assert.equal(
    text,
    [
      "live/b/main.tf",
      '  1:1  warn   provider "aws" in live/b has no assume_role  [hidden-account-selection]',
      '  1:1  warn   provider "aws" in live/b does not say which account it may touch  [missing-account-guard]',
      '    1 | provider "aws" {',
      "      | ^^^^^^^^",
      "    hint (hidden-account-selection): add `assume_role`",
      "    hint (missing-account-guard): add `allowed_account_ids`",
      "",
      "2 findings (0 errors, 2 warnings) in 1 file (5 files read): hidden-account-selection 1, missing-account-guard 1; 4 in the baseline",
      "",
    ].join("\n"),
  );
});

test("paths are shown as displayPath says (relative to the working directory)", () => {
  const text = formatLintPretty(sampleLintReport(), { displayPath: (file) => `../repo/${file}` });
  assert.match(text, /^\.\.\/repo\/live\/b\/backend\.tf$/m);
  assert.match(text, /^\.\.\/repo\/modules\/my app\/main\.tf$/m);
});
