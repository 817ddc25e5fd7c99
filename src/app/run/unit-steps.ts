/**
 * The terraform steps of one unit: prepare its workspace, init, plan (saved, 0600, bound to the
 * unit), show -json into a redacted summary, apply a saved plan, output. Each step runs through
 * the TerraformRunner port; nothing here spawns or prints.
 */
import { createHash } from "node:crypto";
import { dirname, join, relative } from "node:path";
import type { Config } from "../../core/config/model.ts";
import { sessionName } from "../../core/generate/unit-inputs.ts";
import {
  outputSensitiveStrings,
  planSensitiveStrings,
  summarizeOutputs,
  summarizePlan,
} from "../../core/plan/plan-summary.ts";
import { createScrubber } from "../../core/plan/redact.ts";
import type { OutputValue, PlanSummary } from "../../core/plan/plan-summary.ts";
import {
  applyPlanArgs,
  initArgs,
  outputJsonArgs,
  planArgs,
  showPlanJsonArgs,
} from "../../core/run/terraform-args.ts";
import { heldLockMessage, parseHeldLock } from "../../core/run/lock-info.ts";
import { plannedAddresses } from "../../core/run/replan-scope.ts";
import { terraformFailureMessage } from "../../core/run/terraform-failure.ts";
import { RETRY_DELAYS_MS, transientReason } from "../../core/run/transient.ts";
import type { EventSink } from "../../ports/event-sink.ts";
import type { PlanMode } from "../../core/run/terraform-args.ts";
import type { Unit } from "../../core/units/units.ts";
import type { FileSystem } from "../../ports/file-system.ts";
import type { FileWriter } from "../../ports/file-writer.ts";
import type {
  RecordWriteProblem,
  TerraformProcess,
  TerraformRunner,
  UnitWorkspace,
  UnitWorkspaceSpec,
} from "../../ports/terraform-runner.ts";
import type { PassThrough } from "../../core/run/pass-through.ts";
import { loadBinding, passThroughSha256, writeJson } from "./run-records.ts";
import type { RunSecrets } from "./run-secrets.ts";
import { unitShellCommand } from "./unit-commands.ts";
import type { PlanBinding } from "./run-records.ts";

/** What a unit's steps need. */
export interface UnitStepContext {
  config: Config;
  configDir: string;
  fs: FileSystem;
  writer: FileWriter;
  runner: TerraformRunner;
  terraformVersion: string;
  lockTimeoutSeconds: number;
  user: string;
  /** The checkout of the commit the run runs (an apply); undefined: the working tree. */
  sourceRoot?: string;
  /**
   * The run's secrets: each command redacts its unit's values, and what a plan or an output shows
   * to be sensitive is learned for the commands after it. @default none
   */
  secrets?: RunSecrets;
  /** Aborted on Ctrl-C: the running child gets one interrupt. */
  signal: AbortSignal;
  /** Aborted to kill (the third Ctrl-C, or the end of the grace period): the running child is killed. */
  kill?: AbortSignal;
  /** The terraform children running now, for the provisional summary of an interrupt. */
  running?: Set<RunningChild>;
  /** Told of each child a kill ended. */
  onKilled?: (child: RunningChild) => void;
  /**
   * Told when a terraform child of a unit starts (before terraform may run) and when it exits; the
   * ledger journals both, and the start is awaited.
   */
  onChild?: (unitId: string, change: ChildChange) => Promise<void> | void;
  /** Told of each record file a command's output could not be written to (a full disk). */
  onWriteProblem?: (problem: RecordWriteProblem) => void;
  /** Where retries of transient init and plan failures are logged. */
  events?: EventSink;
  /** Waits before a retry of init or plan; resolves early when `signal` aborts. @default RETRY_DELAYS_MS */
  retryDelaysMs?: readonly number[];
  /** The operator's flags for every plan of the run (`plan -- -target=...`). @default none */
  passThrough?: PassThrough;
}

/** A terraform child that started or exited. */
export type ChildChange =
  | { kind: "started"; command: string; pid: number }
  | { kind: "exited"; command: string; pid: number; exit: number | null };

/** One terraform child of a unit. */
export interface RunningChild {
  unitId: string;
  /** The terraform subcommand (`init`, `plan`, `apply`, ...). */
  command: string;
  workspace: UnitWorkspace;
}

