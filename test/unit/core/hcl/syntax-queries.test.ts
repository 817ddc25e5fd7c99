import assert from "node:assert/strict";
import { test } from "node:test";
import {
  hasAttributeOrBlock,
  literalValue,
  objectKeyName,
  referenceText,
  stringValue,
  walkBlocks,
  walkExpression,
} from "../../../../src/core/hcl/syntax-queries.ts";
import type {
  HclBlock,
  HclExpression,
  HclRange,
  HclTraversalStep,
} from "../../../../src/core/hcl/syntax.ts";

const range: HclRange = {
  start: { line: 1, column: 1, offset: 0 },
  end: { line: 1, column: 1, offset: 0 },
};
const str = (value: string): HclExpression => ({ kind: "string", value, range });
const num = (value: number): HclExpression => ({
  kind: "number",
  value,
  raw: String(value),
  range,
});
const attr = (name: string): HclTraversalStep => ({ kind: "attr", name, range });
const ref = (root: string, ...steps: HclTraversalStep[]): HclExpression => ({
  kind: "traversal",
  root,
  steps,
  range,
});
const block = (type: string, blocks: HclBlock[] = []): HclBlock => ({
  type,
  typeRange: range,
  labels: [],
  labelRanges: [],
  body: { range, attributes: [], blocks },
  range,
});

test("static references render as Terraform writes them", () => {
  assert.equal(referenceText(ref("aws", attr("west"))), "aws.west");
  assert.equal(
    referenceText(
      ref(
        "var",
        attr("tags"),
        { kind: "index", key: str("env"), range },
        { kind: "index", key: num(0), range },
      ),
    ),
    'var.tags["env"][0]',
  );
  assert.equal(
    referenceText(ref("a", { kind: "splat", style: "full", range }, attr("id"))),
    "a[*].id",
  );
  assert.equal(
    referenceText(ref("a", { kind: "index", key: ref("var", attr("k")), range })),
    undefined,
  );
  assert.equal(referenceText(str("aws.west")), "aws.west");
  const wrapped: HclExpression = {
    kind: "template",
    parts: [{ kind: "interpolation", expression: ref("module", attr("x")), range }],
    hasInterpolation: true,
    hasDirective: false,
    range,
  };
  assert.equal(referenceText(wrapped), "module.x");
  assert.equal(referenceText(num(1)), undefined);
});

test("literal values and object key names", () => {
  assert.equal(stringValue(str("a")), "a");
  assert.equal(stringValue(ref("a")), undefined);
  assert.equal(literalValue(num(3)), 3);
  assert.equal(literalValue({ kind: "bool", value: true, range }), true);
  assert.equal(literalValue({ kind: "null", range }), undefined);
  assert.equal(objectKeyName(ref("aws")), "aws");
  assert.equal(objectKeyName(ref("aws", attr("east"))), "aws.east");
  assert.equal(objectKeyName(str("a b")), "a b");
  assert.equal(
    objectKeyName({ kind: "parentheses", expression: ref("var", attr("k")), range }),
    undefined,
  );
});

test("walkExpression visits every nested expression, parents first", () => {
  const expression: HclExpression = {
    kind: "conditional",
    condition: {
      kind: "binary",
      operator: "==",
      left: ref("terraform", attr("workspace")),
      right: str("prod"),
      range,
    },
    trueResult: { kind: "call", name: "tostring", args: [num(1)], expandFinal: false, range },
    falseResult: {
      kind: "object",
      items: [{ key: ref("k"), value: { kind: "tuple", items: [str("x")], range }, range }],
      range,
    },
    range,
  };
  const seen: string[] = [];
  walkExpression(expression, (item) => seen.push(referenceText(item) ?? item.kind));
  assert.deepEqual(seen, [
    "conditional",
    "binary",
    "terraform.workspace",
    "prod",
    "call",
    "number",
    "object",
    "k",
    "tuple",
    "x",
  ]);
});

test("walkBlocks gives each block its enclosing blocks", () => {
  const seen: string[] = [];
  walkBlocks(
    [block("resource", [block("lifecycle"), block("dynamic", [block("content")])])],
    (item, ancestors) =>
      seen.push([...ancestors.map((ancestor) => ancestor.type), item.type].join(">")),
  );
  assert.deepEqual(seen, [
    "resource",
    "resource>lifecycle",
    "resource>dynamic",
    "resource>dynamic>content",
  ]);
});

test("hasAttributeOrBlock accepts either form", () => {
  const provider = block("provider", [block("assume_role")]);
  provider.body.attributes.push({ name: "region", nameRange: range, expression: str("x"), range });
  assert.equal(hasAttributeOrBlock(provider.body, "assume_role"), true);
  assert.equal(hasAttributeOrBlock(provider.body, "region"), true);
  assert.equal(hasAttributeOrBlock(provider.body, "profile"), false);
});
