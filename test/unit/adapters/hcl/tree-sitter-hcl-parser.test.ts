import assert from "node:assert/strict";
import { readFileSync } from "node:fs";
import { before, describe, test } from "node:test";
import {
  createTreeSitterHclParser,
  MAX_ERRORS_PER_FILE,
} from "../../../../src/adapters/hcl/tree-sitter-hcl-parser.ts";
import { referenceText, stringValue } from "../../../../src/core/hcl/syntax-queries.ts";
import type {
  HclAttribute,
  HclExpression,
  HclFile,
  HclRange,
} from "../../../../src/core/hcl/syntax.ts";
import { sourceText } from "../../../../src/core/hcl/syntax.ts";
import type { HclParser } from "../../../../src/ports/hcl-parser.ts";

let parser: HclParser;
before(async () => {
  parser = await createTreeSitterHclParser();
});

const at = (range: HclRange): string =>
  `${range.start.line}:${range.start.column}-${range.end.line}:${range.end.column}`;

function attribute(file: HclFile, name: string): HclAttribute {
  const found = [...file.attributes, ...file.blocks.flatMap((block) => block.body.attributes)].find(
    (item) => item.name === name,
  );
  assert.ok(found, `attribute ${name} not found`);
  return found;
}

function expressionOf(text: string): HclExpression {
  const file = parser.parse("expr.tf", `x = ${text}\n`);
  assert.deepEqual(file.errors, [], `errors parsing ${text}`);
  return attribute(file, "x").expression;
}

describe("positions", () => {
  test("blocks, their type, labels, body and attributes carry 1-based line and column ranges", () => {
    const text =
      'resource "aws_s3_bucket" "logs" {\n  bucket = "logs"\n}\n\nlocals {\n  a = 1\n}\n';
    const file = parser.parse("main.tf", text);
    assert.deepEqual(file.errors, []);
    assert.equal(file.blocks.length, 2);
    const [resource, locals] = file.blocks;
    assert.ok(resource && locals);
    assert.equal(resource.type, "resource");
    assert.deepEqual(resource.labels, ["aws_s3_bucket", "logs"]);
    assert.equal(at(resource.range), "1:1-3:2");
    assert.equal(at(resource.typeRange), "1:1-1:9");
    assert.deepEqual(resource.labelRanges.map(at), ["1:10-1:25", "1:26-1:32"]);
    const bucket = resource.body.attributes[0];
    assert.ok(bucket);
    assert.equal(at(bucket.range), "2:3-2:18");
    assert.equal(at(bucket.nameRange), "2:3-2:9");
    assert.equal(at(bucket.expression.range), "2:12-2:18");
    assert.equal(sourceText(file, bucket), 'bucket = "logs"');
    assert.equal(sourceText(file, resource.body), '\n  bucket = "logs"\n');
    assert.equal(at(locals.range), "5:1-7:2");
    assert.equal(locals.range.start.offset, text.indexOf("locals"));
  });

  test("columns count UTF-16 code units, so they match JavaScript string indices", () => {
    const text = 'a = "é😀"\nb = "x"\nc = "😀" # after\n';
    const file = parser.parse("main.tf", text);
    const a = attribute(file, "a");
    assert.equal(a.expression.range.end.column, 1 + text.indexOf("\n"));
    assert.equal(stringValue(a.expression), "é😀");
    const comment = file.comments[0];
    assert.ok(comment);
    assert.equal(comment.range.start.line, 3);
    assert.equal(comment.range.start.column, 'c = "😀" '.length + 1);
    assert.equal(text.slice(comment.range.start.offset, comment.range.end.offset), "# after");
  });

  test("a block label written as a bare word is read too", () => {
    const file = parser.parse("main.tf", 'provider aws {\n  region = "us-east-1"\n}\n');
    assert.deepEqual(file.blocks[0]?.labels, ["aws"]);
  });

  test("a parsed file is plain JSON-serialisable data", () => {
    const text = readFileSync(
      new URL("../../../fixtures/hcl/realistic-root/main.tf", import.meta.url),
      "utf8",
    );
    const file = parser.parse("main.tf", text);
    assert.deepEqual(JSON.parse(JSON.stringify(file)), file);
  });
});

