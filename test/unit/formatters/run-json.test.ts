import assert from "node:assert/strict";
import { readFileSync } from "node:fs";
import { test } from "node:test";
import { parseRunReport } from "../../../src/core/report/run-report.ts";
import { formatRunJson } from "../../../src/formatters/run-json.ts";

const FIXTURES = new URL("../../fixtures/report/", import.meta.url).pathname;
const read = (path: string) => readFileSync(`${FIXTURES}${path}`, "utf8");

/** The same data with every object's keys in reverse order. */
function reverseKeys(value: unknown): unknown {
  if (Array.isArray(value)) return value.map(reverseKeys);
  if (typeof value === "object" && value !== null) {
    return Object.fromEntries(
      Object.entries(value)
        .reverse()
        .map(([k, v]) => [k, reverseKeys(v)]),
    );
  }
  return value;
}

test("the JSON of each report equals its golden file", () => {
  for (const name of ["plan-mixed", "apply-halted"]) {
    const report = parseRunReport(JSON.parse(read(`${name}/report.json`)), name);
    assert.equal(formatRunJson(report), read(`${name}/formatted.json`), name);
  }
});

test("key order is fixed whatever order the report's objects were built in", () => {
  const data = JSON.parse(read("plan-mixed/report.json"));
  const a = formatRunJson(parseRunReport(data, "a"));
  const b = formatRunJson(parseRunReport(reverseKeys(data), "b"));
  assert.equal(b, a);
  assert.deepEqual(Object.keys(JSON.parse(a)), ["version", "run", "totals", "waves", "units"]);
});

test("absent optional keys are written as null, and output values have sorted keys", () => {
  const data = JSON.parse(read("apply-halted/report.json"));
  data.units[0].outputs_changed = [
    {
      name: "o",
      action: "create",
      before: null,
      after: { z: 1, a: { y: 2, b: 3 } },
      sensitive: false,
    },
  ];
  const json = JSON.parse(formatRunJson(parseRunReport(data, "x")));
  assert.equal(json.run.user, null);
  assert.equal(json.run.git_commit, null);
  assert.equal(json.units[1].summary, null);
  assert.equal(json.units[1].error, null);
  assert.deepEqual(json.units[0].error, {
    code: null,
    message: "Error: local-exec provisioner error\n\nexit status 1",
    hint: null,
  });
  assert.equal(JSON.stringify(json.units[0].outputs_changed[0].after), '{"a":{"b":3,"y":2},"z":1}');
});
