import assert from "node:assert/strict";
import { test } from "node:test";
import { createRunReport, execExitCode } from "../../../src/core/report/run-report.ts";
import type { RunReport, UnitReport } from "../../../src/core/report/run-report.ts";
import {
  formatExecJson,
  formatExecSummary,
  groupedOutput,
  groupStyleOf,
  prefixedLine,
} from "../../../src/formatters/exec-output.ts";

function unit(id: string, fields: Partial<UnitReport>): UnitReport {
  const [stack = "", account = "", region = ""] = id.split("/");
  return {
    id,
    stack,
    account,
    account_id: account === "dev" ? "111111111111" : "333333333333",
    region,
    wave: 0,
    approval: false,
    status: "succeeded",
    has_changes: false,
    changes: [],
    drifted: [],
    outputs_changed: [],
    duration_ms: 1200,
    ...fields,
  };
}

function report(units: UnitReport[], interrupted = false): RunReport {
  return createRunReport({
    run: {
      id: "20261207-120000-abcdef",
      command: "exec",
      started_at: "2026-12-07T12:00:00.000Z",
      finished_at: "2026-12-07T12:00:02.000Z",
      duration_ms: 2000,
      user: "alice",
      terraform_args: ["state", "list"],
      selection: { stacks: [], targets: [], all: false },
      interrupted,
    },
    units,
  });
}

const ok = unit("network/dev/us-east-1", { exit_code: 0 });
const failed = unit("network/prod/us-east-1", {
  status: "failed",
  exit_code: 3,
  error: { message: "terraform state list exited 3:\nError: boom" },
  log_path: ".crossform/runs/x/units/network/prod/us-east-1/log",
});

test("the exit code is the worst unit's; a unit that did not run counts as 1, an interrupt as 130", () => {
  assert.equal(execExitCode(report([ok])), 0);
  assert.equal(execExitCode(report([ok, failed])), 3);
  assert.equal(execExitCode(report([ok, unit("a/dev/r", { status: "not-started" })])), 1);
  assert.equal(execExitCode(report([ok, unit("a/dev/r", { status: "failed" })])), 1);
  assert.equal(execExitCode(report([ok, failed], true)), 130);
});

test("the summary names each unit's account and exit code, the failure with Terraform's first error, and its log", () => {
  assert.equal(
    formatExecSummary(report([ok, failed])),
    [
      "UNIT                    ACCOUNT              EXIT  STATUS  DURATION",
      "network/dev/us-east-1   dev (111111111111)   0     ok      1.2s",
      "network/prod/us-east-1  prod (333333333333)  3     failed  1.2s",
      "  terraform state list exited 3: boom",
      "  log: .crossform/runs/x/units/network/prod/us-east-1/log",
      "2 units: 1 exit 0, 1 not; terraform state list; exit 3; 2.0s",
      "",
    ].join("\n"),
  );
});

test("a unit's output is prefixed on a terminal and grouped in CI logs", () => {
  assert.equal(prefixedLine("a/dev/r", 10, "x"), "a/dev/r    | x\n");
  const where = { id: "a/dev/r", account: "dev", account_id: "111111111111" };
  assert.equal(
    groupedOutput(where, "exit 0", ["one", "two"], "github", 1, 1),
    "::group::a/dev/r (dev, 111111111111): exit 0\none\ntwo\n::endgroup::\n",
  );
  assert.equal(
    groupedOutput(where, "exit 0", ["one"], "gitlab", 1700000000, 2),
    "\u001b[0Ksection_start:1700000000:crossform_exec_2\r\u001b[0Ka/dev/r (dev, 111111111111): exit 0\none\n\u001b[0Ksection_end:1700000000:crossform_exec_2\r\u001b[0K\n",
  );
  assert.equal(
    groupedOutput(where, "exit 1", [], "plain", 1, 1),
    "==> a/dev/r (dev, 111111111111): exit 1\n",
  );
  assert.equal(groupStyleOf({ GITHUB_ACTIONS: "true" }), "github");
  assert.equal(groupStyleOf({ GITLAB_CI: "true" }), "gitlab");
  assert.equal(groupStyleOf({}), "plain");
});

test("the JSON document has each unit's exit code and output, null where its command did not run", () => {
  const skipped = unit("network/dev/eu-west-1", { status: "not-started", reason: "x failed" });
  const doc = JSON.parse(
    formatExecJson(
      report([ok, failed, skipped]),
      new Map([
        [ok.id, { stdout: "aws_s3_bucket.a\n", stderr: "" }],
        [failed.id, { stdout: "", stderr: "Error: boom\n" }],
      ]),
    ),
  ) as { exit_code: number; run: { terraform_args: string[] }; units: Record<string, unknown>[] };
  assert.equal(doc.exit_code, 3);
  assert.deepEqual(doc.run.terraform_args, ["state", "list"]);
  assert.deepEqual(
    doc.units.map((u) => [u.id, u.status, u.exit_code, u.stdout, u.stderr]),
    [
      [ok.id, "succeeded", 0, "aws_s3_bucket.a\n", ""],
      [failed.id, "failed", 3, "", "Error: boom\n"],
      [skipped.id, "not-started", null, null, null],
    ],
  );
});
