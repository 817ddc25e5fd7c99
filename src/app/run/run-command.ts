/**
 * The run commands (CONTRACT.md section 7): plan, apply, destroy, drift, output across units, in
 * waves, through the pure scheduler; after a preflight that starts no terraform process until
 * the configuration, the generated files, the terraform binary and every selected account check
 * out. Emits progress events; returns a report; never prints.
 */
import { isAbsolute, join, relative } from "node:path";
import type { Config } from "../../core/config/model.ts";
import { CrossformError } from "../../core/errors.ts";
import type { Diagnostic } from "../../core/errors.ts";
import { verifySelectionForUnits } from "../../core/identity/verify-selection.ts";
import type { PlanSummary } from "../../core/plan/plan-summary.ts";
import type { OutputValue } from "../../core/plan/plan-summary.ts";
import {
  createRunReport,
  runExitCode,
  unitFieldsFromOutcome,
  unitFieldsFromPlan,
  wavesFromSchedule,
} from "../../core/report/run-report.ts";
import type { RunCommand, RunReport, UnitReport } from "../../core/report/run-report.ts";
import { destroyCapBreach, describeBreaches, unitCountProblem } from "../../core/run/guards.ts";
import type { DestroyCapBreach } from "../../core/run/guards.ts";
import { checkRoleAllowlist, parseRoleAllowlist } from "../../core/run/role-allowlist.ts";
import { checkTerraformVersion } from "../../core/run/terraform-version-check.ts";
import { runSchedule } from "../../core/run/scheduler.ts";
import type { ScheduleResult, SchedulerEvent, TaskControl } from "../../core/run/scheduler.ts";
import type { SchedulerTask } from "../../core/run/run-plan.ts";
import type { ExecuteOutcome } from "../../core/run/task-outcome.ts";
import { selectUnits } from "../../core/units/select-units.ts";
import { resolveWave, unitsOfShard } from "../../core/units/shard.ts";
import type { Unit } from "../../core/units/units.ts";
import type { UnitWorkspace } from "../../ports/terraform-runner.ts";
import { computeGeneratedFiles } from "../generate.ts";
import type { LoadedConfig } from "../load-config.ts";
import { verify } from "../verify.ts";
import { unitsChangedBy } from "./changed-units.ts";
import { heldLockDiagnostics } from "./held-locks.ts";
import { prepareProviderSets } from "./provider-sets.ts";
import { gitCommit, gitignoreCoversCrossform, gitRoot } from "./repository-info.ts";
import {
  crossformDir,
  expectedRunSeconds,
  loadRunReport,
  newRunId,
  runDir,
  saveRunReport,
  loadBinding,
  pluginCacheDirOf,
  unitRecordDir,
} from "./run-records.ts";
import type { RunDeps, RunOptions, RunResult } from "./run-types.ts";
import {
  applyPlan,
  bindingProblem,
  init,
  isFailure,
  outputUnit,
  planUnit,
  prepare,
} from "./unit-steps.ts";
import type { PlannedUnit, RunningChild, StepFailure, UnitStepContext } from "./unit-steps.ts";

interface UnitTask extends SchedulerTask {
  unit: Unit;
}

/** What a unit left behind in one phase. */
interface UnitState {
  planned?: PlannedUnit;
  workspace?: UnitWorkspace;
  outputs?: OutputValue[];
  /** Applied changes in this run (dependents re-plan). */
  appliedChanges?: boolean;
  error?: string;
  reason?: string;
  needsReplan?: boolean;
  startedAt?: number;
  finishedAt?: number;
  /** Time spent running the unit's terraform steps, over every phase. */
  elapsedMs?: number;
}

function fail(code: string, message: string, hint: string): CrossformError {
  return new CrossformError(code, "user", message, { hint });
}

/** The approval accounts a unit touches. */
export function approvalAccountsOf(config: Config, unit: Unit): string[] {
  const names = new Set(unit.targets.map((t) => t.account));
  return [...names].filter((n) => config.accounts.get(n)?.approval === true);
}

/**
 * Non-interactive approval (CONTRACT.md section 6): every approval account selected must be named
 * by `--approve`; the other units need `--auto-approve`. Throws a user error (exit 2) otherwise.
 */
export function checkApprovals(
  config: Config,
  units: Unit[],
  options: RunOptions,
  interactive: boolean,
): void {
  for (const name of options.approve) {
    if (!config.accounts.has(name)) {
      throw fail(
        "run/unknown-approval",
        `--approve names no account "${name}"`,
        `accounts: ${[...config.accounts.keys()].join(", ")}`,
      );
    }
  }
  if (interactive) return;
  const approval = [...new Set(units.flatMap((u) => approvalAccountsOf(config, u)))];
  const missing = approval.filter((a) => !options.approve.includes(a));
  if (missing.length > 0) {
    throw fail(
      "run/approval-required",
      `${options.command} of approval account${missing.length > 1 ? "s" : ""} ${missing.join(", ")} needs --approve ${missing.join(",")} when not interactive`,
      "--auto-approve never covers accounts with approval: required; name them with --approve",
    );
  }
  const others = units.filter((u) => approvalAccountsOf(config, u).length === 0);
  if (others.length > 0 && !options.autoApprove) {
    throw fail(
      "run/confirmation-required",
      `${options.command} needs --auto-approve when not interactive (${others.length} unit${others.length > 1 ? "s" : ""} without approval accounts selected)`,
      "run it in a terminal to confirm, or pass --auto-approve (and --approve for approval accounts)",
    );
  }
}

