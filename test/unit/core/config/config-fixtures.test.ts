/**
 * One fixture directory per configuration error: `crossform.yaml` and `expected.json` (code, line,
 * column, and fragments of message and hint of every diagnostic, in order). Positions in the
 * expected files were checked by hand against the fixtures.
 */
import assert from "node:assert/strict";
import { readdirSync, readFileSync } from "node:fs";
import { test } from "node:test";
import { readConfigText } from "../../../../src/core/config/read-config.ts";

interface ExpectedDiagnostic {
  code: string;
  line: number;
  column: number;
  message: string;
  hint: string;
}

interface Expected {
  description: string;
  ok: boolean;
  diagnostics: ExpectedDiagnostic[];
}

const root = new URL("../../../fixtures/config/", import.meta.url);
const scenarios = readdirSync(root, { withFileTypes: true })
  .filter((entry) => entry.isDirectory())
  .map((entry) => entry.name)
  .sort();

test("every error kind has a fixture", () => {
  assert.ok(scenarios.length >= 30, `only ${scenarios.length} fixtures found`);
});

for (const scenario of scenarios) {
  const dir = new URL(`${scenario}/`, root);
  const text = readFileSync(new URL("crossform.yaml", dir), "utf8");
  const expected = JSON.parse(readFileSync(new URL("expected.json", dir), "utf8")) as Expected;

  test(`${scenario}: ${expected.description}`, () => {
    const result = readConfigText(text, "crossform.yaml");
    if (expected.ok) {
      assert.ok(
        result.ok,
        `expected no errors, got ${result.ok ? "" : JSON.stringify(result.diagnostics, null, 2)}`,
      );
      return;
    }
    assert.equal(result.ok, false, "expected the configuration to be refused");
    if (result.ok) return;
    const actual = result.diagnostics.map((d) => ({
      code: d.code,
      severity: d.severity,
      file: d.position?.file,
      line: d.position?.line,
      column: d.position?.column,
      message: d.message,
      hint: d.hint ?? "",
    }));
    assert.equal(
      actual.length,
      expected.diagnostics.length,
      `diagnostics: ${JSON.stringify(actual, null, 2)}`,
    );
    expected.diagnostics.forEach((want, i) => {
      const got = actual[i];
      assert.ok(got);
      assert.equal(got.code, want.code);
      assert.equal(got.severity, "error");
      assert.equal(got.file, "crossform.yaml");
      assert.deepEqual([got.line, got.column], [want.line, want.column], `position of ${got.code}`);
      assert.ok(
        got.message.includes(want.message),
        `message ${JSON.stringify(got.message)} lacks ${JSON.stringify(want.message)}`,
      );
      assert.ok(
        got.hint.includes(want.hint),
        `hint ${JSON.stringify(got.hint)} lacks ${JSON.stringify(want.hint)}`,
      );
      assert.match(got.message, /^[a-z]/, "messages start lowercase");
    });
  });
}