describe("expressions", () => {
  test("literals: string with escapes, number, bool, null", () => {
    assert.deepEqual(
      { ...expressionOf('"a\\"b\\\\c\\n\\u00e9 $${x} %%{y}"'), range: undefined },
      { kind: "string", value: 'a"b\\c\né ${x} %{y}', range: undefined },
    );
    const number = expressionOf("1.5e3");
    assert.equal(number.kind, "number");
    assert.equal(number.kind === "number" && number.value, 1500);
    assert.equal(number.kind === "number" && number.raw, "1.5e3");
    const bool = expressionOf("false");
    assert.ok(bool.kind === "bool" && bool.value === false);
    assert.equal(expressionOf("null").kind, "null");
    assert.deepEqual(stringValue(expressionOf('"  spaced  "')), "  spaced  ");
    assert.deepEqual(stringValue(expressionOf('""')), "");
  });

  test("templates keep literal parts (spaces included) and interpolated expressions", () => {
    const template = expressionOf('"  logs-${var.env} - ${local.n}!"');
    assert.equal(template.kind, "template");
    if (template.kind !== "template") return;
    assert.equal(template.hasInterpolation, true);
    assert.equal(template.hasDirective, false);
    assert.deepEqual(
      template.parts.map((part) =>
        part.kind === "literal"
          ? part.value
          : part.kind === "interpolation"
            ? referenceText(part.expression!)
            : part.kind,
      ),
      ["  logs-", "var.env", " - ", "local.n", "!"],
    );
  });

  test("template directives: if/else and for", () => {
    const template = expressionOf(
      '"%{ if var.on }on%{ else }off%{ endif }/%{ for k, v in var.m }${k}=${v},%{ endfor }"',
    );
    assert.ok(template.kind === "template");
    assert.equal(template.hasDirective, true);
    const [ifPart, slash, forPart] = template.parts;
    assert.ok(ifPart?.kind === "if");
    assert.equal(referenceText(ifPart.condition), "var.on");
    assert.deepEqual(
      ifPart.whenTrue.map((part) => part.kind === "literal" && part.value),
      ["on"],
    );
    assert.deepEqual(
      ifPart.whenFalse.map((part) => part.kind === "literal" && part.value),
      ["off"],
    );
    assert.ok(slash?.kind === "literal" && slash.value === "/");
    assert.ok(forPart?.kind === "for");
    assert.equal(forPart.keyVariable, "k");
    assert.equal(forPart.valueVariable, "v");
    assert.equal(referenceText(forPart.collection), "var.m");
    assert.deepEqual(
      forPart.body.map((part) => part.kind),
      ["interpolation", "literal", "interpolation", "literal"],
    );
  });

  test("tuples and objects, with bare, quoted and parenthesized keys", () => {
    const tuple = expressionOf('[1, "two", [3],]');
    assert.ok(tuple.kind === "tuple");
    assert.deepEqual(
      tuple.items.map((item) => item.kind),
      ["number", "string", "tuple"],
    );
    const object = expressionOf('{ aws = aws.west, "aws.east" = aws.east, (var.k): 3 }');
    assert.ok(object.kind === "object");
    assert.deepEqual(
      object.items.map((item) => [item.key.kind, item.value.kind]),
      [
        ["traversal", "traversal"],
        ["string", "traversal"],
        ["parentheses", "number"],
      ],
    );
    assert.equal(referenceText(object.items[0]!.value), "aws.west");
  });

  test("traversals: attributes, indexes, legacy indexes and splats, with the root name", () => {
    const traversal = expressionOf('var.tags["env"][0].x.1[*].id');
    assert.ok(traversal.kind === "traversal");
    assert.equal(traversal.root, "var");
    assert.deepEqual(
      traversal.steps.map((step) =>
        step.kind === "attr"
          ? step.name
          : step.kind === "splat"
            ? step.style
            : (referenceText(step.key) ?? step.key.kind),
      ),
      ["tags", "env", "number", "x", "number", "full", "id"],
    );
    const workspace = expressionOf("terraform.workspace");
    assert.ok(workspace.kind === "traversal" && workspace.root === "terraform");
    assert.equal(referenceText(workspace), "terraform.workspace");
    assert.equal(referenceText(expressionOf("aws_instance.web.*.id")), "aws_instance.web.*.id");
  });

  test("access on something that is not a name", () => {
    const access = expressionOf('lookup(var.m, "k").id');
    assert.ok(access.kind === "access");
    assert.equal(access.target.kind, "call");
    assert.deepEqual(
      access.steps.map((step) => step.kind),
      ["attr"],
    );
    const parenthesized = expressionOf("(var.list)[0]");
    assert.ok(parenthesized.kind === "access" && parenthesized.target.kind === "parentheses");
  });

  test("function calls, including provider functions and expanded final arguments", () => {
    const call = expressionOf("concat(var.a, [1]...)");
    assert.ok(call.kind === "call");
    assert.equal(call.name, "concat");
    assert.equal(call.args.length, 2);
    assert.equal(call.expandFinal, true);
    const providerFunction = expressionOf(
      'provider::aws::arn_parse("arn:aws:iam::111111111111:root")',
    );
    assert.ok(
      providerFunction.kind === "call" && providerFunction.name === "provider::aws::arn_parse",
    );
    const empty = expressionOf("timestamp()");
    assert.ok(empty.kind === "call" && empty.args.length === 0 && !empty.expandFinal);
  });

  test("conditionals, operators and parentheses", () => {
    const conditional = expressionOf(
      'terraform.workspace == "prod" ? "111111111111" : "222222222222"',
    );
    assert.ok(conditional.kind === "conditional");
    assert.ok(conditional.condition.kind === "binary" && conditional.condition.operator === "==");
    assert.equal(referenceText(conditional.condition.left), "terraform.workspace");
    assert.equal(stringValue(conditional.trueResult), "111111111111");
    const sum = expressionOf("-a.b + 2 * (c - 1)");
    assert.ok(sum.kind === "binary" && sum.operator === "+");
    assert.ok(sum.left.kind === "unary" && sum.left.operator === "-");
    assert.equal(referenceText(sum.left.operand), "a.b");
    assert.ok(sum.right.kind === "binary" && sum.right.operator === "*");
    assert.ok(
      sum.right.right.kind === "parentheses" && sum.right.right.expression.kind === "binary",
    );
    const logic = expressionOf("!a && b || c");
    assert.ok(logic.kind === "binary" && logic.operator === "||");
  });

  test("for expressions in both forms", () => {
    const list = expressionOf('[for s in var.subnets : upper(s) if s != ""]');
    assert.ok(list.kind === "for");
    assert.equal(list.result, "tuple");
    assert.equal(list.valueVariable, "s");
    assert.equal(list.keyVariable, undefined);
    assert.equal(referenceText(list.collection), "var.subnets");
    assert.equal(list.value.kind, "call");
    assert.equal(list.condition?.kind, "binary");
    const map = expressionOf("{ for k, v in var.m : v => k... }");
    assert.ok(map.kind === "for");
    assert.equal(map.result, "object");
    assert.equal(map.keyVariable, "k");
    assert.equal(map.key && referenceText(map.key), "v");
    assert.equal(map.grouping, true);
  });
});