/** A step that ended badly. */
export type StepFailure =
  | {
      kind: "failed";
      message: string;
      /** Terraform asked for an init first (see {@link needsInit}). */
      needsInit?: boolean;
    }
  | { kind: "blocked"; reason: string }
  | { kind: "interrupted"; reason: string }
  | { kind: "stale"; reason: string };

/** A unit's saved plan and what it holds. */
export interface PlannedUnit {
  workspace: UnitWorkspace;
  planFile: string;
  summary: PlanSummary;
  /** Every resource address the plan holds, unchanged ones included (what an approval covers). */
  addresses?: readonly string[];
  hasChanges: boolean;
  binding: PlanBinding;
}

const REMOTE_STATE_MISSING = /Unable to find remote state/;
const STALE_PLAN = /Saved plan is stale/;

/**
 * Runs one terraform command of a unit; an abort interrupts the child once (its process group).
 * `onLine` hears each line terraform adds to the log (redacted).
 */
export async function run(
  ctx: UnitStepContext,
  workspace: UnitWorkspace,
  args: string[],
  logFile: string,
  stdout: "log" | "capture" = "log",
  onLine?: (text: string) => void,
): Promise<{ exitCode: number | null; stdout: string; stderr: string; interrupted: boolean }> {
  const entry: RunningChild = { unitId: workspace.unitId, command: args[0] ?? "", workspace };
  const redact = ctx.secrets?.valuesFor(workspace.unitId) ?? [];
  const child: TerraformProcess = ctx.runner.start({
    args,
    cwd: workspace.stackDir,
    dataDir: workspace.dataDir,
    logFile,
    stdout,
    // Journaled before terraform may start: no terraform runs that the journal does not name.
    beforeStart: async (pid) => {
      await ctx.onChild?.(workspace.unitId, { kind: "started", command: entry.command, pid });
    },
    ...(redact.length > 0 ? { redact } : {}),
    ...(onLine !== undefined
      ? {
          onLine: (line: { text: string; note?: boolean }) => {
            if (line.note !== true) onLine(line.text);
          },
        }
      : {}),
  });
  const onAbort = (): void => {
    child.interrupt("SIGINT");
  };
  const onKill = (): void => {
    if (child.kill()) ctx.onKilled?.(entry);
  };
  ctx.running?.add(entry);
  if (ctx.signal.aborted) onAbort();
  else ctx.signal.addEventListener("abort", onAbort, { once: true });
  if (ctx.kill?.aborted) onKill();
  else ctx.kill?.addEventListener("abort", onKill, { once: true });
  try {
    const result = await child.result;
    for (const problem of result.writeProblems) ctx.onWriteProblem?.(problem);
    // Known once the process started (it is started through crossform's process spawner).
    const pid = child.pid;
    if (pid !== undefined)
      ctx.onChild?.(workspace.unitId, {
        kind: "exited",
        command: entry.command,
        pid,
        exit: result.exitCode,
      });
    return {
      exitCode: result.exitCode,
      stdout: result.stdout,
      stderr: result.stderr,
      interrupted: result.interrupted,
    };
  } finally {
    ctx.signal.removeEventListener("abort", onAbort);
    ctx.kill?.removeEventListener("abort", onKill);
    ctx.running?.delete(entry);
  }
}

/**
 * {@link run} for init and plan: a failure that {@link transientReason} calls transient is run
 * again after a wait, at most twice, each retry logged as a warning; an interrupt ends the wait.
 */
async function runRetrying(
  ctx: UnitStepContext,
  workspace: UnitWorkspace,
  args: string[],
  logFile: string,
  succeeded: (exitCode: number | null) => boolean,
): Promise<Awaited<ReturnType<typeof run>>> {
  const delays = ctx.retryDelaysMs ?? RETRY_DELAYS_MS;
  for (let attempt = 0; ; attempt += 1) {
    const result = await run(ctx, workspace, args, logFile);
    if (result.interrupted || succeeded(result.exitCode) || attempt >= delays.length) return result;
    const reason = transientReason(result.stderr);
    if (reason === undefined) return result;
    const wait = delays[attempt] as number;
    ctx.events?.emit({
      type: "message",
      code: "run.retry",
      level: "warning",
      text: `${workspace.unitId}: terraform ${args[0]} failed with ${reason}; retry ${attempt + 1} of ${delays.length} in ${wait / 1000} s`,
    });
    await new Promise<void>((resolve) => {
      const timer = setTimeout(done, wait);
      function done(): void {
        clearTimeout(timer);
        ctx.signal.removeEventListener("abort", done);
        resolve();
      }
      ctx.signal.addEventListener("abort", done, { once: true });
    });
    if (ctx.signal.aborted) return { ...result, interrupted: true };
  }
}