/** Preflight (PRODUCT.md): nothing runs terraform until every check passes. */
async function preflight(
  deps: RunDeps,
  loaded: LoadedConfig,
  units: Unit[],
  options: RunOptions,
): Promise<{
  diagnostics: Diagnostic[];
  terraformVersion?: string;
  exitCode?: number;
  /** Paths of the stacks that need providers (crossform wires aws for them). */
  providerStacks?: Set<string>;
}> {
  const { config } = loaded;
  // Generated files must be fresh: a unit must run exactly what is committed.
  const generated = await computeGeneratedFiles(loaded, deps);
  const errors = generated.diagnostics.filter((d) => d.severity === "error");
  if (errors.length > 0) return { diagnostics: generated.diagnostics, exitCode: 2 };
  const stale: string[] = [];
  for (const file of generated.files) {
    const abs = join(loaded.dir, file.path);
    if (!(await deps.fs.exists(abs)) || (await deps.fs.readText(abs)) !== file.contents)
      stale.push(file.path);
  }
  if (stale.length > 0) {
    return {
      exitCode: 1,
      diagnostics: [
        {
          severity: "error",
          code: "preflight/stale-generated-files",
          message: `generated files are stale: ${stale.slice(0, 5).join(", ")}${stale.length > 5 ? ` and ${stale.length - 5} more` : ""}`,
          hint: "run `crossform generate`, review and commit the result, then run again",
        },
      ],
    };
  }
  // Terraform found, supported, and able to do what the configuration asks.
  let version;
  try {
    version = await deps.runner.version();
  } catch (error) {
    if (error instanceof CrossformError) {
      return {
        exitCode: 2,
        diagnostics: [
          {
            severity: "error",
            code: error.code,
            message: error.message,
            ...(error.hint ? { hint: error.hint } : {}),
          },
        ],
      };
    }
    throw error;
  }
  const versionProblem = checkTerraformVersion(version, {
    constraint: config.terraform.version,
    lock: config.state.lock,
  });
  if (versionProblem) {
    return {
      exitCode: 2,
      diagnostics: [
        {
          severity: "error",
          code: versionProblem.code,
          message: versionProblem.message,
          ...(versionProblem.hint ? { hint: versionProblem.hint } : {}),
        },
      ],
    };
  }
  // The role allow-list, from outside the repository: every role the units would assume.
  if (options.roleAllowlist !== undefined) {
    const refused = await checkAllowlist(deps, loaded, units, options.roleAllowlist);
    if (refused.length > 0) return { exitCode: 1, diagnostics: refused };
  }
  // Every account the units reach: assumed, identity checked, state bucket checked.
  const verified = await verify(
    { aws: deps.aws, events: deps.events, now: () => new Date(deps.clock.now()) },
    {
      config,
      selection: verifySelectionForUnits(config, units),
      user: options.user,
      expectedRunSeconds: await expectedRunSeconds(deps.fs, loaded.dir, options.command, {
        stacks: options.stacks,
        targets: options.targets,
        all: options.all,
      }),
    },
  );
  if (!verified.ok) {
    const diagnostics: Diagnostic[] = [];
    if (verified.base.problem) {
      diagnostics.push({
        severity: "error",
        code: verified.base.problem.code,
        message: `base identity: ${verified.base.problem.message}`,
        ...(verified.base.problem.hint ? { hint: verified.base.problem.hint } : {}),
      });
    }
    for (const account of verified.accounts.filter((a) => !a.ok)) {
      const problem =
        account.identity.problem ??
        account.state.flatMap((s) => s.checks).find((c) => c.problem)?.problem;
      diagnostics.push({
        severity: "error",
        code: problem?.code ?? "preflight/verify-failed",
        message: `account ${account.name} (${account.id}): ${problem?.message ?? "verification failed"}`,
        ...(account.hint ? { hint: account.hint } : {}),
      });
    }
    diagnostics.push({
      severity: "error",
      code: "preflight/verify-failed",
      message: "preflight: not every selected account verified; no terraform process was started",
      hint: "`crossform verify` shows every check; fix the accounts above and run again",
    });
    return { exitCode: 1, diagnostics };
  }
  const providerStacks = new Set(
    generated.files
      .filter((f) => f.path.endsWith("crossform_providers.tf"))
      .map((f) => f.path.slice(0, -"/crossform_providers.tf".length) || "."),
  );
  return { diagnostics: [], terraformVersion: version.version, providerStacks };
}

/** Reads the role allow-list and checks every role the units assume; returns the refusals. */
async function checkAllowlist(
  deps: RunDeps,
  loaded: LoadedConfig,
  units: Unit[],
  source: string,
): Promise<Diagnostic[]> {
  const refuse = (message: string, hint: string): Diagnostic[] => [
    { severity: "error", code: "preflight/role-allowlist-unreadable", message, hint },
  ];
  let text: string;
  const s3 = /^s3:\/\/([^/]+)\/(.+)$/.exec(source);
  if (s3) {
    try {
      text = await deps.aws
        .baseClients(loaded.config.base.region)
        .s3.getObjectText(s3[1] as string, s3[2] as string);
    } catch (error) {
      return refuse(
        `cannot read the role allow-list ${source}: ${error instanceof Error ? error.message : String(error)}`,
        "CROSSFORM_ROLE_ALLOWLIST names it; check the object and that the base identity may read it (no unit was started)",
      );
    }
  } else {
    if (!isAbsolute(source)) {
      return refuse(
        `CROSSFORM_ROLE_ALLOWLIST=${source} is not an absolute path or an s3:// URL`,
        "give the allow-list's absolute path, or s3://bucket/key",
      );
    }
    const repository = (await gitRoot(deps.fs, loaded.dir)) ?? loaded.dir;
    const inside = relative(repository, source);
    if (inside === "" || (!inside.startsWith("..") && !isAbsolute(inside))) {
      return refuse(
        `the role allow-list ${source} is inside the repository ${repository}: a change to the code could change what it allows`,
        "keep the allow-list outside the repository (a path its owners control, or s3://bucket/key)",
      );
    }
    try {
      text = await deps.fs.readText(source);
    } catch (error) {
      return refuse(
        `cannot read the role allow-list ${source}: ${error instanceof Error ? error.message : String(error)}`,
        "CROSSFORM_ROLE_ALLOWLIST names it; check the path (no unit was started)",
      );
    }
  }
  const parsed = parseRoleAllowlist(text, source);
  if (!parsed.ok) return parsed.diagnostics;
  const { config } = loaded;
  return checkRoleAllowlist(
    units,
    (unit) => [
      ...unit.targets.map((t) => {
        const account = config.accounts.get(t.account);
        return {
          account: t.account,
          accountId: account?.id ?? "",
          roleArn: account?.roleArn ?? "",
        };
      }),
      {
        account: unit.state.accountName,
        accountId: unit.state.accountId,
        roleArn: unit.state.roleArn,
      },
    ],
    parsed.allowlist,
    source,
  );
}