describe("heredocs", () => {
  test("plain and indented heredocs give their value; their text is never read as blocks", () => {
    const text = [
      "a = <<EOT",
      'resource "aws_s3_bucket" "inside" {}',
      "  two",
      "EOT",
      "b = <<-EOT",
      '    provider "aws" {}',
      "      nested",
      "    EOT",
      "",
    ].join("\n");
    const file = parser.parse("main.tf", text);
    assert.deepEqual(file.errors, []);
    assert.deepEqual(file.blocks, []);
    const a = attribute(file, "a").expression;
    assert.ok(a.kind === "heredoc");
    assert.equal(a.marker, "EOT");
    assert.equal(a.indented, false);
    assert.equal(a.value, 'resource "aws_s3_bucket" "inside" {}\n  two\n');
    const b = attribute(file, "b").expression;
    assert.ok(b.kind === "heredoc" && b.indented);
    assert.equal(b.value, 'provider "aws" {}\n  nested\n');
    assert.equal(at(b.range), "5:5-8:8");
  });

  test("a heredoc with interpolation keeps its parts and has no value", () => {
    const file = parser.parse("main.tf", 'policy = <<JSON\n{"Account": "${var.id}"}\nJSON\n');
    const policy = attribute(file, "policy").expression;
    assert.ok(policy.kind === "heredoc");
    assert.equal(policy.value, undefined);
    assert.equal(policy.hasInterpolation, true);
    assert.deepEqual(
      policy.parts.map((part) =>
        part.kind === "literal"
          ? part.value
          : referenceText((part as { expression: HclExpression }).expression),
      ),
      ['{"Account": "', "var.id", '"}\n'],
    );
  });

  test("a heredoc closing at the very end of a file without a newline is complete", () => {
    const file = parser.parse("main.tf", "a = <<EOT\nx\nEOT");
    assert.deepEqual(file.errors, []);
    assert.equal(stringValue(attribute(file, "a").expression), "x\n");
  });
});

