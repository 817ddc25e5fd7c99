/**
 * `crossform exec` and the pass-through flags of the run use case on in-memory fakes of terraform
 * and AWS, with real temporary directories for the records: which units run the command and how
 * (independent and parallel, or one at a time stopping at the first failure), the confirmation
 * and approvals of a state change, the arguments crossform adds, the secrets learned from the
 * state, the attached console, and the flags a saved plan is bound to.
 */
import assert from "node:assert/strict";
import { readFile, writeFile } from "node:fs/promises";
import { join } from "node:path";
import { describe, test } from "node:test";
import { runCommand } from "../../../../src/app/run/run-command.ts";
import type { ConfirmExecRequest, RunOptions } from "../../../../src/app/run/run-types.ts";
import { parseExecRequest } from "../../../../src/core/run/exec-request.ts";
import type { ExecRequest } from "../../../../src/core/run/exec-request.ts";
import { parsePassThrough } from "../../../../src/core/run/pass-through.ts";
import type { PassThrough } from "../../../../src/core/run/pass-through.ts";
import { showJsonWithChange } from "../../../helpers/fake-terraform-runner.ts";
import {
  ALL_UNITS,
  APP_DEV,
  NETWORK_DEV,
  NETWORK_PROD,
  harness,
  on,
  options,
  refusedWith,
  script,
  statuses,
  unit,
} from "../../../helpers/run-harness.ts";

function request(...words: string[]): ExecRequest {
  const parsed = parseExecRequest(words);
  assert.ok(parsed.ok);
  return parsed.request;
}

function passThrough(command: "plan" | "apply", ...words: string[]): PassThrough {
  const parsed = parsePassThrough(command, words);
  assert.ok(parsed.ok);
  return parsed.value;
}

function exec(words: string[], overrides: Partial<RunOptions> = {}): RunOptions {
  return options({ command: "exec", exec: request(...words), ...overrides });
}

/** A `terraform show -json` of a state whose output `token` is sensitive. */
const STATE_WITH_SECRET = JSON.stringify({
  format_version: "1.0",
  values: {
    outputs: { token: { sensitive: true, value: "state-only-secret-0042" } },
    root_module: { resources: [] },
  },
});