/** Maps scheduler events to progress events. */
function forward(
  deps: RunDeps,
  phase: string,
  labels: Map<string, string>,
): (event: SchedulerEvent) => void {
  return (event) => {
    const events = deps.events;
    if (!events) return;
    if (event.type === "task-started") {
      events.emit({
        type: "task-started",
        id: `${phase}/${event.taskId}`,
        label: `${phase} ${event.taskId}`,
      });
    } else if (event.type === "task-finished") {
      const o = event.outcome;
      const status =
        o.status === "succeeded"
          ? "ok"
          : o.status === "failed"
            ? "failed"
            : o.status === "blocked"
              ? "warning"
              : "skipped";
      const detail =
        o.status === "succeeded"
          ? (labels.get(event.taskId) ?? (o.changes ? "changes" : "no changes"))
          : o.status === "failed"
            ? (o.error.split("\n")[0] ?? "failed")
            : `${o.status}: ${"reason" in o ? o.reason : ""}`;
      events.emit({
        type: "task-finished",
        id: `${phase}/${event.taskId}`,
        label: `${phase} ${event.taskId}`,
        status,
        detail,
      });
    } else if (event.type === "wave-started") {
      events.emit({ type: "message", level: "info", text: `${phase}: wave ${event.name}` });
    }
  };
}

function countsLabel(summary: PlanSummary, command: RunCommand): string {
  if (command === "drift")
    return summary.drift > 0 || summary.outputsChanged > 0
      ? `drift: ${summary.drift} resources, ${summary.outputsChanged} outputs`
      : "no drift";
  const parts = [`+${summary.add}`, `~${summary.change}`, `-${summary.destroy}`];
  if (summary.replace > 0) parts.push(`±${summary.replace}`);
  return parts.join(" ");
}

function toOutcome(failure: StepFailure): ExecuteOutcome {
  switch (failure.kind) {
    case "blocked":
      return { status: "blocked", reason: failure.reason };
    case "interrupted":
      return { status: "interrupted", reason: failure.reason };
    case "stale":
      return { status: "failed", error: failure.reason };
    case "failed":
      return { status: "failed", error: failure.message };
  }
}

/** Runs one schedule over the units. */
async function schedule(
  deps: RunDeps,
  config: Config,
  units: Unit[],
  options: RunOptions,
  phase: string,
  policy: "continue" | "halt-wave",
  execute: (unit: Unit, signal: AbortSignal, control: TaskControl) => Promise<ExecuteOutcome>,
  labels: Map<string, string>,
  order: "forward" | "reverse" = "forward",
  groups: Map<string, string> = new Map(),
): Promise<ScheduleResult<UnitTask>> {
  const tasks: UnitTask[] = units.map((unit) => {
    const group = groups.get(unit.id);
    return {
      id: unit.id,
      wave: unit.wave,
      dependsOn: unit.dependsOn,
      account: unit.account,
      ...(group !== undefined ? { group } : {}),
      unit,
    };
  });
  return runSchedule(tasks, {
    parallel: options.parallel ?? config.run.parallel,
    policy,
    order,
    waves: config.waves.map((w, i) => ({
      wave: i,
      name: w.name,
      ...(w.canary !== undefined ? { canary: w.canary } : {}),
      tolerance: w.tolerance,
    })),
    execute: (task, signal, control) => execute(task.unit, signal, control),
    now: () => deps.clock.now(),
    onEvent: forward(deps, phase, labels),
    ...(options.signal ? { signal: options.signal } : {}),
  });
}

/**
 * The result of a run whose selection came to nothing after `--wave`, `--shard` or
 * `--changed-since`: a warning and exit 0 (a CI job of an empty shard succeeds).
 */
function nothingSelected(
  why: string,
  command: RunCommand,
  code = "run/nothing-selected",
): RunResult {
  return {
    report: undefined,
    recordDir: undefined,
    diagnostics: [{ severity: "warning", code, message: `${why}: nothing to ${command}` }],
    exitCode: 0,
  };
}