describe("comments", () => {
  test("#, // and /* */ comments come back with their style, text and range", () => {
    const text = '# top\nresource "a" "b" { // trailing\n  /* inner\n  two */ x = 1\n}\n';
    const file = parser.parse("main.tf", text);
    assert.deepEqual(file.errors, []);
    assert.deepEqual(
      file.comments.map((comment) => [comment.style, comment.text, at(comment.range)]),
      [
        ["hash", " top", "1:1-1:6"],
        ["slashes", " trailing", "2:20-2:31"],
        ["block", " inner\n  two ", "3:3-4:9"],
      ],
    );
    assert.equal(attribute(file, "x").range.start.line, 4);
  });

  test("an ignore comment's text is readable as written", () => {
    const file = parser.parse(
      "main.tf",
      'provider "aws" { # crossform-ignore: provider-assume-role\n}\n',
    );
    assert.equal(file.comments[0]?.text.trim(), "crossform-ignore: provider-assume-role");
    assert.equal(file.comments[0]?.range.start.line, 1);
  });
});

describe(".tf.json files", () => {
  test("are read into the same tree with positions", () => {
    const text = readFileSync(
      new URL("../../../fixtures/hcl/json-syntax/main.tf.json", import.meta.url),
      "utf8",
    );
    const file = parser.parse("main.tf.json", text);
    assert.equal(file.format, "json");
    assert.deepEqual(file.errors, []);
    assert.deepEqual(
      file.blocks.map((block) => [block.type, ...block.labels]),
      [
        ["terraform"],
        ["provider", "aws"],
        ["provider", "aws"],
        ["variable", "env"],
        ["resource", "aws_s3_bucket", "logs"],
        ["module", "zone"],
        ["output", "bucket"],
      ],
    );
    const terraform = file.blocks[0]!;
    assert.deepEqual(
      terraform.body.blocks.map((block) => [block.type, ...block.labels]),
      [["required_providers"], ["backend", "s3"]],
    );
    const west = file.blocks[2]!;
    assert.deepEqual(
      west.body.blocks.map((block) => block.type),
      ["assume_role"],
    );
    assert.equal(west.range.start.line, 12);
    const bucket = file.blocks[4]!;
    assert.equal(bucket.labelRanges[1]?.start.line, 18);
    assert.equal(
      text.slice(bucket.labelRanges[1]!.start.offset, bucket.labelRanges[1]!.end.offset),
      '"logs"',
    );
    const template = bucket.body.attributes.find((item) => item.name === "bucket")!.expression;
    assert.ok(template.kind === "template");
    const interpolation = template.parts[1];
    assert.ok(interpolation?.kind === "interpolation" && interpolation.expression);
    assert.equal(referenceText(interpolation.expression), "var.env");
    assert.equal(
      text.slice(interpolation.range.start.offset, interpolation.range.end.offset),
      "${var.env}",
    );
    assert.deepEqual(
      bucket.body.blocks.map((block) => block.type),
      ["lifecycle"],
    );
    const output = file.blocks[6]!.body.attributes[0]!;
    assert.equal(referenceText(output.expression), "aws_s3_bucket.logs.id");
    assert.deepEqual(
      file.comments.map((comment) => [comment.style, comment.text]),
      [["json", "crossform-ignore: provider-allowed-account-ids"]],
    );
  });

  test("invalid JSON gives an error with its position and no blocks, without throwing", () => {
    const file = parser.parse("bad.tf.json", '{\n  "resource": {\n    "a": [1,,]\n  }\n}\n');
    assert.deepEqual(file.blocks, []);
    assert.equal(file.errors.length, 1);
    assert.match(file.errors[0]!.message, /^invalid JSON: expected a JSON value/);
    assert.equal(at(file.errors[0]!.range).split("-")[0], "3:13");
  });
});

