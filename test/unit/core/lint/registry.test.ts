import assert from "node:assert/strict";
import { existsSync, readdirSync } from "node:fs";
import { test } from "node:test";
import { fileURLToPath } from "node:url";
import { lintRules } from "../../../../src/core/lint/registry.ts";

const here = (path: string) => fileURLToPath(new URL(path, import.meta.url));
const ruleSources = here("../../../../src/core/lint/rules/");
const ruleTests = here("./rules/");
const ruleDocs = here("../../../../docs/rules/");
const ids = lintRules.map((rule) => rule.meta.id);

test("every rule in the registry has a docs page and a test file named after its id", () => {
  for (const id of ids) {
    assert.ok(existsSync(`${ruleDocs}${id}.md`), `docs/rules/${id}.md is missing`);
    assert.ok(
      existsSync(`${ruleTests}${id}.test.ts`),
      `test/unit/core/lint/rules/${id}.test.ts is missing`,
    );
  }
});

test("every rule file is in the registry under its file name", () => {
  const files = readdirSync(ruleSources).filter((name) => name.endsWith(".ts"));
  assert.deepEqual(files.map((name) => name.replace(/\.ts$/, "")).sort(), [...ids].sort());
});

test("every docs page and every rule test has a rule", () => {
  const pages = readdirSync(ruleDocs).filter((name) => name.endsWith(".md"));
  assert.deepEqual(pages.map((name) => name.replace(/\.md$/, "")).sort(), [...ids].sort());
  const tests = readdirSync(ruleTests).filter((name) => name.endsWith(".test.ts"));
  assert.deepEqual(tests.map((name) => name.replace(/\.test\.ts$/, "")).sort(), [...ids].sort());
});

test("ids are unique, kebab-case and sorted; every rule has a description and a default severity", () => {
  assert.deepEqual(ids, [...new Set(ids)].sort());
  for (const rule of lintRules) {
    assert.match(rule.meta.id, /^[a-z]+(?:-[a-z]+)*$/);
    assert.ok(rule.meta.description.length > 0);
    assert.ok(rule.meta.defaultSeverity === "error" || rule.meta.defaultSeverity === "warn");
  }
});
