/**
 * The run use case end to end (plan, apply, apply --run, destroy, drift, records, cancellation)
 * on in-memory fakes of terraform and AWS, with real temporary directories for the run records
 * and journals, the real file adapters and the real HCL parser. The stages before the session
 * (selection, guards, preflight) have their own tests and need no terraform.
 */
import assert from "node:assert/strict";
import { mkdir, readFile, writeFile } from "node:fs/promises";
import { join } from "node:path";
import { describe, test } from "node:test";
import { NodeFileSystem } from "../../../../src/adapters/fs/node-file-system.ts";
import { NodeProcessTable } from "../../../../src/adapters/system/node-process-table.ts";
import { runCommand } from "../../../../src/app/run/run-command.ts";
import { listRuns, loadRun } from "../../../../src/app/run/run-history.ts";
import { readJournal } from "../../../../src/core/run/ledger.ts";
import { reportFromLedger } from "../../../../src/core/run/ledger-report.ts";
import type { JournalFiles } from "../../../../src/ports/journal.ts";
import type { WriteAtomicOptions } from "../../../../src/ports/file-writer.ts";
import type { RunOptions } from "../../../../src/app/run/run-types.ts";
import { exitCodeOf } from "../../../../src/core/exit-codes.ts";
import { emptyCounts } from "../../../../src/core/report/run-report.ts";
import {
  SENSITIVE_VALUE,
  SHOW_JSON_NO_CHANGES,
  showJsonWithChange,
} from "../../../helpers/fake-terraform-runner.ts";
import type { FakeReply, FakeScript } from "../../../helpers/fake-terraform-runner.ts";
import {
  ALL_UNITS,
  APP_DEV,
  APP_PROD,
  NETWORK_DEV,
  NETWORK_PROD,
  RecordingWriter,
  WEB_DEV,
  fixture,
  harness,
  mode,
  on,
  options,
  script,
  statuses,
  unit,
} from "../../../helpers/run-harness.ts";

