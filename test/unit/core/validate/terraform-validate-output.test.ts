import assert from "node:assert/strict";
import { describe, test } from "node:test";
import {
  parseValidateJson,
  terraformDiagnosticHint,
} from "../../../../src/core/validate/terraform-validate-output.ts";

// Shaped as terraform 1.11 writes `validate -json` (checked against real output).
const INVALID = JSON.stringify({
  format_version: "1.0",
  valid: false,
  error_count: 2,
  warning_count: 1,
  diagnostics: [
    {
      severity: "error",
      summary: "Reference to undeclared input variable",
      detail: 'An input variable with the name "missing" has not been declared.',
      range: {
        filename: "main.tf",
        start: { line: 7, column: 11, byte: 146 },
        end: { line: 7, column: 22, byte: 157 },
      },
    },
    { severity: "error", summary: "Missing required provider", detail: "run terraform init" },
    {
      severity: "warning",
      summary: "Deprecated",
      detail: "",
      range: { filename: "a.tf", start: { line: 2 } },
    },
  ],
});

describe("parseValidateJson", () => {
  test("diagnostics with their position when terraform gives one", () => {
    const out = parseValidateJson(INVALID);
    assert.ok(out.ok);
    assert.equal(out.valid, false);
    assert.deepEqual(out.diagnostics, [
      {
        severity: "error",
        summary: "Reference to undeclared input variable",
        detail: 'An input variable with the name "missing" has not been declared.',
        range: { filename: "main.tf", line: 7, column: 11 },
      },
      { severity: "error", summary: "Missing required provider", detail: "run terraform init" },
      {
        severity: "warning",
        summary: "Deprecated",
        detail: "",
        range: { filename: "a.tf", line: 2, column: 1 },
      },
    ]);
  });

  test("a valid configuration", () => {
    assert.deepEqual(
      parseValidateJson(
        '{"format_version":"1.0","valid":true,"error_count":0,"warning_count":0,"diagnostics":[]}',
      ),
      { ok: true, valid: true, diagnostics: [] },
    );
  });

  test("anything else is no report, with the reason", () => {
    assert.deepEqual(parseValidateJson(""), { ok: false, reason: "no output" });
    assert.deepEqual(parseValidateJson("panic: runtime error"), {
      ok: false,
      reason: "not JSON: panic: runtime error",
    });
    assert.equal(parseValidateJson('{"valid": "yes"}').ok, false);
  });
});

test("an undeclared crossform_ variable points at crossform generate; others get no hint", () => {
  const generated = {
    severity: "error" as const,
    summary: "Reference to undeclared input variable",
    detail:
      'An input variable with the name "crossform_role_arn" has not been declared. This variable can be declared with a variable "crossform_role_arn" {} block.',
  };
  assert.match(
    terraformDiagnosticHint(generated) ?? "",
    /^crossform_role_arn is declared by the generated crossform_variables\.tf: run crossform generate/,
  );
  assert.equal(
    terraformDiagnosticHint({
      ...generated,
      detail: 'An input variable with the name "region" has not been declared.',
    }),
    undefined,
  );
});
