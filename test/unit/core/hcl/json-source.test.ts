import assert from "node:assert/strict";
import { test } from "node:test";
import { JSON_MAX_DEPTH, readJsonSource } from "../../../../src/core/hcl/json-source.ts";

test("values and keys keep their offsets", () => {
  const text = '{ "a": [1, "x\\ny"], "b": { "c": null, "d": true } }';
  const result = readJsonSource(text);
  assert.ok(result.ok);
  const root = result.value;
  assert.ok(root.kind === "object");
  const [a, b] = root.members;
  assert.ok(a && b);
  assert.equal(text.slice(a.keyStart, a.keyEnd), '"a"');
  assert.ok(a.value.kind === "array");
  const [one, xy] = a.value.items;
  assert.ok(one?.kind === "number" && one.value === 1 && one.raw === "1");
  assert.ok(xy?.kind === "string" && xy.value === "x\ny" && xy.escaped);
  assert.equal(text.slice(xy.start, xy.end), '"x\\ny"');
  assert.ok(b.value.kind === "object");
  assert.deepEqual(
    b.value.members.map((member) => member.value.kind),
    ["null", "bool"],
  );
  assert.equal(root.end, text.length);
});

test("reads what JSON.parse reads", () => {
  for (const text of ['"\\u00e9\\/"', "-1.5e-3", "[]", "{}", '\ufeff{"a":0}', " [ 0 , 1 ] "]) {
    const result = readJsonSource(text);
    assert.ok(result.ok, text);
    const plain = (value: typeof result.value): unknown =>
      value.kind === "object"
        ? Object.fromEntries(value.members.map((member) => [member.key, plain(member.value)]))
        : value.kind === "array"
          ? value.items.map(plain)
          : value.kind === "null"
            ? null
            : value.value;
    assert.deepEqual(plain(result.value), JSON.parse(text.replace(/^\ufeff/, "")));
  }
});

test("errors name the problem and its offset", () => {
  const cases: [string, RegExp, number][] = [
    ['{"a": 1,}', /expected a property name/, 8],
    ['{"a" 1}', /expected `:`/, 5],
    ["[1 2]", /expected `,` or `]`/, 3],
    ['"abc', /unterminated string/, 0],
    ['"a\\x"', /invalid escape/, 2],
    ["{} {}", /after the JSON value/, 3],
    ["", /expected a JSON value, found the end of the file/, 0],
    ["tru", /expected a JSON value/, 0],
  ];
  for (const [text, message, offset] of cases) {
    const result = readJsonSource(text);
    assert.ok(!result.ok, text);
    assert.match(result.error.message, message, text);
    assert.equal(result.error.offset, offset, text);
  }
});

test("very deep nesting is refused instead of overflowing the stack", () => {
  const result = readJsonSource("[".repeat(JSON_MAX_DEPTH + 10));
  assert.ok(!result.ok);
  assert.match(result.error.message, /nesting deeper/);
});
