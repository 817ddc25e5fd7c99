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
      "3 findings (2 errors, 1 warning) in 5 files, 1 suppressed",
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