/** Runs a command end to end. */
export async function runCommand(
  deps: RunDeps,
  loaded: LoadedConfig,
  options: RunOptions,
): Promise<RunResult> {
  const { config } = loaded;
  const command = options.command;
  const mutating = command === "apply" || command === "destroy";
  const noSelection = options.stacks.length === 0 && options.targets.length === 0;
  if (
    mutating &&
    noSelection &&
    options.wave === undefined &&
    !options.all &&
    options.fromRun === undefined &&
    options.changedSince === undefined
  ) {
    throw fail(
      "run/selection-required",
      `${command} needs a selection or --all`,
      `name stacks, pass --target <selector>, or --all to ${command} every unit`,
    );
  }
  if (command === "destroy" && !options.allowDestroy) {
    throw fail(
      "run/destroy-not-allowed",
      "destroy needs --allow-destroy",
      "destroy removes every resource of the selected units: pass --allow-destroy to mean it",
    );
  }
  const selected = selectUnits(
    config,
    loaded.units,
    noSelection ? {} : { stacks: options.stacks, targets: options.targets },
  );
  if (!selected.ok) throw fail("run/selection", selected.message, selected.hint);
  let units = selected.units;
  if (options.wave !== undefined) {
    const wave = resolveWave(config, options.wave);
    if (!wave.ok) throw fail("run/unknown-wave", wave.error, wave.hint);
    units = units.filter((u) => u.wave === wave.index);
    if (units.length === 0)
      return nothingSelected(`wave ${options.wave} holds none of the selected units`, command);
  }
  if (options.shard !== undefined) {
    units = unitsOfShard(units, options.shard);
    if (units.length === 0) {
      const { index, count } = options.shard;
      return nothingSelected(`shard ${index}/${count} holds none of the selected units`, command);
    }
  }
  if (options.fromRun !== undefined) {
    // apply --run covers the units of that plan run (within the selection, when one is given).
    const saved = await loadRunReport(deps.fs, loaded.dir, options.fromRun);
    const planned = new Set(saved.units.map((u) => u.id));
    units = units.filter((u) => planned.has(u.id));
    if (units.length === 0) {
      throw fail(
        "run/selection",
        `run ${options.fromRun} planned none of the selected units`,
        "`crossform report <run>` shows what that run planned",
      );
    }
  }
  if (options.changedSince !== undefined) {
    const changed = await deps.git.changedSince(loaded.dir, options.changedSince);
    units = await unitsChangedBy(deps, loaded, units, changed);
    deps.events?.emit({
      type: "message",
      level: "info",
      text: `--changed-since ${options.changedSince}: ${units.length} unit${units.length === 1 ? "" : "s"} changed (${changed.length} changed file${changed.length === 1 ? "" : "s"})${units.length > 0 ? `: ${units.map((u) => u.id).join(", ")}` : ""}`,
    });
    if (units.length === 0) {
      return nothingSelected(
        `no selected unit changed since ${options.changedSince}`,
        command,
        "run/nothing-changed",
      );
    }
  }
  if (mutating) checkApprovals(config, units, options, deps.confirm !== undefined);
  if (mutating) {
    const refused = await checkGuards(deps, loaded, units, options);
    if (refused)
      return { report: undefined, recordDir: undefined, diagnostics: [refused], exitCode: 1 };
  }

  const diagnostics: Diagnostic[] = [];
  if (!(await gitignoreCoversCrossform(deps.fs, loaded.dir))) {
    diagnostics.push({
      severity: "warning",
      code: "run/crossform-not-ignored",
      message: `.crossform/ (run records, plans, logs) is not ignored by git in ${loaded.dir}`,
      hint: "add the line `.crossform/` to .gitignore: plans and state copies can hold secrets",
    });
  }

  const checked = await preflight(deps, loaded, units, options);
  if (checked.exitCode !== undefined)
    return {
      report: undefined,
      recordDir: undefined,
      diagnostics: [...diagnostics, ...checked.diagnostics],
      exitCode: checked.exitCode,
    };
  const terraformVersion = checked.terraformVersion ?? "unknown";
  const providerSets = await prepareProviderSets(
    deps,
    loaded,
    units,
    checked.providerStacks ?? new Set(),
  );
  if (providerSets.diagnostics.length > 0) {
    return {
      report: undefined,
      recordDir: undefined,
      diagnostics: [...diagnostics, ...providerSets.diagnostics],
      exitCode: 1,
    };
  }

  const commit = await gitCommit(deps.fs, loaded.dir);
  const startedAt = deps.clock.now();
  const runId = newRunId(startedAt, deps.clock.randomSuffix());
  await deps.writer.ensureDirectory(crossformDir(loaded.dir), 0o700);
  await deps.writer.ensureDirectory(runDir(loaded.dir, runId), 0o700);
  await deps.writer.ensureDirectory(pluginCacheDirOf(loaded.dir), 0o700);
  const abort = new AbortController();
  if (options.signal) {
    if (options.signal.aborted) abort.abort();
    else options.signal.addEventListener("abort", () => abort.abort(), { once: true });
  }
  const running = new Set<RunningChild>();
  const killed: RunningChild[] = [];
  const ctx: UnitStepContext = {
    config,
    configDir: loaded.dir,
    fs: deps.fs,
    writer: deps.writer,
    runner: deps.runner,
    terraformVersion,
    lockTimeoutSeconds: options.lockTimeoutSeconds ?? config.run.lockTimeoutSeconds,
    user: options.user,
    signal: abort.signal,
    running,
    onKilled: (child) => killed.push(child),
    ...(deps.events ? { events: deps.events } : {}),
    ...(deps.retryDelaysMs ? { retryDelaysMs: deps.retryDelaysMs } : {}),
    ...(options.kill ? { kill: options.kill } : {}),
  };
  // The provisional summary of an interrupt: what is still running, at once.
  const provisional = (): void => {
    const children = [...running].map((c) => `${c.unitId} (${c.command})`);
    deps.events?.emit({
      type: "message",
      level: "warning",
      text:
        children.length > 0
          ? `interrupted: ${children.length} terraform process${children.length === 1 ? "" : "es"} asked to stop: ${children.join(", ")}; no new unit starts`
          : "interrupted: no terraform process was running; no new unit starts",
    });
  };
  if (abort.signal.aborted) provisional();
  else abort.signal.addEventListener("abort", provisional, { once: true });
  const state = new Map<string, UnitState>(units.map((u) => [u.id, {}]));
  const labels = new Map<string, string>();
  const dirOf = (unit: Unit): string => unitRecordDir(loaded.dir, runId, unit.id);

  const planPhase = async (
    unit: Unit,
    mode: "normal" | "destroy" | "refresh-only",
    control?: TaskControl,
  ): Promise<ExecuteOutcome> => {
    const s = state.get(unit.id)!;
    s.startedAt = deps.clock.now();
    const dir = dirOf(unit);
    await deps.writer.ensureDirectory(dir, 0o700);
    try {
      const workspace = await prepare(ctx, unit);
      s.workspace = workspace;
      const initFailure = await init(ctx, workspace, join(dir, "log"));
      if (initFailure) return record(s, initFailure);
      // The shared plugin cache holds this provider set now: the others of the set may init.
      control?.groupReady();
      if (command === "output") {
        const outputs = await outputUnit(ctx, workspace, join(dir, "log"));
        if (isFailure(outputs)) return record(s, outputs);
        s.outputs = outputs;
        labels.set(unit.id, `${outputs.length} outputs`);
        return { status: "succeeded", changes: false };
      }
      const planned = await planUnit(ctx, unit, workspace, dir, mode);
      if (isFailure(planned)) return record(s, planned);
      s.planned = planned;
      labels.set(unit.id, countsLabel(planned.summary, command));
      return { status: "succeeded", changes: planned.hasChanges };
    } catch (error) {
      return record(s, {
        kind: "failed",
        message: error instanceof Error ? error.message : String(error),
      });
    } finally {
      s.finishedAt = deps.clock.now();
      s.elapsedMs = (s.elapsedMs ?? 0) + (s.finishedAt - s.startedAt);
    }
  };

  let phases: ScheduleResult<UnitTask>[] = [];
  let notConfirmed = false;
  let refusedByGuard: Set<string> | undefined;
  let planReport: RunReport | undefined;
  const planMode =
    command === "destroy" ? "destroy" : command === "drift" ? "refresh-only" : "normal";

  if (command === "apply" && options.fromRun !== undefined) {
    phases = [await applySavedRun(deps, loaded, ctx, units, options, state, labels, dirOf)];
  } else {
    const first = await schedule(
      deps,
      config,
      units,
      options,
      command === "destroy"
        ? "plan -destroy"
        : command === "output"
          ? "output"
          : command === "drift"
            ? "drift"
            : "plan",
      "continue",
      (unit, _signal, control) => planPhase(unit, planMode, control),
      labels,
      "forward",
      providerSets.groups,
    );
    phases = [first];
    if (mutating && !abort.signal.aborted) {
      planReport = buildReport(
        config,
        units,
        state,
        first,
        { ...options, command: "plan" },
        runId,
        startedAt,
        deps.clock.now(),
        terraformVersion,
        loaded,
        commit,
      );
      const failedPlans = planReport.units.filter(
        (u) => u.status === "failed" || u.status === "interrupted",
      );
      const toChange = planReport.units.filter((u) => u.has_changes || u.status === "blocked");
      if (failedPlans.length > 0) {
        diagnostics.push({
          severity: "error",
          code: "run/plan-failed",
          message: `${failedPlans.length} unit${failedPlans.length > 1 ? "s" : ""} failed to plan (${failedPlans.map((u) => u.id).join(", ")}); nothing was applied`,
          hint: "fix the failures shown in the summary and run again",
        });
      } else if (destroyBreaches(config, units, state, options).length > 0) {
        const breaches = destroyBreaches(config, units, state, options);
        refusedByGuard = new Set(breaches.map((b) => b.unitId));
        diagnostics.push({
          severity: "error",
          code: "guard/max-destroy",
          message: `${command} refused by guards: ${describeBreaches(breaches)}; nothing was applied`,
          hint: "review the plan; pass --allow-destroy to apply these destroys, or raise guards.max_destroy / guards.max_destroy_approval in crossform.yaml",
        });
      } else if (toChange.length > 0) {
        const approvalAccounts = [
          ...new Set(
            units
              .filter((u) => toChange.some((c) => c.id === u.id))
              .flatMap((u) => approvalAccountsOf(config, u)),
          ),
        ];
        const confirmed = deps.confirm
          ? await deps.confirm({ command, plan: planReport, approvalAccounts })
          : true;
        if (!confirmed) {
          notConfirmed = true;
          diagnostics.push({
            severity: "error",
            code: "run/not-confirmed",
            message: `${command} not confirmed; nothing was changed`,
          });
        } else {
          const second = await schedule(
            deps,
            config,
            units,
            options,
            command,
            "halt-wave",
            (unit) => applyPhase(deps, ctx, unit, options, state, labels, dirOf, planMode),
            labels,
            command === "destroy" ? "reverse" : "forward",
          );
          phases.push(second);
        }
      }
    }
  }

  abort.signal.removeEventListener("abort", provisional);
  if (killed.length > 0) {
    const locks = await heldLockDiagnostics(deps.aws, config, units, killed, options.user);
    diagnostics.push(...locks.held);
    for (const text of locks.released) deps.events?.emit({ type: "message", level: "info", text });
  }
  const finishedAt = deps.clock.now();
  const last = phases[phases.length - 1]!;
  let report = buildReport(
    config,
    units,
    state,
    last,
    options,
    runId,
    startedAt,
    finishedAt,
    terraformVersion,
    loaded,
    commit,
    phases[0],
  );
  if (notConfirmed) {
    // The operator said no: what the plan found stays in the report, none of it was applied.
    for (const unit of report.units) {
      if (unit.status === "succeeded" && unit.has_changes) {
        unit.status = "not-started";
        unit.reason = `${command} not confirmed: nothing applied`;
      }
    }
    report = createRunReport({ run: report.run, units: report.units, waves: report.waves });
  }
  if (refusedByGuard) {
    for (const unit of report.units) {
      if (unit.status === "succeeded" && unit.has_changes) {
        unit.status = "not-started";
        unit.reason = refusedByGuard.has(unit.id)
          ? `refused by guards: destroys ${(unit.summary?.destroy ?? 0) + (unit.summary?.replace ?? 0)}, over its cap (--allow-destroy)`
          : "not applied: another unit's plan was refused by guards";
      }
    }
    report = createRunReport({ run: report.run, units: report.units, waves: report.waves });
  }
  await saveRunReport(deps.writer, loaded.dir, report);
  let exitCode: number = runExitCode(report, { detailedExitcode: options.detailedExitcode });
  if (notConfirmed) exitCode = 1;
  if (diagnostics.some((d) => d.severity === "error") && exitCode === 0) exitCode = 1;
  return { report, recordDir: runDir(loaded.dir, runId), diagnostics, exitCode };
}

