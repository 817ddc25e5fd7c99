import assert from "node:assert/strict";
import { describe, test } from "node:test";
import { CrossformError } from "../../../../src/core/errors.ts";
import { mergeRunReports } from "../../../../src/core/report/merge-reports.ts";
import { createRunReport, emptyCounts } from "../../../../src/core/report/run-report.ts";
import type {
  RunInfo,
  RunReport,
  UnitReport,
  WaveReport,
} from "../../../../src/core/report/run-report.ts";

function unit(id: string, wave: number, overrides: Partial<UnitReport> = {}): UnitReport {
  const [stack = "", account = "", region = ""] = id.split("/");
  return {
    id,
    stack,
    account,
    account_id: "111111111111",
    region,
    wave,
    approval: false,
    status: "succeeded",
    has_changes: false,
    summary: emptyCounts(),
    changes: [],
    drifted: [],
    outputs_changed: [],
    duration_ms: 1000,
    ...overrides,
  };
}

function wave(index: number, overrides: Partial<WaveReport> = {}): WaveReport {
  return {
    index,
    name: `w${index}`,
    status: "completed",
    tolerance: 0,
    canary_accounts: [],
    failed_accounts: [],
    ...overrides,
  };
}

function report(
  id: string,
  units: UnitReport[],
  run: Partial<RunInfo> = {},
  waves: WaveReport[] = [],
): RunReport {
  return createRunReport({
    run: {
      id,
      command: "plan",
      started_at: "2026-12-02T10:00:00.000Z",
      finished_at: "2026-12-02T10:01:00.000Z",
      duration_ms: 60_000,
      user: "ci",
      git_commit: "0123456789abcdef0123456789abcdef01234567",
      terraform_version: "1.11.4",
      selection: { stacks: [], targets: [], all: false },
      interrupted: false,
      ...run,
    },
    units,
    waves,
  });
}

function refused(fn: () => unknown, message: RegExp): void {
  assert.throws(fn, (error: unknown) => {
    assert.ok(error instanceof CrossformError);
    assert.equal(error.code, "report/merge");
    assert.equal(error.source, "user");
    assert.match(error.message, message);
    return true;
  });
}

describe("report --merge", () => {
  test("the units of every shard, ordered by wave, with totals over all of them", () => {
    const a = report("r1", [
      unit("network/dev/us-east-1", 0, {
        has_changes: true,
        summary: { ...emptyCounts(), add: 2 },
      }),
      unit("network/prod/us-east-1", 1, { status: "failed", error: { message: "boom" } }),
    ]);
    const b = report("r2", [
      unit("app/dev/us-east-1", 0, { has_changes: true, summary: { ...emptyCounts(), change: 1 } }),
      unit("dns/shared/us-east-1", 2),
    ]);
    const merged = mergeRunReports([
      { report: a, source: "a.json" },
      { report: b, source: "b.json" },
    ]);
    assert.deepEqual(
      merged.units.map((u) => u.id),
      [
        "network/dev/us-east-1",
        "app/dev/us-east-1",
        "network/prod/us-east-1",
        "dns/shared/us-east-1",
      ],
    );
    assert.equal(merged.totals.units, 4);
    assert.equal(merged.totals.failed, 1);
    assert.equal(merged.totals.with_changes, 2);
    assert.equal(merged.totals.add, 2);
    assert.equal(merged.totals.change, 1);
    assert.equal(merged.run.id, "r1+r2");
    assert.equal(merged.run.git_commit, "0123456789abcdef0123456789abcdef01234567");
  });

  test("the run spans the earliest start to the latest end; differing users and versions are listed", () => {
    const a = report("r1", [unit("a/x/us-east-1", 0)], {
      started_at: "2026-12-02T10:00:05.000Z",
      finished_at: "2026-12-02T10:02:00.000Z",
      user: "job-1",
      selection: { stacks: ["a"], targets: [], all: false },
    });
    const b = report("r2", [unit("b/y/us-east-1", 0)], {
      started_at: "2026-12-02T10:00:00.000Z",
      finished_at: "2026-12-02T10:01:00.000Z",
      user: "job-2",
      terraform_version: "1.11.5",
      interrupted: true,
      selection: { stacks: [], targets: ["tier:dev"], all: true },
    });
    const { run } = mergeRunReports([
      { report: a, source: "a.json" },
      { report: b, source: "b.json" },
    ]);
    assert.equal(run.started_at, "2026-12-02T10:00:00.000Z");
    assert.equal(run.finished_at, "2026-12-02T10:02:00.000Z");
    assert.equal(run.duration_ms, 120_000);
    assert.equal(run.user, "job-1, job-2");
    assert.equal(run.terraform_version, "1.11.4, 1.11.5");
    assert.equal(run.interrupted, true);
    assert.deepEqual(run.selection, { stacks: ["a"], targets: ["tier:dev"], all: true });
  });

  test("a wave takes the worst status of its shards and the union of their failed accounts", () => {
    const a = report("r1", [unit("a/x/us-east-1", 0)], {}, [
      wave(0, { canary_accounts: ["x"] }),
      wave(1, { status: "halted", failed_accounts: ["p"] }),
    ]);
    const b = report("r2", [unit("a/y/us-east-1", 0)], {}, [
      wave(0, { status: "interrupted", canary_accounts: ["y"] }),
      wave(1, { failed_accounts: ["q", "p"] }),
      wave(2, { status: "not-started" }),
    ]);
    const merged = mergeRunReports([
      { report: a, source: "a.json" },
      { report: b, source: "b.json" },
    ]);
    assert.deepEqual(
      merged.waves.map((w) => [w.index, w.status, w.canary_accounts, w.failed_accounts]),
      [
        [0, "interrupted", ["x", "y"], []],
        [1, "halted", [], ["p", "q"]],
        [2, "not-started", [], []],
      ],
    );
    // The inputs are not changed.
    assert.deepEqual(a.waves[0]?.canary_accounts, ["x"]);
  });

  test("refuses reports of another command, another commit, or with a unit twice, naming the files", () => {
    const plan = report("r1", [unit("a/x/us-east-1", 0)]);
    refused(
      () =>
        mergeRunReports([
          { report: plan, source: "a.json" },
          {
            report: report("r2", [unit("a/y/us-east-1", 0)], { command: "apply" }),
            source: "b.json",
          },
        ]),
      /^a\.json is a plan report and b\.json an apply report$/,
    );
    refused(
      () =>
        mergeRunReports([
          { report: plan, source: "a.json" },
          {
            report: report("r2", [unit("a/y/us-east-1", 0)], { git_commit: "fedcba9876543210" }),
            source: "b.json",
          },
        ]),
      /^a\.json ran at commit 0123456789ab and b\.json at fedcba987654$/,
    );
    refused(
      () =>
        mergeRunReports([
          { report: plan, source: "a.json" },
          { report: report("r2", [unit("a/x/us-east-1", 0)]), source: "b.json" },
        ]),
      /^unit a\/x\/us-east-1 is in both a\.json and b\.json$/,
    );
    refused(() => mergeRunReports([]), /at least one report/);
  });
});