describe("crossform exec on in-memory terraform and AWS", { concurrency: true }, () => {
  test("a read-only command runs in every unit, dependents included when a dependency fails", async () => {
    const h = await harness({
      script: script(on(NETWORK_DEV, "state", { exitCode: 1, stderr: "Error: no state" })),
    });
    const lines: string[] = [];
    const ended: string[] = [];
    h.deps.execOutput = {
      begin: (units) => lines.push(`begin ${units.map((u) => u.id).join(",")}`),
      line: (id, text) => lines.push(`${id}: ${text}`),
      end: (id, how) => ended.push(`${id} ${how}`),
    };
    h.runner.calls.length = 0;
    const result = await runCommand(h.deps, h.loaded, exec(["state", "list"]));
    assert.equal(result.exit, "problems");
    assert.deepEqual(h.runner.unitsOf("state").sort(), [...ALL_UNITS].sort());
    const waves = h.events.filter((e) => e.code === "run.wave-started");
    assert.deepEqual(
      waves.map((e) => (e.type === "message" ? e.text : "")),
      ["exec: wave all units"],
      "dev's and prod's units in one window, not wave after wave",
    );
    assert.equal(unit(result, APP_DEV).status, "succeeded", "app/dev is not skipped");
    assert.equal(unit(result, NETWORK_DEV).exit_code, 1);
    assert.match(
      unit(result, NETWORK_DEV).error?.message ?? "",
      /terraform state list exited 1:\nError: no state/,
    );
    assert.equal(result.report?.run.command, "exec");
    assert.deepEqual(result.report?.run.terraform_args, ["state", "list"]);
    assert.deepEqual(result.outputs?.get(NETWORK_DEV), { stdout: "", stderr: "Error: no state" });
    assert.match(lines[0] ?? "", /^begin /);
    assert.ok(lines.includes(`${NETWORK_DEV}: Error: no state`), lines.join("\n"));
    assert.ok(ended.includes(`${NETWORK_DEV} exit 1`) && ended.includes(`${APP_DEV} exit 0`));
    const journal = await readFile(join(result.recordDir ?? "", "journal.jsonl"), "utf8");
    assert.match(journal, /"terraform_args":\["state","list"\]/);
    assert.match(journal, /"unit":"network\/dev\/us-east-1","event":"executed","exit":1/);
  });

  test("a state change without a terminal needs --approve for every account and runs nowhere without", async () => {
    const h = await harness();
    await refusedWith(
      runCommand(h.deps, h.loaded, exec(["taint", "a.b"], { all: true, approve: ["prod"] })),
      "run/approval-required",
      /exec of a state-changing command in account dev needs --approve dev when not interactive/,
    );
    await refusedWith(
      runCommand(h.deps, h.loaded, exec(["taint", "a.b"], { approve: ["dev", "prod"] })),
      "run/selection-required",
      /exec -- taint needs a selection or --all/,
    );
    assert.deepEqual(h.runner.calls, []);
  });

  test("a state change runs one unit at a time and stops at the first failure", async () => {
    const h = await harness({
      script: (call) =>
        call.command === "taint" && call.nth === 1 && call.unit === NETWORK_DEV
          ? { exitCode: 1 }
          : undefined,
    });
    const result = await runCommand(
      h.deps,
      h.loaded,
      exec(["taint", "terraform_data.network"], {
        stacks: ["network"],
        targets: ["dev,prod"],
        approve: ["dev", "prod"],
        parallel: 4,
      }),
    );
    assert.equal(result.exit, "problems");
    assert.deepEqual(h.runner.unitsOf("taint"), [NETWORK_DEV]);
    assert.deepEqual(statuses(result), { [NETWORK_DEV]: "failed", [NETWORK_PROD]: "not-started" });
    assert.equal(unit(result, NETWORK_PROD).reason, `${NETWORK_DEV} failed: no other unit starts`);
    const taint = h.runner.calls.find((c) => c.command === "taint");
    assert.deepEqual(taint?.args, ["taint", "-lock-timeout=0s", "terraform_data.network"]);
  });

  test("in a terminal the operator confirms a state change once; a refusal runs it nowhere", async () => {
    const h = await harness();
    const asked: ConfirmExecRequest[] = [];
    h.deps.confirmExec = async (request) => {
      asked.push(request);
      return false;
    };
    const result = await runCommand(
      h.deps,
      h.loaded,
      exec(["state", "rm", "terraform_data.network"], { stacks: ["network"], all: true }),
    );
    assert.equal(result.exit, "problems");
    assert.deepEqual(asked, [
      {
        command: ["state", "rm", "terraform_data.network"],
        units: [NETWORK_DEV, NETWORK_PROD],
        accounts: ["dev", "prod"],
      },
    ]);
    assert.deepEqual(h.runner.unitsOf("state"), []);
    assert.deepEqual(statuses(result), {
      [NETWORK_DEV]: "not-started",
      [NETWORK_PROD]: "not-started",
    });
    assert.match(
      result.diagnostics.map((d) => d.message).join("\n"),
      /not confirmed; no unit ran it/,
    );
  });

  test("import gets the unit's variables and session name; output learns the state's secrets first", async () => {
    const h = await harness({
      script: script(
        on(NETWORK_DEV, "show", { stdout: STATE_WITH_SECRET }),
        on(NETWORK_DEV, "output", { stdout: '{"token":"state-only-secret-0042"}' }),
      ),
    });
    const imported = await runCommand(
      h.deps,
      h.loaded,
      exec(["import", "terraform_data.network", "x"], { targets: [NETWORK_DEV], approve: ["dev"] }),
    );
    assert.equal(imported.exit, "ok", JSON.stringify(imported.diagnostics));
    const args = h.runner.calls.find((c) => c.command === "import")?.args ?? [];
    assert.ok(
      args.some((a) => /^-var-file=.*stacks\/network\/targets\/dev\.tfvars\.json$/.test(a)),
      args.join(" "),
    );
    assert.ok(args.includes("-var=crossform_session_name=crossform-alice"), args.join(" "));
    const output = await runCommand(
      h.deps,
      h.loaded,
      exec(["output", "-json"], { targets: [NETWORK_DEV] }),
    );
    // The second exec's init is skipped (the data directory is current): show, then output.
    const commands = h.runner.argv(NETWORK_DEV).slice(-3);
    assert.deepEqual(commands, [
      `${NETWORK_DEV} import`,
      `${NETWORK_DEV} show`,
      `${NETWORK_DEV} output`,
    ]);
    assert.equal(output.outputs?.get(NETWORK_DEV)?.stdout, '{"token":"[redacted]"}');
  });

  test("console needs one unit and a terminal, and then runs attached", async () => {
    const h = await harness();
    await refusedWith(
      runCommand(h.deps, h.loaded, exec(["console"], { stacks: ["network"], terminal: true })),
      "exec/one-unit",
      /runs in one unit attached to the terminal; the selection holds 2/,
    );
    await refusedWith(
      runCommand(h.deps, h.loaded, exec(["console"], { targets: [NETWORK_DEV] })),
      "exec/needs-terminal",
      /is interactive and needs a terminal/,
    );
    const result = await runCommand(
      h.deps,
      h.loaded,
      exec(["console"], { targets: [NETWORK_DEV], terminal: true }),
    );
    assert.equal(result.exit, "ok");
    assert.deepEqual(
      h.runner.attached.map((c) => [c.unit, c.command]),
      [[NETWORK_DEV, "console"]],
    );
    assert.equal(unit(result, NETWORK_DEV).exit_code, 0);
  });
});