/** What the runner needs to prepare or find a unit's directories. */
export function unitWorkspaceSpec(
  config: Config,
  unit: Unit,
  sourceRoot?: string,
): UnitWorkspaceSpec {
  return {
    unitId: unit.id,
    stack: unit.stack,
    account: unit.account,
    region: unit.region,
    stackPath: config.stacks.get(unit.stack)?.path ?? unit.stack,
    fileStem: unit.fileStem,
    ...(sourceRoot !== undefined ? { sourceRoot } : {}),
  };
}

/** The unit's workspace (mirrored working directory and data dir). */
export function prepare(ctx: UnitStepContext, unit: Unit): Promise<UnitWorkspace> {
  return ctx.runner.prepareUnit(unitWorkspaceSpec(ctx.config, unit, ctx.sourceRoot));
}

/** The file in a unit's data directory that says what its last successful init was made for. */
export const INIT_FINGERPRINT_FILE = "crossform-init.json";

/** How an init step ended well: run now, or skipped because the data directory is current. */
export type InitDone = { kind: "initialised" } | { kind: "current" };

/**
 * What a unit's init depends on, as the text of its fingerprint file: the backend file's bytes,
 * the stack's lock file's bytes (or its absence), the terraform version and the working
 * directory. Any change makes another init (docs/decisions/0033-costs-at-fleet-scale.md).
 */
function initFingerprint(
  ctx: UnitStepContext,
  workspace: UnitWorkspace,
  backend: string | undefined,
  lockFile: string | undefined,
): string {
  const sha = (text: string | undefined): string | null =>
    text === undefined ? null : createHash("sha256").update(text).digest("hex");
  const fingerprint = {
    v: 1,
    terraform_version: ctx.terraformVersion,
    working_directory: workspace.stackDir,
    backend_sha256: sha(backend),
    lock_file_sha256: sha(lockFile),
  };
  return `${JSON.stringify(fingerprint, null, 2)}\n`;
}

/**
 * `terraform init` of the unit against its own backend file, unless its data directory was
 * initialised for the same backend file, lock file and terraform version (its fingerprint file
 * says so; `force` initialises anyway). The fingerprint is removed before an init and written
 * only after one succeeded: an init that fails or is cut short leaves none.
 */
export async function init(
  ctx: UnitStepContext,
  workspace: UnitWorkspace,
  logFile: string,
  options: { force?: boolean } = {},
): Promise<InitDone | StepFailure> {
  const fingerprintFile = join(workspace.dataDir, INIT_FINGERPRINT_FILE);
  const [backend, lockFile, recorded] = await ctx.fs.readTextsIfPresent([
    workspace.backendFile,
    join(workspace.realStackDir, LOCK_FILE_NAME),
    fingerprintFile,
  ]);
  const fingerprint = initFingerprint(ctx, workspace, backend, lockFile);
  if (options.force !== true && recorded === fingerprint) {
    ctx.runner.annotate(
      logFile,
      `init skipped: ${workspace.dataDir} is initialised for this backend file, lock file and terraform ${ctx.terraformVersion} (${INIT_FINGERPRINT_FILE})`,
    );
    return { kind: "current" };
  }
  if (recorded !== undefined) await ctx.writer.remove(fingerprintFile);
  const result = await runRetrying(
    ctx,
    workspace,
    initArgs({
      backendConfigFile: workspace.backendFile,
      lockTimeoutSeconds: ctx.lockTimeoutSeconds,
    }),
    logFile,
    (code) => code === 0,
  );
  if (result.interrupted) return { kind: "interrupted", reason: "interrupted during init" };
  if (result.exitCode !== 0)
    return { kind: "failed", message: terraformFailureMessage("terraform init", result.stderr) };
  await ctx.writer.writeAtomic(fingerprintFile, fingerprint, { mode: 0o600 });
  return { kind: "initialised" };
}

