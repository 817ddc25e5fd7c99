import assert from "node:assert/strict";
import { test } from "node:test";
import { crossformIgnoreVerdict, ignoresCrossform } from "../../../src/core/gitignore.ts";

test("ignoresCrossform: the spellings that ignore .crossform/ in the .gitignore's own directory", () => {
  for (const line of [
    ".crossform",
    ".crossform/",
    "/.crossform",
    "/.crossform/",
    "**/.crossform",
    "**/.crossform/",
    ".crossform/*",
    "/.crossform/*",
    ".crossform/**",
    "  .crossform/  ",
  ]) {
    assert.equal(ignoresCrossform(`a\n${line}\nb`), true, line);
  }
  for (const text of ["", "# .crossform/", ".crossform-old/", "x/.crossform/", "crossform/"]) {
    assert.equal(ignoresCrossform(text), false, text);
  }
});

test("ignoresCrossform below the .gitignore: anchored patterns only at their own path", () => {
  const cases: [string, boolean][] = [
    [".crossform/", true],
    ["**/.crossform/*", true],
    ["/.crossform/", false],
    [".crossform/*", false],
    ["infra/.crossform/", true],
    ["/infra/.crossform", true],
    ["other/.crossform/", false],
  ];
  for (const [line, expected] of cases)
    assert.equal(ignoresCrossform(line, "infra"), expected, line);
});

test("the last matching line wins; a file that never speaks of it has no verdict", () => {
  assert.equal(ignoresCrossform(".crossform/\n!.crossform/"), false);
  assert.equal(ignoresCrossform("!.crossform/\n.crossform/"), true);
  assert.equal(crossformIgnoreVerdict("!.crossform/"), false);
  assert.equal(crossformIgnoreVerdict("node_modules/\n"), undefined);
});
