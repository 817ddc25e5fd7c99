/**
 * `crossform validate --terraform`: `terraform validate` for every stack, once per stack directory
 * (not per unit), so that a syntax error or a reference to an undeclared variable stops a change
 * before a fleet run does. Each stack runs in a scratch copy under `.crossform/validate/<stack>/`
 * (never in the user's directory), `init -backend=false` first (no backend, no credentials), with
 * the shared plugin cache and the stack's `.terraform.lock.hcl` read-only when it has one. Three
 * stages: the scratch copies are prepared (a sliding window); the inits that may write into the
 * shared cache run one at a time, alone (`pluginCacheWriters`); then the other inits and every
 * `validate` run in a sliding window. Nothing is printed: progress goes to the event sink.
 */
import { join, relative, resolve, sep } from "node:path";
import { pluginCacheWriters } from "../core/concurrency/plugin-cache-writers.ts";
import { mapWithWindow } from "../core/concurrency/sliding-window.ts";
import { CrossformError } from "../core/errors.ts";
import type { Diagnostic } from "../core/errors.ts";
import { validateInitArgs, validateJsonArgs } from "../core/run/terraform-args.ts";
import { checkTerraformVersion } from "../core/run/terraform-version-check.ts";
import {
  parseValidateJson,
  terraformDiagnosticHint,
} from "../core/validate/terraform-validate-output.ts";
import type { TerraformDiagnostic } from "../core/validate/terraform-validate-output.ts";
import type { EventSink } from "../ports/event-sink.ts";
import type { FileSystem } from "../ports/file-system.ts";
import type { FileWriter } from "../ports/file-writer.ts";
import type {
  StackWorkspace,
  TerraformCommand,
  TerraformProcess,
  TerraformResult,
  TerraformRunner,
} from "../ports/terraform-runner.ts";
import type { LoadedConfig } from "./load-config.ts";
import { pluginCacheDirOf } from "./run/run-records.ts";

/** How one stack directory came out. */
export type StackValidationStatus =
  /** `terraform validate` found no error (warnings may remain). */
  | "valid"
  /** Terraform reported errors in the code: syntax, undeclared references, wrong arguments. */
  | "invalid"
  /** The stack could not be validated: init failed (modules, providers, the lock file). */
  | "failed"
  /** Stopped by an interrupt, or never started because of one. */
  | "interrupted";

/** The outcome for one stack directory. */
export interface StackValidation {
  /** The stacks of crossform.yaml whose `path` is this directory (usually one). */
  stacks: string[];
  /** The directory, as `stacks.<name>.path` gives it. */
  path: string;
  status: StackValidationStatus;
  /** Terraform's diagnostics with file:line:column relative to crossform.yaml's directory, or why it failed. */
  diagnostics: Diagnostic[];
  /** The log of its init and validate, relative to crossform.yaml's directory. */
  log: string;
}

/** The report of `validate --terraform`. */
export interface TerraformValidateReport {
  /** `terraform 1.11.4`, `tofu 1.9.0`. */
  terraform: string;
  parallel: number;
  /** Every stack directory passed. */
  valid: boolean;
  interrupted: boolean;
  stacks: StackValidation[];
}

/** What `validate --terraform` reaches the world through. */
export interface TerraformValidateDeps {
  runner: TerraformRunner;
  fs: FileSystem;
  writer: FileWriter;
  /** Progress; nothing is emitted when absent. */
  events?: EventSink | undefined;
}

/** What to validate and how. */
export interface TerraformValidateOptions {
  /** Stack directories validated at once (the sliding window); `run.parallel` by default. */
  parallel: number;
  /** Aborted on Ctrl-C: each running terraform gets one interrupt, no new one starts. */
  signal?: AbortSignal | undefined;
  /** Aborted to kill each running terraform (a second Ctrl-C). */
  kill?: AbortSignal | undefined;
}

const silent: EventSink = { emit: () => undefined };

interface Job {
  path: string;
  stacks: string[];
}

interface Context {
  deps: TerraformValidateDeps;
  loaded: LoadedConfig;
  events: EventSink;
  signal: AbortSignal | undefined;
  running: Set<TerraformProcess>;
}

/** The stack directories of the configuration, each once, in configuration order. */
function jobsOf(loaded: LoadedConfig): Job[] {
  const byPath = new Map<string, Job>();
  for (const stack of loaded.config.stacks.values()) {
    const job = byPath.get(stack.path);
    if (job === undefined) byPath.set(stack.path, { path: stack.path, stacks: [stack.name] });
    else job.stacks.push(stack.name);
  }
  return [...byPath.values()];
}

/**
 * Runs `terraform validate` for every stack directory of a loaded configuration.
 * @throws CrossformError when terraform cannot be run or its version does not fit crossform.yaml
 *   (`terraform/not-found`, `terraform/too-old`, ...): nothing was validated.
 */