/**
 * The guards checked before anything runs (CONTRACT.md section 1 `guards`, section 6): the unit
 * cap of an apply or destroy (`--max-units`), and for apply a committed working tree
 * (`--allow-dirty`; outside git it is required). Returns the refusal, or undefined.
 */
async function checkGuards(
  deps: RunDeps,
  loaded: LoadedConfig,
  units: Unit[],
  options: RunOptions,
): Promise<Diagnostic | undefined> {
  const tooMany = unitCountProblem(units.length, loaded.config.guards, options.maxUnits);
  if (tooMany) return { severity: "error", code: "guard/max-units", ...tooMany };
  if (options.command !== "apply" || options.allowDirty === true) return undefined;
  const status = await deps.git.status(loaded.dir);
  if (status.kind === "outside") {
    return {
      severity: "error",
      code: "guard/not-in-git",
      message: `${loaded.dir} is not in a git repository: apply could not be traced to a commit`,
      hint: "commit the configuration to git and apply from there, or pass --allow-dirty to apply what is on disk",
    };
  }
  if (status.changed.length > 0) {
    const shown = status.changed.slice(0, 5).join(", ");
    const more = status.changed.length > 5 ? ` and ${status.changed.length - 5} more` : "";
    return {
      severity: "error",
      code: "guard/dirty-tree",
      message: `the working tree has uncommitted changes (${shown}${more}): apply applies only committed code`,
      hint: "commit or stash the changes (`git status` lists them), or pass --allow-dirty to apply what is on disk",
    };
  }
  return undefined;
}

