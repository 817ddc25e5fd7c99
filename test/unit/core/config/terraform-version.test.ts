import assert from "node:assert/strict";
import { test } from "node:test";
import {
  compareVersions,
  lowestAdmitted,
  parseConstraint,
  parseVersion,
  satisfies,
} from "../../../../src/core/config/terraform-version.ts";

function clauses(text: string): NonNullable<ReturnType<typeof parseConstraint>> {
  const parsed = parseConstraint(text);
  assert.ok(parsed, `${text} should parse`);
  return parsed;
}

test("versions parse with or without v, patch and pre-release suffix", () => {
  assert.deepEqual(parseVersion("1.11.4"), [1, 11, 4]);
  assert.deepEqual(parseVersion("v1.10"), [1, 10, 0]);
  assert.deepEqual(parseVersion("1"), [1, 0, 0]);
  assert.deepEqual(parseVersion(" 1.12.0-beta1 "), [1, 12, 0]);
  assert.equal(parseVersion("latest"), undefined);
  assert.equal(parseVersion(""), undefined);
});

test("versions compare numerically, not as text", () => {
  assert.ok(compareVersions([1, 10, 0], [1, 9, 9]) > 0);
  assert.ok(compareVersions([1, 6, 0], [1, 10, 0]) < 0);
  assert.equal(compareVersions([1, 11, 4], [1, 11, 4]), 0);
  assert.ok(compareVersions([2, 0, 0], [1, 99, 99]) > 0);
});

test("constraints parse with every operator and several clauses", () => {
  assert.deepEqual(clauses(">= 1.10"), [{ op: ">=", version: [1, 10, 0], parts: 2 }]);
  assert.deepEqual(clauses("~>1.10.0"), [{ op: "~>", version: [1, 10, 0], parts: 3 }]);
  assert.deepEqual(clauses("1.11.4"), [{ op: "=", version: [1, 11, 4], parts: 3 }]);
  assert.deepEqual(
    clauses(">= 1.6, < 2.0, != 1.7.1").map((c) => c.op),
    [">=", "<", "!="],
  );
  for (const op of [">", "<=", "="]) assert.equal(clauses(`${op} 1.2`)[0]?.op, op);
});

test("text that is not a constraint is refused", () => {
  for (const text of ["", "latest", ">= ", ">= 1.x", "=> 1.10", ">= 1.10,", "1.2.3.4"]) {
    assert.equal(parseConstraint(text), undefined, text);
  }
});

test("the lowest admitted version is the highest lower bound", () => {
  assert.deepEqual(lowestAdmitted(clauses(">= 1.6")), [1, 6, 0]);
  assert.deepEqual(lowestAdmitted(clauses(">= 1.6, >= 1.10")), [1, 10, 0]);
  assert.deepEqual(lowestAdmitted(clauses("> 1.9")), [1, 9, 1]);
  assert.deepEqual(lowestAdmitted(clauses("~> 1.11.2")), [1, 11, 2]);
  assert.deepEqual(lowestAdmitted(clauses("= 1.10.5")), [1, 10, 5]);
  assert.deepEqual(lowestAdmitted(clauses("< 2.0")), [0, 0, 0]);
  assert.deepEqual(lowestAdmitted(clauses("!= 1.10.0")), [0, 0, 0]);
});

test("~> with two parts pins the major version", () => {
  const c = clauses("~> 1.10");
  assert.equal(satisfies([1, 10, 0], c), true);
  assert.equal(satisfies([1, 99, 3], c), true);
  assert.equal(satisfies([1, 9, 9], c), false);
  assert.equal(satisfies([2, 0, 0], c), false);
});

test("~> with three parts pins the minor version", () => {
  const c = clauses("~> 1.10.0");
  assert.equal(satisfies([1, 10, 0], c), true);
  assert.equal(satisfies([1, 10, 7], c), true);
  assert.equal(satisfies([1, 11, 0], c), false);
  assert.equal(satisfies([1, 9, 0], c), false);
});

test("every clause must hold", () => {
  const c = clauses(">= 1.6, < 2.0, != 1.7.1");
  assert.equal(satisfies([1, 6, 0], c), true);
  assert.equal(satisfies([1, 11, 4], c), true);
  assert.equal(satisfies([1, 7, 1], c), false);
  assert.equal(satisfies([1, 5, 7], c), false);
  assert.equal(satisfies([2, 0, 0], c), false);
  assert.equal(satisfies([1, 10, 0], clauses("> 1.10")), false);
  assert.equal(satisfies([1, 10, 1], clauses("> 1.10")), true);
  assert.equal(satisfies([1, 10, 0], clauses("<= 1.10")), true);
  assert.equal(satisfies([1, 10, 0], clauses("1.10")), true);
  assert.equal(satisfies([1, 10, 1], clauses("= 1.10.0")), false);
});
