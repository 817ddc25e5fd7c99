import assert from "node:assert/strict";
import { readFileSync } from "node:fs";
import { test } from "node:test";
import { parseRunReport } from "../../../src/core/report/run-report.ts";
import type { RunCommand, UnitStatus } from "../../../src/core/report/run-report.ts";
import {
  countsPhrase,
  formatDuration,
  formatRunSummary,
  statusLabel,
} from "../../../src/formatters/run-summary.ts";

const FIXTURES = new URL("../../fixtures/report/", import.meta.url).pathname;
const read = (path: string) => readFileSync(`${FIXTURES}${path}`, "utf8");

test("the summary table of a mixed plan equals its golden file", () => {
  const report = parseRunReport(JSON.parse(read("plan-mixed/report.json")), "plan-mixed");
  assert.equal(formatRunSummary(report), read("plan-mixed/summary.txt"));
});

test("the summary table of a halted apply names the halted wave", () => {
  const report = parseRunReport(JSON.parse(read("apply-halted/report.json")), "apply-halted");
  const text = formatRunSummary(report);
  assert.equal(text, read("apply-halted/summary.txt"));
  assert.match(
    text,
    /^wave prod halted: 1 failed account \(prod-a\), tolerance 0; later waves not started$/m,
  );
});

test("durations for people", () => {
  const cases: [number, string][] = [
    [0, "0ms"],
    [850, "850ms"],
    [999.6, "1.0s"],
    [2150, "2.1s"],
    [9999, "9.9s"],
    [12_400, "12s"],
    [59_999, "59s"],
    [65_250, "1m05s"],
    [3_599_000, "59m59s"],
    [3_720_000, "1h02m"],
  ];
  for (const [ms, text] of cases) assert.equal(formatDuration(ms), text, String(ms));
});

test("status labels say what a unit's outcome means for the command", () => {
  const label = (command: RunCommand, status: UnitStatus, changes: boolean) =>
    statusLabel(command, { status, has_changes: changes });
  assert.deepEqual(
    (["plan", "apply", "destroy", "drift", "output"] as const).map((c) => [
      label(c, "succeeded", true),
      label(c, "succeeded", false),
    ]),
    [
      ["changes", "no changes"],
      ["applied", "no changes"],
      ["destroyed", "no changes"],
      ["drifted", "no drift"],
      ["ok", "ok"],
    ],
  );
  assert.deepEqual(
    (["failed", "blocked", "skipped", "not-started", "interrupted", "needs-replan"] as const).map(
      (s) => label("apply", s, false),
    ),
    ["failed", "blocked", "skipped", "not started", "interrupted", "needs re-plan"],
  );
});

test("counts in words: future for a plan, past for an apply, only what is not zero", () => {
  const counts = {
    add: 1,
    change: 0,
    destroy: 2,
    replace: 1,
    moved: 0,
    imported: 1,
    forget: 1,
    drift: 0,
    outputs_changed: 1,
  };
  assert.equal(
    countsPhrase(counts, "plan"),
    "1 to add, 2 to destroy, 1 to replace, 1 to import, 1 to forget, 1 output changed",
  );
  assert.equal(
    countsPhrase(counts, "apply"),
    "1 added, 2 destroyed, 1 replaced, 1 imported, 1 forgotten, 1 output changed",
  );
  assert.equal(
    countsPhrase(
      { ...counts, add: 0, destroy: 0, replace: 0, imported: 0, forget: 0, outputs_changed: 0 },
      "plan",
    ),
    "no changes",
  );
});

test("a failed unit's reason line carries Terraform's first error, in new records and in records written before", () => {
  const report = parseRunReport(JSON.parse(read("apply-halted/report.json")), "apply-halted");
  const failed = report.units[0]!;
  const withMessage = (message: string) => ({
    ...report,
    units: [{ ...failed, error: { message } }],
  });
  // What unit-steps writes now.
  assert.match(
    formatRunSummary(
      withMessage(
        "terraform apply failed: local-exec provisioner error\nError: local-exec provisioner error",
      ),
    ),
    /^ {2}terraform apply failed: local-exec provisioner error$/m,
  );
  // An older record: `terraform apply failed:` alone on the first line.
  assert.match(
    formatRunSummary(
      withMessage("terraform apply failed:\n╷\n│ Error: local-exec provisioner error\n│ \n╵"),
    ),
    /^ {2}terraform apply failed: local-exec provisioner error$/m,
  );
});