/**
 * Whether terraform refused a command because the data directory needs an init: a module, a
 * provider or the backend not installed as the configuration asks. An init skipped by its
 * fingerprint can still meet this (a module call added to the code); the unit is then initialised
 * and its command run again, once.
 */
export function needsInit(stderr: string): boolean {
  return INIT_REQUIRED.test(stderr);
}

const INIT_REQUIRED =
  /Module not installed|Backend initialization required|Backend configuration changed|Required plugins are not installed|Inconsistent dependency lock file|please run "terraform init"|Run "terraform init"/;

const LOCK_FILE_NAME = ".terraform.lock.hcl";

/** SHA-256 of what a plan was made from: backend file, var file and the stack's own files. */
export async function inputsSha256(fs: FileSystem, workspace: UnitWorkspace): Promise<string> {
  const hash = createHash("sha256");
  const files = [workspace.backendFile, workspace.varFile];
  for (const entry of await fs.listDir(workspace.realStackDir)) {
    if (
      entry.isFile &&
      (entry.name.endsWith(".tf") ||
        entry.name.endsWith(".tf.json") ||
        entry.name === ".terraform.lock.hcl")
    ) {
      files.push(join(workspace.realStackDir, entry.name));
    }
  }
  for (const file of files) {
    // Relative: the same files hash the same in the working tree and in a commit's checkout.
    hash.update(`${relative(workspace.realStackDir, file)}\0`);
    hash.update((await fs.exists(file)) ? await fs.sha256(file) : "absent");
    hash.update("\n");
  }
  return hash.digest("hex");
}

/**
 * Plans a unit into `<dir>/plan.tfplan` (0600), summarizes `show -json` (redacted) into
 * `summary.json` and binds the plan to the unit in `binding.json`.
 */
export async function planUnit(
  ctx: UnitStepContext,
  unit: Unit,
  workspace: UnitWorkspace,
  dir: string,
  mode: PlanMode,
): Promise<PlannedUnit | StepFailure> {
  const logFile = join(dir, "log");
  const planFile = join(dir, "plan.tfplan");
  const vars = {
    crossform_session_name: sessionName(ctx.config, unit.account, unit.stack, ctx.user),
  };
  const result = await runRetrying(
    ctx,
    workspace,
    planArgs({
      mode,
      varFile: workspace.varFile,
      planFile,
      vars,
      passThrough: ctx.passThrough?.args ?? [],
      lockTimeoutSeconds: ctx.lockTimeoutSeconds,
    }),
    logFile,
    (code) => code === 0 || code === 2,
  );
  // Terraform writes the plan file (which holds the variables' values) even for a plan that
  // failed or was interrupted: private whatever the outcome.
  if (await ctx.fs.exists(planFile)) await ctx.writer.setMode(planFile, 0o600);
  if (result.interrupted) return { kind: "interrupted", reason: "interrupted during plan" };
  if (result.exitCode !== 0 && result.exitCode !== 2) {
    if (REMOTE_STATE_MISSING.test(result.stderr)) {
      const deps = unit.dependsOn.join(", ");
      return { kind: "blocked", reason: `${deps || "a dependency"} has no state yet` };
    }
    return (
      lockFailure(ctx, "plan", result.stderr) ?? {
        kind: "failed",
        message: terraformFailureMessage("terraform plan", result.stderr),
        ...(needsInit(result.stderr) ? { needsInit: true } : {}),
      }
    );
  }
  const shown = await run(ctx, workspace, showPlanJsonArgs(planFile), logFile, "capture");
  if (shown.interrupted) return { kind: "interrupted", reason: "interrupted during show" };
  if (shown.exitCode !== 0)
    return {
      kind: "failed",
      message: terraformFailureMessage("terraform show -json", shown.stderr),
    };
  const sensitive = planSensitiveStrings(shown.stdout);
  // The apply of this plan, and the units that read this one's outputs, redact these too.
  ctx.secrets?.learn(unit.id, sensitive);
  const summary = ctx.secrets?.value(summarizePlan(shown.stdout)) ?? summarizePlan(shown.stdout);
  await writeJson(ctx.writer, join(dir, "summary.json"), summary);
  // Terraform's plan text can show a sensitive value through an attribute it does not mark
  // (terraform_data's `output`, copied from a sensitive `input`): scrub the log by value.
  const scrubber = createScrubber(sensitive);
  if (await ctx.fs.exists(logFile)) {
    const logged = await ctx.fs.readText(logFile);
    const scrubbed = scrubber.text(logged);
    if (scrubbed !== logged) await ctx.writer.writeAtomic(logFile, scrubbed, { mode: 0o600 });
  }
  // A refresh-only plan exits 2 for any difference at all, including a provider reading an unset
  // collection back as empty; what it found is the drift and the outputs the summary keeps.
  const hasChanges =
    mode === "refresh-only"
      ? summary.drift > 0 || summary.outputsChanged > 0
      : result.exitCode === 2 || summary.drift > 0;
  const binding: PlanBinding = {
    version: 1,
    unit: unit.id,
    plan_sha256: await ctx.fs.sha256(planFile),
    inputs_sha256: await inputsSha256(ctx.fs, workspace),
    terraform_version: ctx.terraformVersion,
    has_changes: hasChanges,
    ...passThroughBinding(ctx.passThrough),
  };
  await writeJson(ctx.writer, join(dir, "binding.json"), binding);
  const addresses = plannedAddresses(shown.stdout);
  return { workspace, planFile, summary, addresses, hasChanges, binding };
}

