import assert from "node:assert/strict";
import { before, describe, test } from "node:test";
import { createTreeSitterHclParser } from "../../../../src/adapters/hcl/tree-sitter-hcl-parser.ts";
import { runLint, SYNTAX_ERROR_ID } from "../../../../src/core/lint/engine.ts";
import type { HclRange } from "../../../../src/core/hcl/syntax.ts";
import type { LintRule } from "../../../../src/core/lint/rule.ts";
import type { HclParser } from "../../../../src/ports/hcl-parser.ts";
import { buildRepository } from "../../../helpers/lint-rule-cases.ts";

let parser: HclParser;
before(async () => {
  parser = await createTreeSitterHclParser();
});

/** Reports every resource block, at its type keyword. */
const everyResource: LintRule<{ name: string; range: HclRange }[]> = {
  meta: { id: "every-resource", description: "test rule", defaultSeverity: "warn" },
  collect: (file) =>
    file.blocks
      .filter((block) => block.type === "resource")
      .map((block) => ({ name: block.labels[1] ?? "", range: block.typeRange })),
  create(context) {
    for (const module of context.repository.modules) {
      for (const file of module.files) {
        for (const resource of context.factsOf(file)) {
          context.report({
            file: file.path,
            range: resource.range,
            message: `resource ${resource.name}`,
            hint: "h",
          });
        }
      }
    }
  },
};

function lintText(text: string, options: Parameters<typeof runLint>[2] = {}) {
  const repository = buildRepository(
    parser,
    { modules: [{ dir: "live", files: { "main.tf": text } }] },
    [everyResource],
  );
  return runLint(repository, [everyResource], options);
}

describe("suppression", () => {
  test("a directive on the line or the line before drops the finding; elsewhere it does not", () => {
    const report = lintText(
      [
        'resource "a" "same_line" {} # crossform-ignore: every-resource',
        "# crossform-ignore: every-resource",
        'resource "a" "line_before" {}',
        "# crossform-ignore: every-resource",
        "",
        'resource "a" "two_lines_below" {}',
        'resource "a" "other_rule" {} # crossform-ignore: shared-state',
        'resource "a" "list" {} // crossform-ignore: shared-state, every-resource',
      ].join("\n"),
    );
    assert.deepEqual(
      report.findings.map((f) => [f.message, f.line]),
      [
        ["resource two_lines_below", 6],
        ["resource other_rule", 7],
      ],
    );
    assert.equal(report.suppressed, 3);
  });

  test("a directive inside a heredoc is text, not a comment", () => {
    const report = lintText(
      'locals {\n  x = <<EOT\n# crossform-ignore: every-resource\nEOT\n}\nresource "a" "b" {}\n',
    );
    assert.equal(report.findings.length, 1);
    assert.equal(report.findings[0]?.line, 6);
  });
});

describe("severities and the fail level", () => {
  test("defaults: the rule's own severity, fail level error", () => {
    const report = lintText('resource "a" "b" {}\n');
    assert.equal(report.findings[0]?.severity, "warn");
    assert.equal(report.failLevel, "error");
    assert.equal(report.failed, false);
  });

  test("a configured severity and fail level", () => {
    assert.equal(
      lintText('resource "a" "b" {}\n', { settings: { "every-resource": "error" } }).failed,
      true,
    );
    assert.equal(lintText('resource "a" "b" {}\n', { failLevel: "warn" }).failed, true);
  });

  test("off turns a rule off", () => {
    const report = lintText('resource "a" "b" {}\n', { settings: { "every-resource": "off" } });
    assert.deepEqual(report.findings, []);
    assert.equal(report.failed, false);
  });
});

describe("files that do not parse", () => {
  test("one finding per file at the first error, and the rules still run", () => {
    const repository = buildRepository(
      parser,
      {
        modules: [
          {
            dir: "live",
            files: {
              "broken.tf": 'resource "a" "b" {\n  x = \n',
              "ok.tf": 'resource "a" "c" {}\n',
            },
          },
        ],
      },
      [everyResource],
    );
    const report = runLint(repository, [everyResource]);
    const syntax = report.findings.filter((f) => f.ruleId === SYNTAX_ERROR_ID);
    assert.equal(syntax.length, 1);
    assert.equal(syntax[0]?.file, "live/broken.tf");
    assert.equal(syntax[0]?.severity, "error");
    assert.ok(
      report.findings.some((f) => f.file === "live/ok.tf" && f.ruleId === "every-resource"),
    );
    assert.equal(report.failed, true);
  });
});

test("findings are sorted by file, line and column and carry their source line", () => {
  const repository = buildRepository(
    parser,
    {
      modules: [
        { dir: "b", files: { "main.tf": 'resource "a" "x" {}\n' } },
        { dir: "a", files: { "main.tf": '\n\n  resource "a" "y" {}\nresource "a" "z" {}\n' } },
      ],
    },
    [everyResource],
  );
  const report = runLint(repository, [everyResource]);
  assert.deepEqual(
    report.findings.map((f) => [f.file, f.line, f.column, f.sourceLine]),
    [
      ["a/main.tf", 3, 3, '  resource "a" "y" {}'],
      ["a/main.tf", 4, 1, 'resource "a" "z" {}'],
      ["b/main.tf", 1, 1, 'resource "a" "x" {}'],
    ],
  );
  assert.deepEqual(
    report.rules.map((rule) => rule.id),
    ["every-resource", SYNTAX_ERROR_ID],
  );
  assert.equal(report.fileCount, 2);
});
