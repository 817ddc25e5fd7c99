import assert from "node:assert/strict";
import { readFileSync } from "node:fs";
import { test } from "node:test";
import { CrossformError } from "../../../../src/core/errors.ts";
import type { PlanSummary } from "../../../../src/core/plan/plan-summary.ts";
import {
  createRunReport,
  parseRunReport,
  runExitCode,
  runTotals,
  unitFieldsFromOutcome,
  unitFieldsFromPlan,
  wavesFromSchedule,
} from "../../../../src/core/report/run-report.ts";
import type { RunReport, UnitReport, UnitStatus } from "../../../../src/core/report/run-report.ts";
import { formatRunJson } from "../../../../src/formatters/run-json.ts";
import { planSummary } from "../../../helpers/plan-summaries.ts";

const FIXTURES = new URL("../../../fixtures/report/", import.meta.url).pathname;

function fixture(name: string): unknown {
  return JSON.parse(readFileSync(`${FIXTURES}${name}/report.json`, "utf8"));
}

const emptySummary: PlanSummary = planSummary();

function unit(id: string, status: UnitStatus, extra: Partial<UnitReport> = {}): UnitReport {
  const [stack = "", account = "", region = ""] = id.split("/");
  return {
    id,
    stack,
    account,
    account_id: "111111111111",
    region,
    wave: 0,
    approval: false,
    status,
    has_changes: false,
    changes: [],
    drifted: [],
    outputs_changed: [],
    duration_ms: 10,
    ...extra,
  };
}

function report(units: UnitReport[], interrupted = false): RunReport {
  return createRunReport({
    run: {
      id: "r1",
      command: "plan",
      started_at: "2026-01-01T00:00:00.000Z",
      finished_at: "2026-01-01T00:00:01.000Z",
      duration_ms: 1000,
      selection: { stacks: [], targets: [], all: true },
      interrupted,
    },
    units,
  });
}

test("unitFieldsFromPlan keeps counts, names of changed attributes and redacted outputs", () => {
  const summary: PlanSummary = {
    ...emptySummary,
    add: 1,
    replace: 1,
    moved: 1,
    outputsChanged: 1,
    resources: [
      {
        address: "terraform_data.a",
        previousAddress: undefined,
        action: "create",
        actions: ["create"],
        importing: false,
        reason: undefined,
        replacedBy: [],
        attributes: [
          { name: "input", before: null, after: "x", sensitive: false, unknown: false },
          {
            name: "id",
            before: null,
            after: "(known after apply)",
            sensitive: false,
            unknown: true,
          },
        ],
      },
      {
        address: "terraform_data.b",
        previousAddress: "terraform_data.old",
        action: "replace",
        actions: ["delete", "create"],
        importing: false,
        reason: "replace_because_cannot_update",
        replacedBy: ["triggers_replace"],
        attributes: [],
      },
    ],
    outputs: [
      {
        name: "token",
        action: "update",
        before: "(sensitive)",
        after: "(sensitive)",
        sensitive: true,
        unknown: false,
      },
    ],
  };
  assert.deepEqual(unitFieldsFromPlan(summary, "plan"), {
    summary: {
      add: 1,
      change: 0,
      destroy: 0,
      replace: 1,
      moved: 1,
      imported: 0,
      forget: 0,
      drift: 0,
      outputs_changed: 1,
    },
    errored: false,
    changes: [
      {
        address: "terraform_data.a",
        action: "create",
        importing: false,
        attributes: ["input", "id"],
        replaced_by: [],
      },
      {
        address: "terraform_data.b",
        previous_address: "terraform_data.old",
        action: "replace",
        importing: false,
        attributes: [],
        replaced_by: ["triggers_replace"],
      },
    ],
    drifted: [],
    outputs_changed: [
      {
        name: "token",
        action: "update",
        before: "(sensitive)",
        after: "(sensitive)",
        sensitive: true,
      },
    ],
    has_changes: true,
  });
});

test("drifted resources are changes for drift, not for plan", () => {
  const drifted: PlanSummary = {
    ...emptySummary,
    drift: 1,
    drifted: [
      {
        address: "aws_s3_bucket.b",
        previousAddress: undefined,
        action: "update",
        actions: ["update"],
        importing: false,
        reason: undefined,
        replacedBy: [],
        attributes: [],
      },
    ],
  };
  assert.equal(unitFieldsFromPlan(drifted, "drift").has_changes, true);
  assert.equal(unitFieldsFromPlan(drifted, "plan").has_changes, false);
  assert.equal(unitFieldsFromPlan(emptySummary, "drift").has_changes, false);
});

test("unitFieldsFromOutcome maps each scheduler outcome", () => {
  assert.deepEqual(unitFieldsFromOutcome({ status: "succeeded", changes: true }), {
    status: "succeeded",
  });
  assert.deepEqual(unitFieldsFromOutcome({ status: "failed", error: "boom" }), {
    status: "failed",
    error: { message: "boom" },
  });
  for (const status of ["blocked", "interrupted", "not-started"] as const) {
    assert.deepEqual(unitFieldsFromOutcome({ status, reason: "why" }), { status, reason: "why" });
  }
  assert.deepEqual(
    unitFieldsFromOutcome({ status: "skipped", reason: "dependency a failed", dependency: "a" }),
    { status: "skipped", reason: "dependency a failed" },
  );
});

