import type { LintReport } from "../../src/core/lint/engine.ts";

/** A small lint report with an error, a warning and a syntax error in three files. */
export function sampleLintReport(): LintReport {
  return {
    findings: [
      {
        ruleId: "shared-state",
        severity: "error",
        file: "live/b/backend.tf",
        line: 4,
        column: 5,
        endLine: 4,
        endColumn: 31,
        message:
          "the root live/b writes its state to s3://st/terraform.tfstate, as the root live/a does",
        hint: "give every root its own key",
        sourceLine: '    key    = "terraform.tfstate"',
        fingerprint: "0a1b2c3d4e5f6071:0",
      },
      {
        ruleId: "missing-account-guard",
        severity: "warn",
        file: "live/b/main.tf",
        line: 1,
        column: 1,
        endLine: 1,
        endColumn: 9,
        message: 'provider "aws" in live/b does not say which account it may touch',
        hint: "add `allowed_account_ids`",
        sourceLine: 'provider "aws" {',
        fingerprint: "1a2b3c4d5e6f7081:0",
      },
      {
        ruleId: "syntax-error",
        severity: "error",
        file: "modules/my app/main.tf",
        line: 2,
        column: 3,
        endLine: 3,
        endColumn: 1,
        message: "missing `}` to close this block",
        hint: "fix the syntax",
        sourceLine: "  x = ",
        fingerprint: "2a3b4c5d6e7f8091:0",
      },
    ],
    rules: [
      { id: "missing-account-guard", description: "no guard", defaultSeverity: "warn" },
      { id: "shared-state", description: "one state", defaultSeverity: "error" },
      { id: "syntax-error", description: "does not parse", defaultSeverity: "error" },
    ],
    failLevel: "error",
    fileCount: 5,
    suppressed: 1,
    baselined: 0,
    warnings: [],
    failed: true,
  };
}