describe("error tolerance", () => {
  test("an unterminated block still yields the block and an error where the file ends", () => {
    const file = parser.parse("main.tf", 'resource "a" "b" {\n  x = 1\n');
    assert.deepEqual(
      file.blocks.map((block) => block.labels),
      [["a", "b"]],
    );
    assert.equal(file.blocks[0]?.body.attributes[0]?.name, "x");
    assert.equal(file.errors.length, 1);
    assert.equal(file.errors[0]?.kind, "missing");
    assert.match(file.errors[0]!.message, /missing `}`/);
    assert.equal(file.errors[0]?.range.start.line, 3);
  });

  test("a broken block does not hide the blocks after it", () => {
    const text =
      'resource "a" "first" {\n  x = = 1\n}\n\nresource "b" "second" {\n  y = 2\n}\n\noutput "o" {\n  value = 1\n}\n';
    const file = parser.parse("main.tf", text);
    assert.deepEqual(
      file.blocks.map((block) => block.labels.join(".")),
      ["a.first", "b.second", "o"],
    );
    assert.equal(attribute(file, "y").expression.kind, "number");
    assert.equal(file.errors.length, 1);
    assert.equal(file.errors[0]?.kind, "unexpected");
    assert.match(file.errors[0]!.message, /unexpected `= 1`/);
    assert.equal(at(file.errors[0]!.range).split("-")[0], "2:7");
  });

  test("an unterminated string is reported and later blocks are kept", () => {
    const file = parser.parse(
      "main.tf",
      'variable "x" {\n  default = "abc\n}\n\noutput "o" {\n  value = 1\n}\n',
    );
    assert.deepEqual(
      file.blocks.map((block) => block.type),
      ["variable", "output"],
    );
    assert.ok(file.errors.some((error) => /closing `"`/.test(error.message)));
  });

  test("empty and comment-only files give empty trees", () => {
    for (const text of ["", "\n\n", "# only a comment"]) {
      const file = parser.parse("main.tf", text);
      assert.deepEqual(file.blocks, []);
      assert.deepEqual(file.attributes, []);
      assert.deepEqual(file.errors, []);
    }
  });

  test("binary bytes never throw: NUL bytes are named, other junk gives bounded errors", () => {
    const nul = parser.parse("image.tf", "\u0000\u0001PNG\u0000");
    assert.deepEqual(nul.blocks, []);
    assert.match(nul.errors[0]!.message, /binary data/);
    let seed = 7;
    const junk = Array.from({ length: 20_000 }, () => {
      seed = (seed * 1103515245 + 12345) % 2 ** 31;
      return String.fromCharCode(1 + (seed % 0xd7fe));
    }).join("");
    const file = parser.parse("junk.tf", junk);
    assert.ok(file.errors.length > 0);
    assert.ok(file.errors.length <= MAX_ERRORS_PER_FILE + 1);
  });

  test("stray closing braces and deep nesting do not throw", () => {
    const braces = parser.parse("main.tf", "}}}\nterraform {}\n");
    assert.deepEqual(
      braces.blocks.map((block) => block.type),
      ["terraform"],
    );
    assert.ok(braces.errors.length > 0);
    const deep = parser.parse("deep.tf", `x = ${"[".repeat(5000)}${"]".repeat(5000)}\n`);
    assert.equal(deep.attributes[0]?.name, "x");
    const unclosed = parser.parse("deep.tf", `x = ${"{".repeat(3000)}`);
    assert.ok(unclosed.errors.length > 0);
  });

  test("a 1 MB file parses without crashing, in reasonable time", () => {
    const block = (i: number): string =>
      `resource "aws_s3_bucket" "b${i}" {\n  bucket = "bucket-\${var.env}-${i}"\n  tags   = { Name = "x${i}", Env = var.env }\n  count  = length(var.list) > 0 ? 1 : 0\n}\n\n`;
    const pieces: string[] = [];
    let size = 0;
    for (let i = 0; size < 1024 * 1024; i += 1) {
      const piece = block(i);
      pieces.push(piece);
      size += piece.length;
    }
    const started = performance.now();
    const file = parser.parse("big.tf", pieces.join(""));
    const seconds = (performance.now() - started) / 1000;
    assert.deepEqual(file.errors, []);
    assert.equal(file.blocks.length, pieces.length);
    assert.deepEqual(file.blocks.at(-1)?.labels, ["aws_s3_bucket", `b${pieces.length - 1}`]);
    assert.ok(seconds < 60, `parsing 1 MB took ${seconds.toFixed(1)} s`);
  });
});

test("a broken template inside a .tf.json string is an error of that file", () => {
  const file = parser.parse("main.tf.json", '{"locals": {"a": "${var.x", "b": "ok-${var.y}"}}');
  assert.equal(file.errors.length, 1);
  assert.match(file.errors[0]!.message, /not a valid template/);
  assert.equal(referenceText(file.blocks[0]!.body.attributes[1]!.expression), undefined);
  const b = file.blocks[0]!.body.attributes[1]!.expression;
  assert.ok(b.kind === "template" && b.hasInterpolation);
});