describe("pass-through flags on in-memory terraform and AWS", { concurrency: true }, () => {
  test("every plan gets the flags; the saved plan applies only with the same flags", async () => {
    const h = await harness();
    const flags = passThrough("plan", "-target=terraform_data.network", "-var=size=large-value");
    const planned = await runCommand(
      h.deps,
      h.loaded,
      options({ command: "plan", stacks: ["network"], passThrough: flags }),
    );
    const plan = h.runner.calls.find((c) => c.command === "plan");
    assert.ok(plan?.args.includes("-target=terraform_data.network"));
    assert.ok(plan?.args.includes("-var=size=large-value"));
    assert.ok(
      (plan?.args.indexOf("-var=size=large-value") ?? 0) >
        (plan?.args.findIndex((a) => a.startsWith("-var-file=")) ?? 0),
      "after the unit's var file",
    );
    const runId = planned.report?.run.id ?? "";
    const binding = JSON.parse(
      await readFile(
        join(planned.recordDir ?? "", "units", "network", "dev", "us-east-1", "binding.json"),
        "utf8",
      ),
    ) as { pass_through: string[] };
    assert.deepEqual(binding.pass_through, ["-target=terraform_data.network", "-var=size=…"]);
    const apply = (given: PassThrough | undefined) =>
      runCommand(
        h.deps,
        h.loaded,
        options({
          command: "apply",
          fromRun: runId,
          autoApprove: true,
          approve: ["prod"],
          allowDirty: true,
          ...(given ? { passThrough: given } : {}),
        }),
      );
    const other = await apply(
      passThrough("apply", "-target=terraform_data.network", "-var=size=small-value"),
    );
    assert.equal(unit(other, NETWORK_DEV).status, "needs-replan");
    assert.match(
      unit(other, NETWORK_DEV).reason ?? "",
      /the plan was made with -target=terraform_data\.network -var=size=… after --, this apply was given -target=terraform_data\.network -var=size=… \(with other -var values\): a saved plan is applied only with the flags it was planned with/,
    );
    const none = await apply(undefined);
    assert.match(unit(none, NETWORK_DEV).reason ?? "", /this apply was given no flags/);
    assert.deepEqual(h.runner.unitsOf("apply"), []);
    const same = await apply(
      passThrough("apply", "-target=terraform_data.network", "-var=size=large-value"),
    );
    assert.equal(unit(same, NETWORK_DEV).status, "succeeded");
    assert.deepEqual(h.runner.unitsOf("apply").sort(), [NETWORK_DEV, NETWORK_PROD]);
  });
});

