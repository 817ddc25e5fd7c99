import assert from "node:assert/strict";
import { test } from "node:test";
import {
  stripHeredocIndentation,
  unescapeQuoted,
  unescapeTemplateMarkers,
} from "../../../../src/core/hcl/template-escapes.ts";

test("quoted strings resolve backslash and template escapes", () => {
  assert.equal(unescapeQuoted(String.raw`a\"b\\c\n\t\r`), 'a"b\\c\n\t\r');
  assert.equal(unescapeQuoted("\\u00e9\\U0001F600"), "é😀");
  assert.equal(unescapeQuoted("$${x} %%{y} $x %z"), "${x} %{y} $x %z");
});

test("unknown or cut-off escapes are kept as written", () => {
  assert.equal(unescapeQuoted("\\q \\u12 \\"), "\\q \\u12 \\");
});

test("heredocs resolve only template escapes", () => {
  assert.equal(unescapeTemplateMarkers("\\n $${a} %%{b}"), "\\n ${a} %{b}");
});

test("indented heredocs lose their common indentation; blank lines do not count", () => {
  assert.equal(stripHeredocIndentation("    a\n      b\n\n    c\n"), "a\n  b\n\nc\n");
  assert.equal(stripHeredocIndentation("a\n  b\n"), "a\n  b\n");
  assert.equal(stripHeredocIndentation(""), "");
});