/**
 * Learns what a saved plan of an earlier run holds that is sensitive (its values, the prior
 * state's sensitive outputs and attributes) before it is applied: that run's secrets died with
 * its process, and the apply's error text can show them. A `show -json` that fails teaches
 * nothing; the apply then reports the problem itself.
 */
export async function learnSavedPlanSecrets(
  ctx: UnitStepContext,
  workspace: UnitWorkspace,
  planFile: string,
  logFile: string,
): Promise<void> {
  if (!ctx.secrets) return;
  const shown = await run(ctx, workspace, showPlanJsonArgs(planFile), logFile, "capture");
  if (shown.exitCode !== 0 || shown.interrupted) return;
  try {
    ctx.secrets.learn(workspace.unitId, planSensitiveStrings(shown.stdout));
  } catch {
    // Not a plan document: nothing to learn.
  }
}

/** Applies a saved plan; never retried. Terraform's "Saved plan is stale" becomes `stale: re-plan`. */
export async function applyPlan(
  ctx: UnitStepContext,
  workspace: UnitWorkspace,
  planFile: string,
  logFile: string,
): Promise<StepFailure | undefined> {
  const result = await run(
    ctx,
    workspace,
    applyPlanArgs({ planFile, lockTimeoutSeconds: ctx.lockTimeoutSeconds }),
    logFile,
  );
  const kept = await keepErroredState(ctx, workspace, dirname(logFile));
  if (result.interrupted)
    return { kind: "interrupted", reason: `interrupted during apply${kept ?? ""}` };
  if (result.exitCode === 0 && kept === undefined) return undefined;
  if (STALE_PLAN.test(result.stderr))
    return { kind: "stale", reason: "stale: re-plan (the state changed since the plan was made)" };
  const locked = lockFailure(ctx, "apply", result.stderr);
  if (locked && kept === undefined) return locked;
  return {
    kind: "failed",
    message: terraformFailureMessage("terraform apply", result.stderr, kept),
  };
}

/** A held state lock as a failure naming its holder, or undefined when the lock was not the problem. */
function lockFailure(
  ctx: UnitStepContext,
  command: string,
  stderr: string,
): StepFailure | undefined {
  const lock = parseHeldLock(stderr);
  if (!lock) return undefined;
  return { kind: "failed", message: heldLockMessage(command, lock, ctx.lockTimeoutSeconds) };
}

/**
 * Lost state: when Terraform could not write the state it wrote `errored.tfstate` into the unit's
 * working directory. That file is the only copy of what the apply created: it is copied into the
 * unit's run record (0600, atomically, kept forever), removed from the working directory only
 * once the copy is written (so the next run cannot overwrite it), and named in the failure with the
 * exact `terraform state push` command. Returns that part of the message, or undefined.
 */
