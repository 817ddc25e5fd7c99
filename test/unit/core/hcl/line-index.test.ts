import assert from "node:assert/strict";
import { test } from "node:test";
import { createLineIndex } from "../../../../src/core/hcl/line-index.ts";

test("offsets become 1-based lines and columns", () => {
  const lines = createLineIndex("ab\ncd\r\n\nef");
  assert.deepEqual(lines.position(0), { line: 1, column: 1, offset: 0 });
  assert.deepEqual(lines.position(2), { line: 1, column: 3, offset: 2 });
  assert.deepEqual(lines.position(3), { line: 2, column: 1, offset: 3 });
  assert.deepEqual(lines.position(7), { line: 3, column: 1, offset: 7 });
  assert.deepEqual(lines.position(9), { line: 4, column: 2, offset: 9 });
});

test("offsets outside the text are clamped", () => {
  const lines = createLineIndex("abc");
  assert.deepEqual(lines.position(-5), { line: 1, column: 1, offset: 0 });
  assert.deepEqual(lines.range(1, 99), {
    start: { line: 1, column: 2, offset: 1 },
    end: { line: 1, column: 4, offset: 3 },
  });
});