/** Units whose confirmed plan destroys more than their cap, unless `--allow-destroy`. */
function destroyBreaches(
  config: Config,
  units: Unit[],
  state: Map<string, UnitState>,
  options: RunOptions,
): DestroyCapBreach[] {
  if (options.command !== "apply" || options.allowDestroy) return [];
  const breaches: DestroyCapBreach[] = [];
  for (const unit of units) {
    const summary = state.get(unit.id)?.planned?.summary;
    if (!summary) continue;
    const breach = destroyCapBreach(config.guards, {
      id: unit.id,
      approval: approvalAccountsOf(config, unit).length > 0,
      destroy: summary.destroy,
      replace: summary.replace,
    });
    if (breach) breaches.push(breach);
  }
  return breaches;
}

/** Records a step failure on the unit's state and returns the scheduler outcome. */
function record(s: UnitState, failure: StepFailure): ExecuteOutcome {
  if (failure.kind === "failed") s.error = failure.message;
  else s.reason = failure.reason;
  if (failure.kind === "stale") s.needsReplan = true;
  return toOutcome(failure);
}

/**
 * The apply (or destroy) of one unit after the confirmed plan: a unit whose dependency applied
 * changes in this run (or that was blocked) is planned again first; if that plan differs from
 * the confirmed one it needs the operator again (non-interactive: `--auto-approve` for ordinary
 * accounts, `--approve` for approval accounts).
 */
