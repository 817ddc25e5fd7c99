import assert from "node:assert/strict";
import { test } from "node:test";
import {
  parseTerraformJson,
  type JsonTemplateSource,
} from "../../../../src/core/hcl/terraform-json.ts";
import type { HclExpression } from "../../../../src/core/hcl/syntax.ts";

/** Reads `${name}` as a one-interpolation template and records what it was handed. */
function recordingReader(): {
  seen: JsonTemplateSource[];
  read: (source: JsonTemplateSource) => HclExpression;
} {
  const seen: JsonTemplateSource[] = [];
  return {
    seen,
    read(source) {
      seen.push(source);
      const match = /^\$\{([a-z.]+)\}$/.exec(source.value);
      if (match === null) {
        return {
          kind: "template",
          parts: [
            { kind: "literal", value: source.value.replaceAll("$${", "${"), range: source.range },
          ],
          hasInterpolation: false,
          hasDirective: false,
          range: source.range,
        };
      }
      const [root = "", ...names] = (match[1] ?? "").split(".");
      return {
        kind: "template",
        parts: [
          {
            kind: "interpolation",
            expression: {
              kind: "traversal",
              root,
              steps: names.map((name) => ({ kind: "attr" as const, name, range: source.range })),
              range: source.range,
            },
            range: source.range,
          },
        ],
        hasInterpolation: true,
        hasDirective: false,
        range: source.range,
      };
    },
  };
}

test("label levels follow the block type; arrays declare several blocks", () => {
  const text = JSON.stringify(
    {
      resource: { aws_s3_bucket: { a: {}, b: [{ bucket: "one" }, { bucket: "two" }] } },
      provider: { aws: [{ region: "us-east-1" }, { alias: "west" }] },
      locals: { x: 1 },
      moved: [{ from: "a", to: "b" }],
      unknown_block: { k: 1 },
    },
    null,
    2,
  );
  const file = parseTerraformJson("main.tf.json", text, recordingReader().read);
  assert.deepEqual(file.errors, []);
  assert.deepEqual(
    file.blocks.map((block) => [block.type, ...block.labels]),
    [
      ["resource", "aws_s3_bucket", "a"],
      ["resource", "aws_s3_bucket", "b"],
      ["resource", "aws_s3_bucket", "b"],
      ["provider", "aws"],
      ["provider", "aws"],
      ["locals"],
      ["moved"],
      ["unknown_block"],
    ],
  );
  const [, first, second] = file.blocks;
  assert.ok(first && second);
  assert.notEqual(first.range.start.offset, second.range.start.offset);
  assert.equal(
    text.slice(first.range.start.offset, first.range.end.offset),
    '{\n          "bucket": "one"\n        }',
  );
  assert.deepEqual(
    file.blocks[5]?.body.attributes.map((attribute) => attribute.name),
    ["x"],
  );
});

test("only Terraform's own nested block types become blocks; other objects stay attributes", () => {
  const text = JSON.stringify({
    terraform: {
      required_providers: { aws: { source: "hashicorp/aws" } },
      backend: { s3: { key: "k" } },
    },
    provider: { aws: { assume_role: { role_arn: "r" }, default_tags: { tags: { a: "b" } } } },
    resource: {
      aws_instance: { web: { tags: { Name: "web" }, lifecycle: { ignore_changes: ["tags"] } } },
    },
  });
  const file = parseTerraformJson("main.tf.json", text, recordingReader().read);
  const [terraform, provider, resource] = file.blocks;
  assert.deepEqual(
    terraform?.body.blocks.map((block) => [block.type, ...block.labels]),
    [["required_providers"], ["backend", "s3"]],
  );
  assert.deepEqual(
    provider?.body.blocks.map((block) => block.type),
    ["assume_role", "default_tags"],
  );
  assert.deepEqual(
    resource?.body.attributes.map((attribute) => [attribute.name, attribute.expression.kind]),
    [["tags", "object"]],
  );
  assert.deepEqual(
    resource?.body.blocks.map((block) => block.type),
    ["lifecycle"],
  );
});

test("strings holding ${ or %{ go to the template reader, with an offset only when unescaped", () => {
  const text =
    '{"output": {"a": {"value": "${var.x}"}, "b": {"value": "\\u0041${var.y}"}, "c": {"value": "$${z}"}}}';
  const reader = recordingReader();
  const file = parseTerraformJson("main.tf.json", text, reader.read);
  assert.equal(reader.seen.length, 3);
  assert.equal(reader.seen[0]?.valueOffset, text.indexOf("${var.x}"));
  assert.equal(reader.seen[1]?.valueOffset, undefined);
  assert.equal(reader.seen[1]?.value, "A${var.y}");
  const values = file.blocks.map((block) => block.body.attributes[0]?.expression);
  assert.equal(values[0]?.kind, "template");
  // A template without interpolation after reading (an escaped `$${`) is a plain string.
  assert.deepEqual(values[2] && { ...values[2], range: undefined }, {
    kind: "string",
    value: "${z}",
    range: undefined,
  });
});

test('"//" properties are comments with their text and range', () => {
  const text =
    '{\n  "//": "crossform-ignore: shared-state",\n  "resource": {"a": {"b": {"//": ["one", "two"], "x": 1}}}\n}';
  const file = parseTerraformJson("main.tf.json", text, recordingReader().read);
  assert.deepEqual(
    file.comments.map((comment) => [comment.style, comment.text, comment.range.start.line]),
    [
      ["json", "crossform-ignore: shared-state", 2],
      ["json", "one", 3],
      ["json", "two", 3],
    ],
  );
  assert.deepEqual(
    file.blocks[0]?.body.attributes.map((attribute) => attribute.name),
    ["x"],
  );
});

test("a document that is not an object, or a block body that is not one, is reported", () => {
  const array = parseTerraformJson("main.tf.json", "[1]", recordingReader().read);
  assert.match(array.errors[0]?.message ?? "", /must hold one JSON object, found an array/);
  const body = parseTerraformJson("main.tf.json", '{"variable": {"x": 3}}', recordingReader().read);
  assert.deepEqual(body.blocks, []);
  assert.match(
    body.errors[0]?.message ?? "",
    /body of a `variable` block must be a JSON object, found a number/,
  );
  const labels = parseTerraformJson("main.tf.json", '{"resource": "x"}', recordingReader().read);
  assert.match(
    labels.errors[0]?.message ?? "",
    /`resource` expects an object keyed by its first label/,
  );
});

test("a string the template reader cannot read is reported where it is", () => {
  const text = '{"locals": {"a": "${var.x"}}';
  const file = parseTerraformJson("main.tf.json", text, (source) => ({
    kind: "other",
    raw: source.value,
    range: source.range,
  }));
  assert.equal(file.errors.length, 1);
  assert.match(file.errors[0]?.message ?? "", /not a valid template/);
  assert.equal(file.errors[0]?.range.start.offset, text.indexOf('"${var.x"'));
  assert.equal(file.blocks[0]?.body.attributes[0]?.expression.kind, "other");
});