// The suites run side by side: each test has its own directory and fakes, and mostly waits on
// fsync of the run records.
describe("run engine on in-memory terraform and AWS", { concurrency: true }, () => {
  describe("destroy caps", { concurrency: true }, () => {
    const apply = (overrides: Partial<RunOptions> = {}): RunOptions =>
      options({ command: "apply", all: true, autoApprove: true, approve: ["prod"], ...overrides });

    test("a plan destroying more than guards.max_destroy: nothing applied, exit 1; approval accounts are stricter; --allow-destroy applies", async () => {
      const showWith = (deletes: number): FakeReply => ({
        stdout: JSON.stringify({
          format_version: "1.2",
          terraform_version: "1.11.4",
          errored: false,
          resource_changes: Array.from({ length: deletes }, (_, i) => ({
            address: `terraform_data.old${i}`,
            mode: "managed",
            type: "terraform_data",
            name: `old${i}`,
            change: {
              actions: ["delete"],
              before: { input: "x" },
              after: null,
              after_unknown: false,
              before_sensitive: false,
              after_sensitive: false,
            },
          })),
        }),
      });
      // network/dev destroys 2 (cap 2: allowed), network/prod destroys 1 (approval cap 0).
      const h = await harness({
        script: script(on(NETWORK_DEV, "show", showWith(2)), on(NETWORK_PROD, "show", showWith(1))),
      });
      h.loaded.config.guards.maxDestroy = 2;
      const refused = await runCommand(h.deps, h.loaded, apply());
      assert.equal(exitCodeOf(refused.exit), 1);
      const guard = refused.diagnostics.find((d) => d.code === "guard/max-destroy");
      assert.ok(guard, JSON.stringify(refused.diagnostics));
      assert.match(
        guard.message,
        /^apply refused by guards: network\/prod\/us-east-1 would destroy 1 resource \(cap 0, guards\.max_destroy_approval: an approval account\); nothing was applied$/,
      );
      assert.deepEqual(
        h.runner.calls.filter((c) => c.command === "apply"),
        [],
        "no unit applied",
      );
      assert.equal(unit(refused, NETWORK_PROD).status, "not-started");
      assert.match(unit(refused, NETWORK_PROD).reason ?? "", /refused by guards/);
      assert.match(unit(refused, NETWORK_DEV).reason ?? "", /another unit's plan was refused/);

      h.loaded.config.guards.maxDestroyApproval = 1;
      h.loaded.config.guards.maxDestroy = 1;
      const devOver = await runCommand(h.deps, h.loaded, apply());
      assert.match(
        devOver.diagnostics.find((d) => d.code === "guard/max-destroy")?.message ?? "",
        /network\/dev\/us-east-1 would destroy 2 resources \(cap 1, guards\.max_destroy\)/,
      );

      const allowed = await runCommand(h.deps, h.loaded, apply({ allowDestroy: true }));
      assert.equal(exitCodeOf(allowed.exit), 0, JSON.stringify(allowed.diagnostics));
      assert.ok(h.runner.calls.some((c) => c.unit === NETWORK_PROD && c.command === "apply"));
    });
  });

  describe("transient failures", { concurrency: true }, () => {
    test("init and plan are retried on transient failures only, at most twice, each retry logged; apply never", async () => {
      const h = await harness({
        script: script(
          // network/dev: plan throttled once, then fine.
          on(
            NETWORK_DEV,
            "plan",
            { exitCode: 1, stderr: "Error: ThrottlingException: Rate exceeded" },
            1,
          ),
          // network/prod: init cannot download its provider, three times.
          on(NETWORK_PROD, "init", { exitCode: 1, stderr: "Error: Failed to install provider" }),
          // app/dev: a held lock is never retried, whatever else the message says.
          on(APP_DEV, "plan", {
            exitCode: 1,
            stderr:
              "Error: Error acquiring the state lock\nLock Info:\n  ID: x\n  Who: bob\nconnection reset by peer",
          }),
        ),
      });
      const result = await runCommand(h.deps, h.loaded, options({ command: "plan" }));
      const count = (unitId: string, command: string): number =>
        h.runner.calls.filter((c) => c.unit === unitId && c.command === command).length;
      assert.equal(unit(result, NETWORK_DEV).status, "succeeded");
      assert.equal(count(NETWORK_DEV, "plan"), 2);
      assert.equal(unit(result, NETWORK_PROD).status, "failed");
      assert.equal(count(NETWORK_PROD, "init"), 3);
      assert.equal(unit(result, APP_DEV).status, "failed");
      assert.equal(count(APP_DEV, "plan"), 1);
      assert.match(unit(result, APP_DEV).error?.message ?? "", /is locked by bob/);

      const broken = await harness({
        script: on(NETWORK_DEV, "plan", { exitCode: 1, stderr: "Error: Unsupported argument" }),
      });
      const configError = await runCommand(
        broken.deps,
        broken.loaded,
        options({ command: "plan" }),
      );
      assert.equal(unit(configError, NETWORK_DEV).status, "failed");
      assert.equal(
        broken.runner.calls.filter((c) => c.unit === NETWORK_DEV && c.command === "plan").length,
        1,
        "a configuration error is not retried",
      );
      const retries = h.events
        .filter((e) => e.type === "message" && /retry/.test(e.text))
        .map((e) => (e.type === "message" ? e.text : ""));
      assert.deepEqual(retries.sort(), [
        "network/dev/us-east-1: terraform plan failed with AWS throttling; retry 1 of 2 in 0.001 s",
        "network/prod/us-east-1: terraform init failed with a provider or module download; retry 1 of 2 in 0.001 s",
        "network/prod/us-east-1: terraform init failed with a provider or module download; retry 2 of 2 in 0.001 s",
      ]);

      const applied = await harness({
        script: on(NETWORK_DEV, "apply", { exitCode: 1, stderr: "Error: i/o timeout" }),
      });
      const apply = await runCommand(
        applied.deps,
        applied.loaded,
        options({ command: "apply", targets: ["dev"], autoApprove: true, allowDirty: true }),
      );
      assert.equal(unit(apply, NETWORK_DEV).status, "failed");
      assert.equal(
        applied.runner.calls.filter((c) => c.unit === NETWORK_DEV && c.command === "apply").length,
        1,
      );
    });
  });

  describe("plan", { concurrency: true }, () => {
    test("a unit whose dependency has no state is blocked, its dependents skipped, exit 2 with --detailed-exitcode", async () => {
      const h = await harness({
        script: on(APP_DEV, "plan", {
          exitCode: 1,
          stderr:
            "Error: Unable to find remote state\n\n  with data.terraform_remote_state.network,\nNo stored state was found for the given workspace in the given backend.",
        }),
      });
      const result = await runCommand(
        h.deps,
        h.loaded,
        options({ command: "plan", detailedExitcode: true }),
      );
      assert.equal(exitCodeOf(result.exit), 2);
      assert.deepEqual(statuses(result), {
        [APP_DEV]: "blocked",
        [APP_PROD]: "succeeded",
        [NETWORK_DEV]: "succeeded",
        [NETWORK_PROD]: "succeeded",
        [WEB_DEV]: "skipped",
      });
      assert.equal(unit(result, APP_DEV).reason, `${NETWORK_DEV} has no state yet`);
      assert.deepEqual(h.runner.argv(WEB_DEV), []);
      assert.equal(result.report?.totals.blocked, 1);
      const finished = h.events.find(
        (e) => e.type === "task-finished" && e.id === `plan/${APP_DEV}`,
      );
      assert.deepEqual(finished && "status" in finished ? finished.status : undefined, "warning");
      // Without --detailed-exitcode, pending changes are not an error.
      const plain = await harness({
        loaded: h.loaded,
        script: on(APP_DEV, "plan", { exitCode: 1, stderr: "Error: Unable to find remote state" }),
      });
      assert.equal(exitCodeOf((await runCommand(plain.deps, plain.loaded, options({}))).exit), 0);
    });

    test("a failed unit does not stop the others; its dependents are skipped; exit 1", async () => {
      const h = await harness({
        script: on(NETWORK_DEV, "plan", { exitCode: 1, stderr: "Error: boom in network\n" }),
      });
      const result = await runCommand(h.deps, h.loaded, options({ command: "plan" }));
      assert.equal(exitCodeOf(result.exit), 1);
      assert.deepEqual(statuses(result), {
        [APP_DEV]: "skipped",
        [APP_PROD]: "succeeded",
        [NETWORK_DEV]: "failed",
        [NETWORK_PROD]: "succeeded",
        [WEB_DEV]: "skipped",
      });
      assert.match(
        unit(result, NETWORK_DEV).error?.message ?? "",
        /^terraform plan failed: boom in network\nError: boom in network/,
      );
      assert.deepEqual(h.runner.argv(APP_PROD), [
        `${APP_PROD} init`,
        `${APP_PROD} plan`,
        `${APP_PROD} show`,
      ]);
      assert.equal(unit(result, APP_PROD).summary?.add, 1);
      assert.deepEqual(h.runner.unitsOf("apply"), []);
    });
  });

  describe("drift", { concurrency: true }, () => {
    test("a refresh-only plan that exits 2 for an unset collection read back empty is no drift; a real one is", async () => {
      // hashicorp/aws 5.100.0 right after an apply with default_tags: `tags` null -> {} everywhere.
      const driftOf = (changes: [string, object, object][]) =>
        JSON.stringify({
          format_version: "1.2",
          terraform_version: "1.11.4",
          errored: false,
          resource_drift: changes.map(([address, before, after]) => ({
            address,
            mode: "managed",
            change: { actions: ["update"], before, after, after_unknown: {} },
          })),
        });
      const h = await harness({
        script: script(
          (call) => (call.command === "plan" ? { exitCode: 2 } : undefined),
          on(NETWORK_DEV, "show", {
            stdout: driftOf([
              [
                "aws_ssm_parameter.cidr",
                { value: "10.0.0.0/16", tags: null },
                { value: "10.9.0.0/16", tags: {} },
              ],
            ]),
          }),
          (call) =>
            call.command === "show"
              ? { stdout: driftOf([["aws_s3_bucket.b", { tags: null }, { tags: {} }]]) }
              : undefined,
        ),
      });
      const result = await runCommand(
        h.deps,
        h.loaded,
        options({ command: "drift", detailedExitcode: true }),
      );
      assert.equal(exitCodeOf(result.exit), 2);
      assert.deepEqual(
        (result.report?.units ?? []).map((u) => [u.id, u.has_changes, u.drifted.length]),
        [
          [NETWORK_DEV, true, 1],
          [NETWORK_PROD, false, 0],
          [APP_DEV, false, 0],
          [APP_PROD, false, 0],
          [WEB_DEV, false, 0],
        ],
      );
    });
  });

  describe("apply", { concurrency: true }, () => {
    test("interactively, confirm is asked once with the plan report and the approval accounts, then every unit applies", async () => {
      const h = await harness({ confirm: [true] });
      const result = await runCommand(h.deps, h.loaded, options({ command: "apply", all: true }));
      assert.equal(exitCodeOf(result.exit), 0, JSON.stringify(result.diagnostics));
      assert.equal(h.confirms.length, 1);
      const [request] = h.confirms;
      assert.equal(request?.command, "apply");
      assert.deepEqual(request?.approvalAccounts, ["prod"]);
      assert.equal(request?.plan.run.command, "plan");
      assert.deepEqual(
        request?.plan.units.map((u) => [u.id, u.status, u.has_changes]).sort(),
        ALL_UNITS.map((id) => [id, "succeeded", true]),
      );
      assert.equal(request?.reason, undefined);
      assert.deepEqual(h.runner.unitsOf("apply").sort(), ALL_UNITS);
      assert.deepEqual(Object.values(statuses(result)), Array(5).fill("succeeded"));
      assert.equal(result.report?.run.command, "apply");
    });

    test("declined: nothing is applied", async () => {
      const h = await harness({ confirm: [false] });
      const result = await runCommand(h.deps, h.loaded, options({ command: "apply", all: true }));
      assert.equal(h.confirms.length, 1);
      assert.deepEqual(h.runner.unitsOf("apply"), []);
      assert.ok(result.diagnostics.some((d) => d.code === "run/not-confirmed"));
    });

    test("a dependent whose dependency applied changes is planned again before it applies", async () => {
      // Its second plan reads the dependency's new outputs: it differs from the confirmed one.
      const h = await harness({
        script: on(APP_DEV, "show", { stdout: showJsonWithChange("app", "v2") }, 2),
      });
      const result = await runCommand(
        h.deps,
        h.loaded,
        options({ command: "apply", targets: ["dev"], autoApprove: true }),
      );
      assert.equal(exitCodeOf(result.exit), 0, JSON.stringify(result.diagnostics));
      const order = h.runner
        .argv()
        .filter((c) => /^(network|app)\/dev\/us-east-1 (plan|apply)$/.test(c));
      assert.deepEqual(order, [
        `${NETWORK_DEV} plan`,
        `${APP_DEV} plan`,
        `${NETWORK_DEV} apply`,
        `${APP_DEV} plan`,
        `${APP_DEV} apply`,
      ]);
      // The apply applies the new plan's file, the one the second plan wrote.
      const applied = h.runner.calls.find((c) => c.unit === APP_DEV && c.command === "apply");
      const planned = h.runner.calls.filter((c) => c.unit === APP_DEV && c.command === "plan");
      assert.equal(planned.length, 2);
      assert.ok(planned[1]?.args.includes(`-out=${applied?.args.at(-1)}`));
      assert.equal(unit(result, APP_DEV).status, "succeeded");
      // A dependency without applied changes lets its dependent apply the confirmed plan.
      assert.deepEqual(h.runner.argv(NETWORK_DEV), [
        `${NETWORK_DEV} init`,
        `${NETWORK_DEV} plan`,
        `${NETWORK_DEV} show`,
        `${NETWORK_DEV} apply`,
      ]);
    });

    test("a unit blocked in the plan, and its skipped dependent, are planned and applied once the dependency applies", async () => {
      const h = await harness({
        script: on(
          APP_DEV,
          "plan",
          { exitCode: 1, stderr: "Error: Unable to find remote state" },
          1,
        ),
      });
      const result = await runCommand(
        h.deps,
        h.loaded,
        options({ command: "apply", targets: ["dev"], autoApprove: true }),
      );
      assert.equal(exitCodeOf(result.exit), 0, JSON.stringify(result.report?.units));
      assert.deepEqual(
        h.runner.argv().filter((c) => / (plan|apply)$/.test(c)),
        [
          `${NETWORK_DEV} plan`,
          `${APP_DEV} plan`,
          `${NETWORK_DEV} apply`,
          `${APP_DEV} plan`,
          `${APP_DEV} apply`,
          `${WEB_DEV} plan`,
          `${WEB_DEV} apply`,
        ],
      );
      assert.deepEqual(Object.values(statuses(result)), Array(3).fill("succeeded"));
    });

    test("a plan failure anywhere: nothing is applied, exit 1", async () => {
      const h = await harness({
        script: on(APP_PROD, "plan", { exitCode: 1, stderr: "Error: invalid reference" }),
      });
      const result = await runCommand(
        h.deps,
        h.loaded,
        options({ command: "apply", all: true, autoApprove: true, approve: ["prod"] }),
      );
      assert.equal(exitCodeOf(result.exit), 1);
      assert.deepEqual(h.runner.unitsOf("apply"), []);
      const failed = result.diagnostics.find((d) => d.code === "run/plan-failed");
      assert.match(
        failed?.message ?? "",
        /1 unit failed to plan \(app\/prod\/us-east-1\); nothing was applied/,
      );
      assert.equal(unit(result, APP_PROD).status, "failed");
    });

    test("a failure in the first wave: the next wave is not started", async () => {
      const h = await harness({
        script: on(NETWORK_DEV, "apply", { exitCode: 1, stderr: "Error: apply broke" }),
      });
      const result = await runCommand(
        h.deps,
        h.loaded,
        options({ command: "apply", all: true, autoApprove: true, approve: ["prod"] }),
      );
      assert.equal(exitCodeOf(result.exit), 1);
      assert.deepEqual(h.runner.unitsOf("apply"), [NETWORK_DEV]);
      assert.deepEqual(statuses(result), {
        [APP_DEV]: "skipped",
        [APP_PROD]: "not-started",
        [NETWORK_DEV]: "failed",
        [NETWORK_PROD]: "not-started",
        [WEB_DEV]: "skipped",
      });
      assert.match(
        unit(result, NETWORK_DEV).error?.message ?? "",
        /^terraform apply failed: apply broke\nError: apply broke/,
      );
      // prod was planned (plans continue) but nothing ran there after the plan.
      assert.deepEqual(h.runner.argv(NETWORK_PROD), [
        `${NETWORK_PROD} init`,
        `${NETWORK_PROD} plan`,
        `${NETWORK_PROD} show`,
      ]);
    });
  });

  describe("apply --run", { concurrency: true }, () => {
    /** Answers the plans of `stack`'s units with "no changes". */
    function noChanges(stack: string): FakeScript {
      return (call) =>
        !call.unit.startsWith(`${stack}/`)
          ? undefined
          : call.command === "plan"
            ? { exitCode: 0 }
            : call.command === "show"
              ? { stdout: SHOW_JSON_NO_CHANGES }
              : undefined;
    }

    /**
     * A plan run over everything in which only app has changes (network too with
     * `networkChanges`), then `apply --run` of it, non-interactive.
     */
    async function planned(networkChanges: boolean, extra?: FakeScript) {
      const rules = [
        ...(extra ? [extra] : []),
        ...(networkChanges ? [] : [noChanges("network")]),
        noChanges("web"),
      ];
      const h = await harness({ script: script(...rules) });
      const plan = await runCommand(h.deps, h.loaded, options({ command: "plan" }));
      assert.equal(exitCodeOf(plan.exit), 0);
      const runId = plan.report?.run.id;
      assert.ok(runId);
      const callsBefore = h.runner.calls.length;
      const apply = () =>
        runCommand(
          h.deps,
          h.loaded,
          options({ command: "apply", fromRun: runId, autoApprove: true, approve: ["prod"] }),
        );
      return { h, plan, runId, apply, later: () => h.runner.calls.slice(callsBefore) };
    }

    test("saved plans whose binding holds are applied as they are, without planning again; their secrets are read first", async () => {
      const { h, runId, apply, later } = await planned(false);
      const result = await apply();
      assert.equal(exitCodeOf(result.exit), 0, JSON.stringify(result.report?.units));
      assert.deepEqual(Object.values(statuses(result)), Array(5).fill("succeeded"));
      // `show -json` of the saved plan, for its sensitive values, then its apply.
      assert.deepEqual(
        later()
          .filter((c) => c.command !== "init")
          .map((c) => `${c.unit} ${c.command}`),
        [`${APP_DEV} show`, `${APP_DEV} apply`, `${APP_PROD} show`, `${APP_PROD} apply`],
      );
      const saved = join(
        h.loaded.dir,
        ".crossform/runs",
        runId,
        "units/app/dev/us-east-1/plan.tfplan",
      );
      const shown = later().find((c) => c.unit === APP_DEV && c.command === "show");
      assert.equal(shown?.args.at(-1), saved);
      const applied = later().find((c) => c.unit === APP_DEV && c.command === "apply");
      assert.equal(applied?.args.at(-1), saved);
      assert.ok(applied?.redact.includes(SENSITIVE_VALUE), "the saved plan's secret is redacted");
      assert.equal(unit(result, APP_DEV).has_changes, true);
      assert.equal(unit(result, APP_DEV).summary?.add, 1);
      assert.equal(unit(result, NETWORK_DEV).has_changes, false);
      assert.equal(unit(result, WEB_DEV).has_changes, false);
    });

    test("a dependency with changes in that run: the dependent needs a re-plan, later waves wait", async () => {
      const { runId, apply, later } = await planned(true);
      const result = await apply();
      assert.equal(exitCodeOf(result.exit), 1);
      assert.equal(unit(result, APP_DEV).status, "needs-replan");
      assert.equal(
        unit(result, APP_DEV).reason,
        `its dependency ${NETWORK_DEV} had changes in run ${runId}: re-plan after it applies`,
      );
      assert.deepEqual(
        later()
          .filter((c) => c.command === "apply")
          .map((c) => c.unit),
        [NETWORK_DEV],
      );
      // A unit left to re-plan counts against its wave: prod is not promoted to.
      assert.equal(unit(result, NETWORK_PROD).status, "not-started");
      assert.equal(unit(result, APP_PROD).status, "not-started");
    });

    test("a plan file that changed since the plan is refused: needs re-plan with the reason", async () => {
      const { h, runId, apply, later } = await planned(false);
      await writeFile(
        join(h.loaded.dir, ".crossform/runs", runId, "units/app/dev/us-east-1/plan.tfplan"),
        "another plan\n",
      );
      const result = await apply();
      assert.equal(exitCodeOf(result.exit), 1);
      assert.equal(unit(result, APP_DEV).status, "needs-replan");
      assert.equal(
        unit(result, APP_DEV).reason,
        "saved plan refused: the plan file is not the one planned for this unit (its hash differs)",
      );
      assert.ok(!later().some((c) => c.command === "apply"));
    });

    test('"Saved plan is stale" is needs-replan, and the apply is made once only', async () => {
      const stale = on(APP_DEV, "apply", {
        exitCode: 1,
        stderr:
          "Error: Saved plan is stale\n\nThe given plan file can no longer be applied because the state was changed by another operation after the plan was created.",
      });
      const { apply, later } = await planned(false, stale);
      const result = await apply();
      assert.equal(unit(result, APP_DEV).status, "needs-replan");
      assert.match(unit(result, APP_DEV).reason ?? "", /^stale: re-plan/);
      assert.equal(later().filter((c) => c.unit === APP_DEV && c.command === "apply").length, 1);
      assert.ok(!later().some((c) => c.command === "plan"));
      assert.equal(exitCodeOf(result.exit), 1);
    });
  });

  describe("destroy", { concurrency: true }, () => {
    test("plans with -destroy, then destroys dependents before their dependencies, later waves first", async () => {
      const h = await harness();
      const result = await runCommand(
        h.deps,
        h.loaded,
        options({
          command: "destroy",
          all: true,
          allowDestroy: true,
          autoApprove: true,
          approve: ["prod"],
        }),
      );
      assert.equal(exitCodeOf(result.exit), 0, JSON.stringify(result.diagnostics));
      assert.ok(
        h.runner.calls
          .filter((c) => c.command === "plan")
          .every((c) => c.args.includes("-destroy")),
      );
      assert.deepEqual(h.runner.unitsOf("apply"), [
        APP_PROD,
        NETWORK_PROD,
        WEB_DEV,
        APP_DEV,
        NETWORK_DEV,
      ]);
      assert.equal(result.report?.run.command, "destroy");
    });
  });

  describe("records", { concurrency: true }, () => {
    test("run.json, 0700 directories, 0600 plan files, summaries without sensitive values", async () => {
      const h = await harness();
      const result = await runCommand(h.deps, h.loaded, options({ command: "plan" }));
      assert.equal(exitCodeOf(result.exit), 0);
      const recordDir = result.recordDir;
      assert.ok(recordDir && result.report);
      assert.equal(recordDir, join(h.loaded.dir, ".crossform/runs", result.report.run.id));
      const saved = JSON.parse(await readFile(join(recordDir, "run.json"), "utf8"));
      assert.equal(saved.run.id, result.report.run.id);
      assert.equal(saved.units.length, 5);
      const unitDir = join(recordDir, "units/network/dev/us-east-1");
      assert.equal(await mode(join(recordDir, "run.json")), 0o600);
      assert.ok(h.writer.directories.some((d) => d.path === unitDir));
      assert.ok(h.writer.directories.every((d) => d.mode === 0o700));

      for (const dir of [join(h.loaded.dir, ".crossform"), recordDir, unitDir]) {
        assert.equal(await mode(dir), 0o700, dir);
      }
      const planFile = join(unitDir, "plan.tfplan");
      assert.equal(await readFile(planFile, "utf8"), `fake plan of ${NETWORK_DEV} #1\n`);
      assert.equal(await mode(planFile), 0o600);
      assert.ok(h.writer.modes.some((m) => m.path === planFile && m.mode === 0o600));
      assert.equal(
        h.writer.modes.filter((m) => m.path.endsWith("plan.tfplan")).length,
        ALL_UNITS.length,
      );

      const summary = await readFile(join(unitDir, "summary.json"), "utf8");
      assert.match(summary, /"\(sensitive\)"/);
      assert.ok(!summary.includes(SENSITIVE_VALUE));
      assert.ok(!JSON.stringify(saved).includes(SENSITIVE_VALUE));
      assert.equal(await mode(join(unitDir, "summary.json")), 0o600);
      const binding = JSON.parse(await readFile(join(unitDir, "binding.json"), "utf8"));
      assert.equal(binding.unit, NETWORK_DEV);
      assert.equal(binding.terraform_version, "1.11.4");
      assert.equal(
        unit(result, NETWORK_DEV).log_path,
        `.crossform/runs/${result.report.run.id}/units/network/dev/us-east-1/log`,
      );
    });

    test("the report names the commit, and warns when .crossform/ is not ignored by git", async () => {
      const loaded = await fixture();
      const sha = "0123456789abcdef0123456789abcdef01234567";
      await mkdir(join(loaded.dir, ".git"));
      await writeFile(join(loaded.dir, ".git/HEAD"), `${sha}\n`);
      const h = await harness({ loaded });
      const result = await runCommand(h.deps, h.loaded, options({ command: "plan" }));
      assert.equal(result.report?.run.git_commit, sha);
      assert.ok(result.diagnostics.some((d) => d.code === "run/crossform-not-ignored"));

      await writeFile(join(loaded.dir, ".gitignore"), "node_modules/\n.crossform/\n");
      const again = await runCommand(h.deps, h.loaded, options({ command: "plan" }));
      assert.ok(!again.diagnostics.some((d) => d.code === "run/crossform-not-ignored"));
    });
  });

  describe("cancellation", { concurrency: true }, () => {
    test("an abort during a plan interrupts the running child once, starts nothing new, exit 130", async () => {
      const h = await harness({ script: on(NETWORK_DEV, "plan", { hang: true }) });
      const controller = new AbortController();
      const running = runCommand(
        h.deps,
        h.loaded,
        options({ command: "plan", signal: controller.signal }),
      );
      await h.runner.started((c) => c.unit === NETWORK_DEV && c.command === "plan");
      const startedBefore = h.runner.calls.length;
      controller.abort();
      const result = await running;
      assert.equal(exitCodeOf(result.exit), 130);
      assert.deepEqual(h.runner.interrupts, [
        { unit: NETWORK_DEV, command: "plan", signal: "SIGINT", sent: true },
      ]);
      assert.equal(h.runner.calls.length, startedBefore);
      assert.equal(result.report?.run.interrupted, true);
      assert.equal(unit(result, NETWORK_DEV).status, "interrupted");
      assert.equal(unit(result, NETWORK_PROD).status, "not-started");
      assert.deepEqual(h.runner.argv(NETWORK_PROD), []);
    });

    test("a kill after the interrupt: the provisional summary at once, the child killed, its lock reported with the force-unlock command", async () => {
      const h = await harness({
        script: on(NETWORK_DEV, "plan", { hang: true, ignoreInterrupt: true }),
      });
      const interrupt = new AbortController();
      const kill = new AbortController();
      const running = runCommand(
        h.deps,
        h.loaded,
        options({ command: "plan", signal: interrupt.signal, kill: kill.signal }),
      );
      await h.runner.started((c) => c.unit === NETWORK_DEV && c.command === "plan");
      interrupt.abort();
      const provisional = h.events.find(
        (e) => e.type === "message" && e.text.startsWith("interrupted:"),
      );
      assert.ok(provisional && provisional.type === "message");
      assert.equal(
        provisional.text,
        "interrupted: 1 terraform process asked to stop: network/dev/us-east-1 (plan); no new unit starts",
      );
      // The plan ignores the interrupt and still holds its lock.
      const lockId = "6f1f7b52-2f65-4d6b-a3ac-0c4a4d2b9b11";
      h.aws.objects.set(
        "tfstate-111111111111/network/terraform.tfstate.tflock",
        JSON.stringify({
          ID: lockId,
          Operation: "OperationTypePlan",
          Who: "alice@laptop",
          Created: "2026-01-15T10:00:00Z",
        }),
      );
      await new Promise((resolve) => setTimeout(resolve, 20));
      assert.equal(h.runner.interrupts.length, 1);
      kill.abort();
      const result = await running;
      assert.equal(exitCodeOf(result.exit), 130);
      assert.equal(unit(result, NETWORK_DEV).status, "interrupted");
      const held = result.diagnostics.filter((d) => d.code === "run/lock-possibly-held");
      assert.equal(held.length, 1, JSON.stringify(result.diagnostics));
      assert.match(
        held[0]?.message ?? "",
        new RegExp(
          `^network/dev/us-east-1: terraform plan was killed and may hold its state lock s3://tfstate-111111111111/network/terraform\\.tfstate\\.tflock \\(lock id ${lockId}, OperationTypePlan by alice@laptop at 2026-01-15T10:00:00Z\\); data dir /`,
        ),
      );
      const dataDir = join(h.loaded.dir, ".crossform", "units", "network", "dev", "us-east-1");
      assert.match(held[0]?.hint ?? "", /^once nothing else runs on this state: cd \//);
      assert.ok(
        (held[0]?.hint ?? "").endsWith(`terraform force-unlock -force ${lockId}`),
        held[0]?.hint,
      );
      assert.ok((held[0]?.hint ?? "").includes(dataDir), held[0]?.hint);
      // The lock was read through the session of the account holding the state.
      assert.ok(
        h.aws.calls.includes(
          "getObjectText 111111111111 tfstate-111111111111 network/terraform.tfstate.tflock",
        ),
      );
    });
  });
});

describe("the ledger and its journal", { concurrency: true }, () => {
  const lockedPlan: FakeReply = {
    exitCode: 1,
    stderr:
      "Error: Error acquiring the state lock\nLock Info:\n  ID: 11111111-2222-3333-4444-555555555555\n  Path: tfstate-333333333333/app/terraform.tfstate\n  Operation: OperationTypeApply\n  Who: bob@ci\n  Version: 1.11.4\n  Created: 2026-01-15 09:59:00 +0000 UTC\n",
  };

  test("an apply stopped by one unit's failed plan leaves every other unit not applied: result, run.json and the run list agree", async () => {
    const h = await harness({ script: on(APP_PROD, "plan", lockedPlan) });
    const result = await runCommand(
      h.deps,
      h.loaded,
      options({ command: "apply", all: true, autoApprove: true, approve: ["prod"] }),
    );
    assert.equal(result.exit, "problems");
    assert.deepEqual(h.runner.unitsOf("apply"), []);
    const expected = {
      [APP_DEV]: "not-started",
      [APP_PROD]: "failed",
      [NETWORK_DEV]: "not-started",
      [NETWORK_PROD]: "not-started",
      [WEB_DEV]: "not-started",
    };
    assert.deepEqual(statuses(result), expected);
    for (const id of [APP_DEV, NETWORK_DEV, NETWORK_PROD, WEB_DEV]) {
      assert.equal(unit(result, id).reason, "not applied: 1 unit failed to plan", id);
    }
    assert.match(unit(result, APP_PROD).error?.message ?? "", /locked by bob@ci/);
    assert.equal(result.report?.totals.succeeded, 0);
    assert.equal(result.report?.totals.add, 0, "nothing was added");
    const saved = JSON.parse(await readFile(join(result.recordDir!, "run.json"), "utf8"));
    assert.deepEqual(
      Object.fromEntries(saved.units.map((u: { id: string; status: string }) => [u.id, u.status])),
      expected,
    );
    const listed = await listRuns(new NodeFileSystem(), new NodeProcessTable(), h.loaded.dir);
    assert.equal(listed.reports[0]?.run.id, result.report?.run.id);
    assert.equal(listed.reports[0]?.totals.succeeded, 0);
    assert.equal(listed.reports[0]?.totals.not_started, 4);
  });

  test("a record that cannot be written: the result holds the whole report, and one warning names each path and the error", async () => {
    class RefusingWriter extends RecordingWriter {
      override writeAtomic(
        path: string,
        contents: string | Uint8Array,
        options?: WriteAtomicOptions,
      ) {
        if (path.endsWith("run.json")) {
          const error = Object.assign(new Error(`EACCES: permission denied, open '${path}'`), {
            code: "EACCES",
          });
          return Promise.reject(error);
        }
        return super.writeAtomic(path, contents, options);
      }
    }
    const fullDisk: JournalFiles = {
      open: async () => {
        throw Object.assign(new Error("ENOSPC: no space left on device"), { code: "ENOSPC" });
      },
    };
    const h = await harness({ writer: new RefusingWriter(), journals: fullDisk });
    const result = await runCommand(
      h.deps,
      h.loaded,
      options({ command: "apply", targets: ["dev"], autoApprove: true }),
    );
    assert.equal(result.exit, "ok", JSON.stringify(result.diagnostics));
    assert.deepEqual(Object.values(statuses(result)), ["succeeded", "succeeded", "succeeded"]);
    const warnings = result.diagnostics.filter((d) => d.code === "run/record-write-failed");
    assert.deepEqual(
      warnings.map((d) => d.severity),
      ["warning", "warning"],
    );
    const journal = join(result.recordDir!, "journal.jsonl");
    assert.ok(
      warnings.some((d) => d.message.includes(`${journal}: ENOSPC`)),
      warnings[0]?.message,
    );
    assert.ok(
      warnings.some((d) => d.message.includes(`${join(result.recordDir!, "run.json")}: EACCES`)),
      warnings[1]?.message,
    );
    assert.ok(h.events.some((e) => e.type === "message" && e.code === "run.record-write-failed"));
  });

  test("the journal tells the report's story, in order, with 'applying' before each apply and the run's end last", async () => {
    const h = await harness({
      script: on(APP_DEV, "show", { stdout: showJsonWithChange("app", "v2") }, 2),
    });
    const result = await runCommand(
      h.deps,
      h.loaded,
      options({ command: "apply", targets: ["dev"], autoApprove: true }),
    );
    assert.equal(result.exit, "ok");
    const text = await readFile(join(result.recordDir!, "journal.jsonl"), "utf8");
    assert.equal(await mode(join(result.recordDir!, "journal.jsonl")), 0o600);
    const contents = readJournal(text);
    assert.equal(contents.unreadableLines, 0);
    assert.equal(contents.header?.id, result.report?.run.id);
    assert.equal(contents.header?.process.pid, process.pid);
    assert.equal(contents.end?.exit, "ok");
    const replayed = reportFromLedger({
      header: contents.header!,
      records: contents.records,
      waves: contents.waves,
      interrupted: false,
      finishedAt: contents.end!.at,
    });
    assert.deepEqual(
      replayed.units.map((u) => [u.id, u.status, u.has_changes, u.summary?.add]),
      result.report?.units.map((u) => [u.id, u.status, u.has_changes, u.summary?.add]),
    );
    const appEvents = text
      .trim()
      .split("\n")
      .map((l) => JSON.parse(l))
      .filter((e) => e.unit === APP_DEV && !e.event.startsWith("terraform-"))
      .map((e) => (e.event === "started" ? `started ${e.step}` : e.event));
    assert.deepEqual(appEvents, [
      "started plan",
      "planned",
      "started apply",
      "planned",
      "applying",
      "applied",
    ]);
    assert.equal(text.trim().split("\n").at(-1)?.includes('"type":"end"'), true);
  });

  test("a journal whose process is gone is a crashed run: the units it was running are interrupted, with their terraform pids", async () => {
    const h = await harness();
    const dir = join(h.loaded.dir, ".crossform/runs/20260115-100000-dead");
    await mkdir(dir, { recursive: true });
    const unitOf = (id: string) => ({
      id,
      stack: id.split("/")[0]!,
      account: id.split("/")[1]!,
      account_id: "111111111111",
      region: "us-east-1",
      wave: 0,
      approval: false,
      log_path: `.crossform/runs/20260115-100000-dead/units/${id}/log`,
    });
    const at = (s: number) => new Date(Date.UTC(2026, 0, 15, 10, 0, s)).toISOString();
    const lines = [
      {
        type: "run",
        v: 1,
        id: "20260115-100000-dead",
        command: "apply",
        started_at: at(0),
        terraform_version: "1.11.4",
        selection: { stacks: [], targets: ["dev"], all: false },
        process: { pid: 2 ** 30, started: "gone:1" },
        units: [unitOf(NETWORK_DEV), unitOf(APP_DEV)],
      },
      { type: "unit", at: at(1), unit: NETWORK_DEV, event: "started", step: "plan" },
      {
        type: "unit",
        at: at(2),
        unit: NETWORK_DEV,
        event: "planned",
        has_changes: true,
        counts: { ...emptyCounts(), add: 1 },
      },
      { type: "unit", at: at(3), unit: NETWORK_DEV, event: "started", step: "apply" },
      { type: "unit", at: at(4), unit: NETWORK_DEV, event: "applying" },
      {
        type: "unit",
        at: at(5),
        unit: NETWORK_DEV,
        event: "terraform-started",
        command: "apply",
        pid: 4242,
      },
    ];
    await writeFile(
      join(dir, "journal.jsonl"),
      `${lines.map((l) => JSON.stringify(l)).join("\n")}\n{"type":"unit","at":"2026-01-15T1`,
    );
    const report = await loadRun(
      new NodeFileSystem(),
      new NodeProcessTable(),
      h.loaded.dir,
      "20260115-100000-dead",
    );
    assert.equal(report.run.state, "crashed");
    assert.equal(report.run.finished_at, at(5));
    assert.equal(unit({ report } as never, NETWORK_DEV).status, "interrupted");
    assert.equal(
      unit({ report } as never, NETWORK_DEV).reason,
      "crossform stopped while it was applying (terraform apply, pid 4242)",
    );
    assert.equal(unit({ report } as never, APP_DEV).reason, "not started before crossform stopped");
    const listed = await listRuns(new NodeFileSystem(), new NodeProcessTable(), h.loaded.dir);
    assert.deepEqual(
      listed.reports.map((r) => [r.run.id, r.run.state]),
      [["20260115-100000-dead", "crashed"]],
    );
    // The same journal owned by a process that still runs: the run is running, not crashed.
    const self = await new NodeProcessTable().self();
    await writeFile(
      join(dir, "journal.jsonl"),
      `${[{ ...lines[0], process: self }, ...lines.slice(1)].map((l) => JSON.stringify(l)).join("\n")}\n`,
    );
    const alive = await loadRun(
      new NodeFileSystem(),
      new NodeProcessTable(),
      h.loaded.dir,
      "20260115-100000-dead",
    );
    assert.equal(alive.run.state, "running");
    assert.equal(unit({ report: alive } as never, NETWORK_DEV).reason, "still applying");
  });
});

describe("what an apply runs", { concurrency: true }, () => {
  const COMMIT = "4f2a9c1e8b7d6a5f4e3d2c1b0a9f8e7d6c5b4a39";

  test("an apply runs the checkout of HEAD: every unit, a re-planned dependent included, is prepared from it, and the record names the commit", async () => {
    const h = await harness({
      script: on(APP_DEV, "show", { stdout: showJsonWithChange("app", "v2") }, 2),
    });
    h.git.commit = COMMIT;
    const result = await runCommand(
      h.deps,
      h.loaded,
      options({ command: "apply", targets: ["dev"], autoApprove: true }),
    );
    assert.equal(result.exit, "ok", JSON.stringify(result.diagnostics));
    const checkout = join(h.loaded.dir, ".crossform", "commits", COMMIT);
    assert.deepEqual(h.git.checkouts, [
      { dir: h.loaded.dir, commit: COMMIT, cacheDir: join(h.loaded.dir, ".crossform", "commits") },
    ]);
    assert.deepEqual([...h.runner.preparedSpecs.map((s) => s.unitId)].sort(), [
      APP_DEV,
      NETWORK_DEV,
      WEB_DEV,
    ]);
    assert.equal(h.runner.unitsOf("plan").filter((u) => u === APP_DEV).length, 2, "app re-planned");
    for (const spec of h.runner.preparedSpecs) assert.equal(spec.sourceRoot, checkout, spec.unitId);
    assert.equal(result.report?.run.git_commit, COMMIT);
    assert.equal(result.report?.run.source, "commit");
    const journal = readJournal(await readFile(join(result.recordDir!, "journal.jsonl"), "utf8"));
    assert.equal(journal.header?.git_commit, COMMIT);
    assert.equal(journal.header?.source, "commit");
  });

  test("--allow-dirty applies the working tree and the record says so; plan reads the working tree too", async () => {
    const h = await harness();
    h.git.commit = COMMIT;
    const dirty = await runCommand(
      h.deps,
      h.loaded,
      options({ command: "apply", targets: ["dev"], autoApprove: true, allowDirty: true }),
    );
    assert.equal(dirty.exit, "ok");
    assert.equal(dirty.report?.run.source, "working-tree");
    const plan = await runCommand(h.deps, h.loaded, options({ targets: ["dev"] }));
    assert.equal(plan.report?.run.source, "working-tree");
    assert.deepEqual(h.git.checkouts, []);
    for (const spec of h.runner.preparedSpecs) assert.equal(spec.sourceRoot, undefined);
  });
});