export async function validateTerraform(
  deps: TerraformValidateDeps,
  loaded: LoadedConfig,
  options: TerraformValidateOptions,
): Promise<TerraformValidateReport> {
  if (!Number.isInteger(options.parallel) || options.parallel < 1) {
    throw new CrossformError(
      "usage",
      "user",
      `--parallel must be a positive integer, got ${options.parallel}`,
    );
  }
  const version = await deps.runner.version();
  const problem = checkTerraformVersion(version, {
    constraint: loaded.config.terraform.version,
    lock: loaded.config.state.lock,
  });
  if (problem !== undefined) throw problem;
  await deps.writer.ensureDirectory(pluginCacheDirOf(loaded.dir), 0o700);

  const context: Context = {
    deps,
    loaded,
    events: deps.events ?? silent,
    signal: options.signal,
    running: new Set(),
  };
  const stopAll = (): void => {
    for (const child of context.running) child.interrupt();
  };
  const killAll = (): void => {
    for (const child of context.running) child.kill();
  };
  options.signal?.addEventListener("abort", stopAll, { once: true });
  options.kill?.addEventListener("abort", killAll, { once: true });
  try {
    const prepared = await mapWithWindow(jobsOf(loaded), options.parallel, (job) =>
      prepareJob(context, job),
    );
    const inits = await initCacheWriters(context, prepared);
    const stacks = await mapWithWindow(prepared, options.parallel, async (job, index) =>
      "workspace" in job
        ? finishStack(context, job, inits.get(index) ?? (await initStack(context, job)))
        : job.done,
    );
    return {
      terraform: `${version.flavor} ${version.version}`,
      parallel: options.parallel,
      valid: stacks.every((s) => s.status === "valid"),
      interrupted: stacks.some((s) => s.status === "interrupted"),
      stacks,
    };
  } finally {
    options.signal?.removeEventListener("abort", stopAll);
    options.kill?.removeEventListener("abort", killAll);
  }
}

/** A stack directory whose scratch copy is ready, or its outcome when it could not be made. */
type PreparedJob =
  | { job: Job; workspace: StackWorkspace; lockHash: string | undefined; log: string }
  | { job: Job; done: StackValidation };

type InitOutcome = TerraformResult | "interrupted";

function finished(
  context: Context,
  job: Job,
  status: StackValidationStatus,
  diagnostics: Diagnostic[],
  log: string,
): StackValidation {
  const errors = diagnostics.filter((d) => d.severity === "error").length;
  context.events.emit({
    type: "task-finished",
    id: `validate/${job.path}`,
    label: job.path,
    status: status === "valid" ? "ok" : status === "interrupted" ? "skipped" : "failed",
    detail:
      status === "valid"
        ? "valid"
        : status === "interrupted"
          ? "interrupted"
          : `${status}: ${errors} ${errors === 1 ? "error" : "errors"}`,
  });
  return { stacks: job.stacks, path: job.path, status, diagnostics, log };
}

async function prepareJob(context: Context, job: Job): Promise<PreparedJob> {
  const { deps, loaded } = context;
  if (context.signal?.aborted === true) {
    const done: StackValidation = {
      stacks: job.stacks,
      path: job.path,
      status: "interrupted",
      diagnostics: [],
      log: "",
    };
    return { job, done };
  }
  context.events.emit({ type: "task-started", id: `validate/${job.path}`, label: job.path });
  let workspace: StackWorkspace;
  try {
    workspace = await deps.runner.prepareStack({
      stack: job.stacks[0] ?? job.path,
      stackPath: job.path,
    });
  } catch (error) {
    if (!(error instanceof CrossformError) || error.source === "internal") throw error;
    const hint = error.hint;
    const problem: Diagnostic = {
      severity: "error",
      code: error.code,
      message: error.message,
      ...(hint === undefined ? {} : { hint }),
    };
    return { job, done: finished(context, job, "failed", [problem], "") };
  }
  const lockHash = workspace.hasLockFile
    ? await deps.fs.sha256(join(workspace.realStackDir, ".terraform.lock.hcl"))
    : undefined;
  return { job, workspace, lockHash, log: relative(loaded.dir, workspace.logFile) };
}

/**
 * The inits that may write into the shared plugin cache, one at a time and with nothing else
 * running; their outcomes by the index of their stack directory.
 */
async function initCacheWriters(
  context: Context,
  prepared: readonly PreparedJob[],
): Promise<Map<number, InitOutcome>> {
  const writers = pluginCacheWriters(
    prepared.map((p) => ("workspace" in p ? p.lockHash : undefined)),
  );
  const inits = new Map<number, InitOutcome>();
  for (const index of writers) {
    const job = prepared[index];
    if (job !== undefined && "workspace" in job) inits.set(index, await initStack(context, job));
  }
  return inits;
}