async function applyPhase(
  deps: RunDeps,
  ctx: UnitStepContext,
  unit: Unit,
  options: RunOptions,
  state: Map<string, UnitState>,
  labels: Map<string, string>,
  dirOf: (unit: Unit) => string,
  mode: "normal" | "destroy" | "refresh-only",
): Promise<ExecuteOutcome> {
  const s = state.get(unit.id)!;
  s.error = undefined;
  s.reason = undefined;
  const began = deps.clock.now();
  const dir = dirOf(unit);
  const log = join(dir, "log");
  try {
    const dependencyChanged = unit.dependsOn.some((d) => state.get(d)?.appliedChanges === true);
    let planned = s.planned;
    if (!planned || (mode === "normal" && dependencyChanged)) {
      const workspace = s.workspace ?? (await prepare(ctx, unit));
      s.workspace = workspace;
      const initFailure = await init(ctx, workspace, log);
      if (initFailure) return record(s, initFailure);
      const replanned = await planUnit(ctx, unit, workspace, dir, mode);
      if (isFailure(replanned)) return record(s, replanned);
      const before = planned;
      s.planned = replanned;
      planned = replanned;
      labels.set(unit.id, countsLabel(replanned.summary, "apply"));
      if (replanned.hasChanges && (!before || !samePlan(before.summary, replanned.summary))) {
        const approval = approvalAccountsOf(ctx.config, unit);
        const allowed = deps.confirm
          ? await deps.confirm({
              command: options.command === "destroy" ? "destroy" : "apply",
              plan: singleUnitReport(ctx, unit, replanned, options, deps.clock.now()),
              approvalAccounts: approval,
              reason: `${unit.id} was planned again after its dependencies applied, and its plan differs`,
            })
          : before === undefined
            ? // Blocked at plan time: its first plan is covered by the run's approvals.
              approval.length > 0
              ? approval.every((a) => options.approve.includes(a))
              : options.autoApprove
            : // A confirmed plan that changed (CONTRACT.md section 7): only --auto-approve of an
              // ordinary account covers it; an approval account's unit stops.
              approval.length === 0 && options.autoApprove;
        if (!allowed) {
          s.needsReplan = true;
          return record(s, {
            kind: "stale",
            reason:
              "its plan changed after its dependencies applied and was not approved again: run apply again",
          });
        }
      }
    }
    if (!planned.hasChanges) return { status: "succeeded", changes: false };
    const breach = options.allowDestroy
      ? undefined
      : mode === "normal"
        ? destroyCapBreach(ctx.config.guards, {
            id: unit.id,
            approval: approvalAccountsOf(ctx.config, unit).length > 0,
            destroy: planned.summary.destroy,
            replace: planned.summary.replace,
          })
        : undefined;
    if (breach) {
      return record(s, {
        kind: "failed",
        message: `refused by guards: ${describeBreaches([breach])}; pass --allow-destroy to apply it`,
      });
    }
    const failure = await applyPlan(ctx, planned.workspace, planned.planFile, log);
    if (failure) return record(s, failure);
    s.appliedChanges = true;
    return { status: "succeeded", changes: true };
  } catch (error) {
    return record(s, {
      kind: "failed",
      message: error instanceof Error ? error.message : String(error),
    });
  } finally {
    s.finishedAt = deps.clock.now();
    s.elapsedMs = (s.elapsedMs ?? 0) + (s.finishedAt - began);
  }
}

function samePlan(a: PlanSummary, b: PlanSummary): boolean {
  const shape = (s: PlanSummary): string =>
    JSON.stringify({
      r: s.resources.map((r) => [r.address, r.action, r.attributes.map((x) => [x.name, x.after])]),
      o: s.outputs.map((o) => [o.name, o.action, o.after]),
    });
  return shape(a) === shape(b);
}

function singleUnitReport(
  ctx: UnitStepContext,
  unit: Unit,
  planned: PlannedUnit,
  options: RunOptions,
  nowMs: number,
): RunReport {
  const account = ctx.config.accounts.get(unit.account);
  const now = new Date(nowMs).toISOString();
  return createRunReport({
    run: {
      id: "replan",
      command: "plan",
      started_at: now,
      finished_at: now,
      duration_ms: 0,
      selection: { stacks: options.stacks, targets: options.targets, all: options.all },
      interrupted: false,
    },
    units: [
      {
        id: unit.id,
        stack: unit.stack,
        account: unit.account,
        account_id: account?.id ?? "",
        ...(account ? { tier: account.tier } : {}),
        region: unit.region,
        wave: unit.wave,
        approval: approvalAccountsOf(ctx.config, unit).length > 0,
        status: "succeeded",
        duration_ms: 0,
        ...unitFieldsFromPlan(planned.summary, "plan"),
      },
    ],
  });
}

