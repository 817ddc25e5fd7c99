import assert from "node:assert/strict";
import { test } from "node:test";
import { formatLintJson, LINT_JSON_VERSION } from "../../../src/formatters/lint-json.ts";
import { sampleLintReport } from "../../helpers/lint-report.ts";

test("a versioned document with counts, rules with help URIs and findings without code frames", () => {
  const text = formatLintJson(sampleLintReport());
  assert.ok(text.endsWith("}\n"));
  const document = JSON.parse(text) as Record<string, unknown>;
  assert.equal(LINT_JSON_VERSION, 1);
  assert.deepEqual(Object.keys(document), [
    "version",
    "failLevel",
    "failed",
    "fileCount",
    "filesWithFindings",
    "suppressed",
    "baselined",
    "warnings",
    "counts",
    "rules",
    "findings",
  ]);
  assert.equal(document.version, 1);
  assert.deepEqual(document.counts, {
    error: 2,
    warn: 1,
    byRule: { "missing-account-guard": 1, "shared-state": 1, "syntax-error": 1 },
  });
  assert.equal(document.filesWithFindings, 3);
  assert.deepEqual((document.rules as unknown[])[1], {
    id: "shared-state",
    description: "one state",
    defaultSeverity: "error",
    helpUri: "https://github.com/crossform/crossform/blob/main/docs/rules/shared-state.md",
  });
  assert.deepEqual((document.rules as unknown[])[2], {
    id: "syntax-error",
    description: "does not parse",
    defaultSeverity: "error",
  });
  assert.deepEqual((document.findings as unknown[])[0], {
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
    fingerprint: "0a1b2c3d4e5f6071:0",
  });
});

test("the same report gives the same bytes", () => {
  assert.equal(formatLintJson(sampleLintReport()), formatLintJson(sampleLintReport()));
});