function initStack(
  context: Context,
  prepared: { workspace: StackWorkspace },
): Promise<InitOutcome> {
  const { workspace } = prepared;
  return runCommand(
    context,
    workspace,
    validateInitArgs({ hasLockFile: workspace.hasLockFile }),
    "log",
  );
}

/** Runs `validate -json` after the stack's init and judges the stack. */
async function finishStack(
  context: Context,
  prepared: { job: Job; workspace: StackWorkspace; log: string },
  init: InitOutcome,
): Promise<StackValidation> {
  const { job, workspace, log } = prepared;
  const result = (status: StackValidationStatus, diagnostics: Diagnostic[]): StackValidation =>
    finished(context, job, status, diagnostics, log);
  if (init === "interrupted") return result("interrupted", []);
  const validated = await runCommand(context, workspace, validateJsonArgs(), "capture");
  if (validated === "interrupted") return result("interrupted", []);

  const output = parseValidateJson(validated.stdout);
  const found = output.ok ? output.diagnostics.map((d) => toDiagnostic(workspace, job, d)) : [];
  const located = found.filter((d) => d.severity === "error" && d.position !== undefined);
  if (init.exitCode !== 0) {
    // Terraform's init stops at the first configuration error; validate then names them all.
    if (located.length > 0) return result("invalid", found);
    return result("failed", [initFailure(job, init, log)]);
  }
  if (!output.ok) {
    return result("failed", [
      {
        severity: "error",
        code: "terraform/validate-output",
        message: `stack ${job.path}: terraform validate -json gave no report (exit ${String(validated.exitCode)}): ${output.reason}`,
        hint: `see ${log}; run terraform validate in the stack to see the problem`,
      },
    ]);
  }
  return result(output.valid ? "valid" : "invalid", found);
}

async function runCommand(
  context: Context,
  workspace: StackWorkspace,
  args: string[],
  stdout: TerraformCommand["stdout"],
): Promise<InitOutcome> {
  if (context.signal?.aborted === true) return "interrupted";
  const child = context.deps.runner.start({
    args,
    cwd: workspace.stackDir,
    dataDir: workspace.dataDir,
    logFile: workspace.logFile,
    ...(stdout === undefined ? {} : { stdout }),
  });
  context.running.add(child);
  try {
    const done = await child.result;
    return done.interrupted || done.signal !== null ? "interrupted" : done;
  } finally {
    context.running.delete(child);
  }
}

/** A Terraform diagnostic as crossform's, its file relative to crossform.yaml's directory. */
function toDiagnostic(workspace: StackWorkspace, job: Job, d: TerraformDiagnostic): Diagnostic {
  const hint = terraformDiagnosticHint(d);
  const message = `${d.summary}${d.detail === "" ? "" : `: ${d.detail.replace(/\s+/g, " ")}`}`;
  return {
    severity: d.severity,
    code: "terraform/validate",
    message: d.range === undefined ? `stack ${job.path}: ${message}` : message,
    ...(hint === undefined ? {} : { hint }),
    ...(d.range === undefined
      ? {}
      : {
          position: {
            file: displayPath(workspace, job.path, d.range.filename),
            line: d.range.line,
            column: d.range.column,
          },
        }),
  };
}

/**
 * The user's path of a file Terraform names relative to the scratch copy: files of the mirror are
 * the user's own files at the same place in the repository; others (a module in the data
 * directory) are shown where they are.
 */
function displayPath(workspace: StackWorkspace, stackPath: string, filename: string): string {
  const absolute = resolve(workspace.stackDir, filename);
  const inMirror = relative(workspace.workRoot, absolute);
  const real =
    inMirror === ".." || inMirror.startsWith(`..${sep}`)
      ? absolute
      : join(workspace.repositoryRoot, inMirror);
  return join(stackPath, relative(workspace.realStackDir, real));
}

/** The first lines of Terraform's `Error:` block, for a failed init. */
function initFailure(job: Job, init: TerraformResult, log: string): Diagnostic {
  const lines = init.stderr.split("\n").map((l) => l.replace(/^[│╷╵]\s?/, "").trim());
  const start = lines.findIndex((l) => l.startsWith("Error:"));
  const error =
    start < 0
      ? `exit ${String(init.exitCode ?? init.signal)}`
      : lines
          .slice(start, start + 6)
          .filter((l) => l !== "")
          .join(" ");
  return {
    severity: "error",
    code: "terraform/init-failed",
    message: `stack ${job.path}: terraform init -backend=false failed: ${error}`,
    hint: `see ${log}; modules and providers must be reachable (a provider mirror or the registry), and a .terraform.lock.hcl must list every provider the stack needs (terraform init in the stack, then commit it)`,
  };
}