/** `apply --run <id>`: applies the saved plans of that run whose binding holds. */
async function applySavedRun(
  deps: RunDeps,
  loaded: LoadedConfig,
  ctx: UnitStepContext,
  units: Unit[],
  options: RunOptions,
  state: Map<string, UnitState>,
  labels: Map<string, string>,
  dirOf: (unit: Unit) => string,
): Promise<ScheduleResult<UnitTask>> {
  const runId = options.fromRun!;
  const saved = await loadRunReport(deps.fs, loaded.dir, runId);
  if (saved.run.command !== "plan") {
    throw fail(
      "run/not-a-plan-run",
      `run ${runId} is a ${saved.run.command} run; apply --run takes the id of a plan run`,
      "`crossform runs` lists the runs; plan first with `crossform plan`",
    );
  }
  const savedUnits = new Map(saved.units.map((u) => [u.id, u]));
  if (deps.confirm) {
    // In a terminal the operator sees the saved plans and confirms, as for a plain apply.
    const selectedIds = new Set(units.map((u) => u.id));
    const shown = createRunReport({
      run: saved.run,
      units: saved.units.filter((u) => selectedIds.has(u.id)),
      waves: saved.waves,
    });
    const changing = units.filter((u) => savedUnits.get(u.id)?.has_changes);
    const approvalAccounts = [
      ...new Set(changing.flatMap((u) => approvalAccountsOf(loaded.config, u))),
    ];
    if (
      changing.length > 0 &&
      !(await deps.confirm({ command: "apply", plan: shown, approvalAccounts }))
    ) {
      throw new CrossformError(
        "run/not-confirmed",
        "user",
        `apply of run ${runId} not confirmed; nothing was changed`,
        {
          hint: "run it again and confirm, or pass --auto-approve (and --approve) when not interactive",
        },
      );
    }
  }
  return schedule(
    deps,
    loaded.config,
    units,
    options,
    "apply",
    "halt-wave",
    async (unit) => {
      const s = state.get(unit.id)!;
      s.startedAt = deps.clock.now();
      const dir = dirOf(unit);
      await deps.writer.ensureDirectory(dir, 0o700);
      try {
        const before = savedUnits.get(unit.id);
        if (!before) {
          s.needsReplan = true;
          return record(s, { kind: "stale", reason: `unit not planned in run ${runId}` });
        }
        if (before.status !== "succeeded") {
          s.needsReplan = true;
          return record(s, {
            kind: "stale",
            reason: `its plan in run ${runId} ${before.status === "blocked" ? "was blocked" : "did not succeed"}: re-plan`,
          });
        }
        if (!before.has_changes) return { status: "succeeded", changes: false };
        const breach = options.allowDestroy
          ? undefined
          : destroyCapBreach(loaded.config.guards, {
              id: unit.id,
              approval: approvalAccountsOf(loaded.config, unit).length > 0,
              destroy: before.summary?.destroy ?? 0,
              replace: before.summary?.replace ?? 0,
            });
        if (breach) {
          return record(s, {
            kind: "failed",
            message: `refused by guards: ${describeBreaches([breach])}; pass --allow-destroy to apply it`,
          });
        }
        const changedDependency = unit.dependsOn.find((d) => savedUnits.get(d)?.has_changes);
        if (changedDependency) {
          s.needsReplan = true;
          return record(s, {
            kind: "stale",
            reason: `its dependency ${changedDependency} had changes in run ${runId}: re-plan after it applies`,
          });
        }
        const workspace = await prepare(ctx, unit);
        const savedDir = unitRecordDir(loaded.dir, runId, unit.id);
        const problem = await bindingProblem(ctx, unit, workspace, savedDir);
        if (problem) {
          s.needsReplan = true;
          return record(s, { kind: "stale", reason: `saved plan refused: ${problem}` });
        }
        // The saved plan's summary (already redacted) is what this apply applies.
        const binding = await loadBinding(deps.fs, savedDir);
        const summaryFile = join(savedDir, "summary.json");
        if (binding && (await deps.fs.exists(summaryFile))) {
          const summary = JSON.parse(await deps.fs.readText(summaryFile)) as PlanSummary;
          s.planned = {
            workspace,
            planFile: join(savedDir, "plan.tfplan"),
            summary,
            hasChanges: true,
            binding,
          };
        }
        const initFailure = await init(ctx, workspace, join(dir, "log"));
        if (initFailure) return record(s, initFailure);
        const failure = await applyPlan(
          ctx,
          workspace,
          join(savedDir, "plan.tfplan"),
          join(dir, "log"),
        );
        if (failure) return record(s, failure);
        s.appliedChanges = true;
        labels.set(unit.id, "applied the saved plan");
        return { status: "succeeded", changes: true };
      } catch (error) {
        return record(s, {
          kind: "failed",
          message: error instanceof Error ? error.message : String(error),
        });
      } finally {
        s.finishedAt = deps.clock.now();
      }
    },
    labels,
  );
}

function buildReport(
  config: Config,
  units: Unit[],
  state: Map<string, UnitState>,
  result: ScheduleResult<UnitTask>,
  options: RunOptions,
  runId: string,
  startedAt: number,
  finishedAt: number,
  terraformVersion: string,
  loaded: LoadedConfig,
  commit: string | undefined,
  planResult?: ScheduleResult<UnitTask>,
): RunReport {
  const outcomes = new Map(result.tasks.map((t) => [t.task.id, t]));
  const planOutcomes = new Map((planResult ?? result).tasks.map((t) => [t.task.id, t]));
  const reports: UnitReport[] = units.map((unit) => {
    const s = state.get(unit.id) ?? {};
    const task = outcomes.get(unit.id) ?? planOutcomes.get(unit.id);
    let outcome = task?.outcome ?? { status: "not-started" as const, reason: "not run" };
    // A unit the apply phase never reached keeps what its plan said (e.g. blocked).
    if (
      outcome.status === "not-started" &&
      planOutcomes.get(unit.id)?.outcome?.status === "blocked" &&
      result !== planResult
    ) {
      outcome = planOutcomes.get(unit.id)!.outcome!;
    }
    const fields = unitFieldsFromOutcome(outcome);
    const account = config.accounts.get(unit.account);
    const planFields = s.planned
      ? unitFieldsFromPlan(s.planned.summary, options.command)
      : undefined;
    const report: UnitReport = {
      id: unit.id,
      stack: unit.stack,
      account: unit.account,
      account_id: account?.id ?? "",
      ...(account ? { tier: account.tier } : {}),
      region: unit.region,
      wave: unit.wave,
      approval: approvalAccountsOf(config, unit).length > 0,
      has_changes: false,
      changes: [],
      drifted: [],
      outputs_changed: [],
      duration_ms:
        s.elapsedMs !== undefined
          ? s.elapsedMs
          : s.startedAt !== undefined && s.finishedAt !== undefined
            ? Math.max(0, s.finishedAt - s.startedAt)
            : 0,
      log_path: relative(loaded.dir, join(unitRecordDir(loaded.dir, runId, unit.id), "log")),
      ...(planFields ?? {}),
      ...fields,
    };
    if (outcome.status === "succeeded")
      report.has_changes = outcome.changes || (planFields?.has_changes ?? false);
    if (s.needsReplan) {
      report.status = "needs-replan";
      report.reason = s.reason;
      delete report.error;
    }
    if (s.error && report.status === "failed") report.error = { message: s.error };
    if (s.outputs) report.outputs = s.outputs;
    return report;
  });
  return createRunReport({
    run: {
      id: runId,
      command: options.command,
      started_at: new Date(startedAt).toISOString(),
      finished_at: new Date(finishedAt).toISOString(),
      duration_ms: finishedAt - startedAt,
      user: options.user,
      ...(commit ? { git_commit: commit } : {}),
      terraform_version: terraformVersion,
      selection: { stacks: options.stacks, targets: options.targets, all: options.all },
      interrupted: result.cancelled,
    },
    units: reports,
    waves: wavesFromSchedule(result.waves),
  });
}