test("wavesFromSchedule carries ring progress: canary accounts and failed accounts", () => {
  assert.deepEqual(
    wavesFromSchedule([
      {
        wave: 2,
        name: "prod",
        status: "halted",
        tolerance: 0,
        failedAccounts: ["p1"],
        steps: [
          { kind: "canary", taskIds: ["n/p1"], accounts: ["p1"], status: "completed" },
          { kind: "rest", taskIds: ["n/p2"], accounts: ["p2"], status: "not-started" },
        ],
      },
      {
        wave: 3,
        name: "shared",
        status: "not-started",
        tolerance: 1,
        failedAccounts: [],
        steps: [{ kind: "all", taskIds: ["n/s"], accounts: ["s"], status: "not-started" }],
      },
    ]),
    [
      {
        index: 2,
        name: "prod",
        status: "halted",
        tolerance: 0,
        canary_accounts: ["p1"],
        failed_accounts: ["p1"],
      },
      {
        index: 3,
        name: "shared",
        status: "not-started",
        tolerance: 1,
        canary_accounts: [],
        failed_accounts: [],
      },
    ],
  );
});

test("totals count statuses, and resource counts of units that succeeded only", () => {
  const counts = (add: number) => ({
    add,
    change: 0,
    destroy: 1,
    replace: 0,
    moved: 0,
    imported: 0,
    forget: 0,
    drift: 0,
    outputs_changed: 0,
  });
  const totals = runTotals([
    unit("a/dev/r", "succeeded", { has_changes: true, summary: counts(2) }),
    unit("b/dev/r", "succeeded", { summary: counts(0) }),
    unit("c/dev/r", "failed", { summary: counts(5) }),
    unit("d/dev/r", "blocked"),
    unit("e/dev/r", "skipped"),
    unit("f/dev/r", "not-started"),
    unit("g/dev/r", "interrupted"),
    unit("h/dev/r", "needs-replan"),
  ]);
  assert.deepEqual(totals, {
    units: 8,
    succeeded: 2,
    failed: 1,
    blocked: 1,
    skipped: 1,
    not_started: 1,
    interrupted: 1,
    needs_replan: 1,
    with_changes: 1,
    add: 2,
    change: 0,
    destroy: 2,
    replace: 0,
    moved: 0,
    imported: 0,
    forget: 0,
    drift: 0,
    outputs_changed: 0,
  });
});

test("exit codes follow docs/contract.md section 6", () => {
  const changed = unit("a/dev/r", "succeeded", { has_changes: true });
  const quiet = unit("b/dev/r", "succeeded");
  const cases: [UnitReport[], boolean, boolean, number][] = [
    [[quiet], false, false, 0],
    [[quiet], false, true, 0],
    [[changed, quiet], false, false, 0],
    [[changed, quiet], false, true, 2],
    [[quiet, unit("c/dev/r", "blocked")], false, true, 2],
    [[quiet, unit("c/dev/r", "blocked")], false, false, 0],
    [[quiet, unit("c/dev/r", "skipped")], false, true, 2],
    [[changed, unit("c/dev/r", "failed")], false, true, 1],
    [[changed, unit("c/dev/r", "failed")], false, false, 1],
    [[quiet, unit("c/dev/r", "needs-replan")], false, true, 1],
    [[unit("c/dev/r", "failed"), unit("d/dev/r", "interrupted")], false, true, 130],
    [[quiet, unit("d/dev/r", "not-started")], true, false, 130],
  ];
  for (const [units, interrupted, detailedExitcode, expected] of cases) {
    assert.equal(
      runExitCode(report(units, interrupted), { detailedExitcode }),
      expected,
      `${units.map((u) => `${u.status}${u.has_changes ? "+changes" : ""}`).join(",")} interrupted=${interrupted} detailed=${detailedExitcode}`,
    );
  }
});

test("a report read back from its JSON equals the report", () => {
  for (const name of ["plan-mixed", "apply-halted"]) {
    const parsed = parseRunReport(fixture(name), `${name}/report.json`);
    const again = parseRunReport(JSON.parse(formatRunJson(parsed)), "formatted");
    assert.deepEqual(again, parsed);
    assert.equal(parsed.totals.units, parsed.units.length);
  }
});

test("a report of another version or shape is refused, naming the file and the key", () => {
  const data = fixture("plan-mixed") as { version: number; units: { status: string }[] };
  assert.throws(
    () => parseRunReport({ ...data, version: 2 }, "runs/x/report.json"),
    (e: unknown) =>
      e instanceof CrossformError &&
      e.code === "report/unsupported-version" &&
      e.message ===
        "runs/x/report.json is a run report of version 2; this crossform reads version 1",
  );
  const broken = structuredClone(data);
  (broken.units[1] as { status: string }).status = "exploded";
  assert.throws(
    () => parseRunReport(broken, "runs/x/report.json"),
    (e: unknown) =>
      e instanceof CrossformError &&
      e.code === "report/invalid" &&
      e.message.startsWith("runs/x/report.json is not a valid run report: units.1.status:"),
  );
});