export async function keepErroredState(
  ctx: Pick<UnitStepContext, "fs" | "writer" | "config">,
  workspace: Pick<UnitWorkspace, "erroredStateFile" | "stackDir" | "dataDir">,
  recordDir: string,
): Promise<string | undefined> {
  if (!(await ctx.fs.exists(workspace.erroredStateFile))) return undefined;
  const kept = join(recordDir, "errored.tfstate");
  await ctx.writer.writeAtomic(kept, await ctx.fs.readText(workspace.erroredStateFile), {
    mode: 0o600,
  });
  await ctx.writer.remove(workspace.erroredStateFile);
  const push = unitShellCommand(
    workspace,
    ["state", "push", kept],
    ctx.config.base.profile,
    ctx.config.terraform.binary,
  );
  return `; terraform could not save the state: it wrote errored.tfstate, kept in ${kept} (never removed by crossform); once the state bucket works again, push it: ${push}`;
}

/** `terraform output -json`, sensitive values redacted. */
export async function outputUnit(
  ctx: UnitStepContext,
  workspace: UnitWorkspace,
  logFile: string,
): Promise<OutputValue[] | StepFailure> {
  const result = await run(ctx, workspace, outputJsonArgs(), logFile, "capture");
  if (result.interrupted) return { kind: "interrupted", reason: "interrupted during output" };
  if (result.exitCode !== 0)
    return { kind: "failed", message: terraformFailureMessage("terraform output", result.stderr) };
  ctx.secrets?.learn(workspace.unitId, outputSensitiveStrings(result.stdout));
  const outputs = summarizeOutputs(result.stdout);
  return ctx.secrets?.value(outputs) ?? outputs;
}

/** Why a saved plan may not be applied to its unit, or undefined when its binding holds. */
export async function bindingProblem(
  ctx: UnitStepContext,
  unit: Unit,
  workspace: UnitWorkspace,
  dir: string,
): Promise<string | undefined> {
  const binding = await loadBinding(ctx.fs, dir);
  const planFile = join(dir, "plan.tfplan");
  if (!binding || !(await ctx.fs.exists(planFile)))
    return "no saved plan for this unit in that run";
  if (binding.unit !== unit.id)
    return `the saved plan belongs to unit ${binding.unit}, not ${unit.id}`;
  if ((await ctx.fs.sha256(planFile)) !== binding.plan_sha256) {
    return "the plan file is not the one planned for this unit (its hash differs)";
  }
  if (binding.terraform_version !== ctx.terraformVersion) {
    return `the plan was made with terraform ${binding.terraform_version}, this is ${ctx.terraformVersion}`;
  }
  if ((await inputsSha256(ctx.fs, workspace)) !== binding.inputs_sha256) {
    return "the stack's files, backend or variables changed since the plan was made";
  }
  return passThroughProblem(binding, ctx.passThrough);
}

/** The binding's record of the plan's pass-through flags: nothing when there were none. */
function passThroughBinding(
  passThrough: PassThrough | undefined,
): Pick<PlanBinding, "pass_through" | "pass_through_sha256"> {
  if (!passThrough || passThrough.args.length === 0) return {};
  return {
    pass_through: [...passThrough.shown],
    pass_through_sha256: passThroughSha256(passThrough.args),
  };
}

/** Flags for a message: `-target=a.b -var=x=…`, or `no flags`. */
function flagsText(shown: readonly string[] | undefined): string {
  return shown && shown.length > 0 ? shown.join(" ") : "no flags";
}

/** Why a saved plan's flags differ from the apply's, or undefined when they are the same. */
function passThroughProblem(
  binding: PlanBinding,
  passThrough: PassThrough | undefined,
): string | undefined {
  const planned = binding.pass_through_sha256 ?? passThroughSha256([]);
  const given = passThroughSha256(passThrough?.args ?? []);
  if (planned === given) return undefined;
  const shownPlanned = flagsText(binding.pass_through);
  const shownGiven = flagsText(passThrough?.shown);
  const values = shownPlanned === shownGiven ? " (with other -var values)" : "";
  return `the plan was made with ${shownPlanned} after --, this apply was given ${shownGiven}${values}: a saved plan is applied only with the flags it was planned with`;
}

/** Whether a step result is a failure. */
export function isFailure<T extends object>(value: T | StepFailure): value is StepFailure {
  return (
    "kind" in value &&
    ["failed", "blocked", "interrupted", "stale"].includes((value as StepFailure).kind)
  );
}