describe("reviewed plans on in-memory terraform and AWS", { concurrency: true }, () => {
  const STATE = "tfstate-111111111111/network/terraform.tfstate";
  const prefixOf = (keys: string[]) =>
    keys.find(
      (k) =>
        k.startsWith("tfstate-111111111111/network/terraform.tfstate.crossform-reviewed/") &&
        k.endsWith("/reviewed.json"),
    );

  test("plan --store-plans keeps each plan beside its state; apply --reviewed-plans applies it and removes it", async () => {
    const h = await harness();
    h.aws.objects.set(STATE, JSON.stringify({ serial: 3, lineage: "lin-1" }));
    const planned = await runCommand(
      h.deps,
      h.loaded,
      options({ command: "plan", stacks: ["network"], storePlans: true }),
    );
    assert.equal(planned.exit, "ok", JSON.stringify(planned.diagnostics));
    const reviewedKey = prefixOf([...h.aws.objects.keys()]);
    assert.ok(reviewedKey, [...h.aws.objects.keys()].join("\n"));
    const record = JSON.parse(h.aws.objects.get(reviewedKey) ?? "{}") as {
      unit: string;
      run_id: string;
      state: unknown;
      inputs_tree_sha256: string;
    };
    assert.equal(record.unit, NETWORK_DEV);
    assert.equal(record.run_id, planned.report?.run.id);
    assert.deepEqual(record.state, { serial: 3, lineage: "lin-1" });
    assert.match(reviewedKey, new RegExp(`/${record.inputs_tree_sha256}/reviewed\\.json$`));
    for (const name of ["plan.tfplan", "binding.json", "summary.json"])
      assert.ok(h.aws.objects.has(reviewedKey.replace("reviewed.json", name)), name);
    h.runner.calls.length = 0;
    const applied = await runCommand(
      h.deps,
      h.loaded,
      options({
        command: "apply",
        stacks: ["network"],
        reviewedPlans: true,
        autoApprove: true,
        approve: ["prod"],
        allowDirty: true,
      }),
    );
    assert.equal(applied.exit, "ok", JSON.stringify(applied.report?.units));
    assert.deepEqual(h.runner.unitsOf("plan"), [], "nothing was planned again");
    const apply = h.runner.calls.find((c) => c.unit === NETWORK_DEV && c.command === "apply");
    assert.match(
      apply?.args.at(-1) ?? "",
      /units\/network\/dev\/us-east-1\/reviewed\/plan\.tfplan$/,
    );
    assert.equal(prefixOf([...h.aws.objects.keys()]), undefined, "the applied plan was removed");
  });

  test("a state that changed since the review, or code that did, plans again; a plan that differs is never applied without a terminal", async () => {
    const h = await harness({
      script: script(
        on(NETWORK_DEV, "show", { stdout: showJsonWithChange("network", "v2") }, 2),
        on(NETWORK_PROD, "show", { stdout: showJsonWithChange("network", "v1") }),
      ),
    });
    h.aws.objects.set(STATE, JSON.stringify({ serial: 3, lineage: "lin-1" }));
    await runCommand(
      h.deps,
      h.loaded,
      options({ command: "plan", stacks: ["network"], storePlans: true }),
    );
    h.aws.objects.set(STATE, JSON.stringify({ serial: 4, lineage: "lin-1" }));
    const applied = await runCommand(
      h.deps,
      h.loaded,
      options({
        command: "apply",
        stacks: ["network"],
        reviewedPlans: true,
        autoApprove: true,
        approve: ["prod"],
        allowDirty: true,
      }),
    );
    assert.equal(applied.exit, "problems");
    const dev = unit(applied, NETWORK_DEV);
    assert.equal(dev.status, "needs-replan");
    assert.match(
      dev.reason ?? "",
      /^not applied: its state changed since the review \(serial 3 then, serial 4 now\); planned again \(\+1 ~0 -0\), and that plan needs approval again/,
    );
    assert.deepEqual(
      h.runner.calls.filter((c) => c.command === "apply").map((c) => c.unit),
      [],
      "dev was not applied, and prod's wave never started",
    );
    await writeFile(join(h.loaded.dir, "stacks", "network", "extra.tf"), "# a change\n");
    const changed = await runCommand(
      h.deps,
      h.loaded,
      options({
        command: "apply",
        targets: [NETWORK_DEV],
        reviewedPlans: true,
        autoApprove: true,
        allowDirty: true,
      }),
    );
    assert.match(
      unit(changed, NETWORK_DEV).reason ?? "",
      /not applied: no plan was reviewed for this unit's code \(inputs [0-9a-f]{12}\)/,
    );
  });

  test("a new plan identical to the reviewed one is applied: only the state's serial moved", async () => {
    const h = await harness();
    h.aws.objects.set(STATE, JSON.stringify({ serial: 3, lineage: "lin-1" }));
    await runCommand(
      h.deps,
      h.loaded,
      options({ command: "plan", targets: [NETWORK_DEV], storePlans: true }),
    );
    h.aws.objects.set(STATE, JSON.stringify({ serial: 5, lineage: "lin-1" }));
    const applied = await runCommand(
      h.deps,
      h.loaded,
      options({
        command: "apply",
        targets: [NETWORK_DEV],
        reviewedPlans: true,
        autoApprove: true,
        allowDirty: true,
      }),
    );
    assert.equal(unit(applied, NETWORK_DEV).status, "succeeded");
    assert.ok(h.runner.calls.some((c) => c.unit === NETWORK_DEV && c.command === "apply"));
  });
});
