/**
 * Stage 4 of a run: its session, opened once the preflight passed. The run id, the record
 * directory (created 0700, or the run ends here with nothing run), the ledger and its journal, the
 * cancellation of a stop request and of a kill, the terraform children running now, the context
 * every unit's steps share, and one runner per unit.
 */
import { join, relative } from "node:path";
import type { Config } from "../../core/config/model.ts";
import type { Diagnostic } from "../../core/errors.ts";
import { approvalAccountsOf } from "../../core/run/approvals.ts";
import type { LedgerUnit, RunHeaderEntry } from "../../core/run/ledger.ts";
import type { PlanMode } from "../../core/run/terraform-args.ts";
import type { Unit } from "../../core/units/units.ts";
import type { LoadedConfig } from "../load-config.ts";
import type { Preflight, Verification } from "./preflight-stage.ts";
import { RunLedger } from "./run-ledger.ts";
import {
  crossformDir,
  JOURNAL_FILE,
  newRunId,
  pluginCacheDirOf,
  runDir,
  unitRecordDir,
} from "./run-records.ts";
import { RunSecrets } from "./run-secrets.ts";
import type { RunDeps, RunOptions } from "./run-types.ts";
import type { RunSource } from "./source-stage.ts";
import { stop } from "./stop.ts";
import type { Stop } from "./stop.ts";
import { UnitRunner } from "./unit-runner.ts";
import type { RunningChild, UnitStepContext } from "./unit-steps.ts";

/** A run under way: what every later stage shares. */
export interface RunSession {
  readonly deps: RunDeps;
  readonly loaded: LoadedConfig;
  readonly config: Config;
  readonly units: readonly Unit[];
  readonly options: RunOptions;
  readonly runId: string;
  /** `.crossform/runs/<id>`, absolute. */
  readonly recordDir: string;
  readonly terraformVersion: string;
  /** Provider-set groups (preflight). */
  readonly groups: Map<string, string>;
  /** Units the recovery of crashed runs refused, with their failure message (preflight). */
  readonly refused: ReadonlyMap<string, string>;
  /** The accounts' verification, going on while units run (preflight). */
  readonly verification: Verification;
  readonly ledger: RunLedger;
  /** The values to redact, per unit and for the whole run. */
  readonly secrets: RunSecrets;
  /** The context of every unit's terraform steps. */
  readonly ctx: UnitStepContext;
  /** Aborted by the first stop request. */
  readonly signal: AbortSignal;
  /** Children a kill ended (their locks may still be held). */
  readonly killed: RunningChild[];
  /** What the run tells the operator with its result; stages add to it. */
  readonly diagnostics: Diagnostic[];
  /** Each unit's runner. */
  runner(unit: Unit): UnitRunner;
  /** The runner of a unit by id, once it has one. */
  runnerOf(unitId: string): UnitRunner | undefined;
  /** How the units plan: `destroy` and `drift` plan their own way. */
  readonly planMode: PlanMode;
  /** Resolves once every terraform child seen so far is journaled. */
  childrenJournaled(): Promise<void>;
  /** Removes the session's listeners. */
  close(): void;
}

/** The ledger's view of a unit: identity and placement. */
export function ledgerUnit(
  config: Config,
  configDir: string,
  runId: string,
  unit: Unit,
): LedgerUnit {
  const account = config.accounts.get(unit.account);
  return {
    id: unit.id,
    stack: unit.stack,
    account: unit.account,
    account_id: account?.id ?? "",
    ...(account ? { tier: account.tier } : {}),
    region: unit.region,
    wave: unit.wave,
    approval: approvalAccountsOf(config, unit).length > 0,
    log_path: relative(configDir, join(unitRecordDir(configDir, runId, unit.id), "log")),
  };
}

/** Creates the run's directories; a stop naming the path when the file system refuses. */
async function createRecordDirectories(
  deps: RunDeps,
  configDir: string,
  runId: string,
): Promise<Stop | undefined> {
  for (const dir of [
    crossformDir(configDir),
    runDir(configDir, runId),
    pluginCacheDirOf(configDir),
  ]) {
    try {
      await deps.writer.ensureDirectory(dir, 0o700);
    } catch (error) {
      return stop("problems", [
        {
          severity: "error",
          code: "run/record-unwritable",
          message: `cannot create the run record directory ${dir}: ${error instanceof Error ? error.message : String(error)}; nothing was run`,
          hint: "free the disk or fix the permissions of .crossform/ next to crossform.yaml, then run again",
        },
      ]);
    }
  }
  return undefined;
}

/** The header of the run's journal. */
async function journalHeader(
  deps: RunDeps,
  loaded: LoadedConfig,
  units: readonly Unit[],
  options: RunOptions,
  runId: string,
  terraformVersion: string,
  startedAt: number,
  source: RunSource,
): Promise<RunHeaderEntry> {
  const commit = source.commit;
  const self = await deps.processes.self();
  return {
    type: "run",
    v: 1,
    id: runId,
    command: options.command,
    started_at: new Date(startedAt).toISOString(),
    user: options.user,
    ...(commit ? { git_commit: commit } : {}),
    source: source.kind,
    terraform_version: terraformVersion,
    ...terraformArgsOf(options),
    selection: { stacks: options.stacks, targets: options.targets, all: options.all },
    process: { pid: self.pid, ...(self.started ? { started: self.started } : {}) },
    units: units.map((u) => ledgerUnit(loaded.config, loaded.dir, runId, u)),
  };
}

/** The terraform arguments the operator gave after `--`, as the record shows them. */
function terraformArgsOf(options: RunOptions): Pick<RunHeaderEntry, "terraform_args"> {
  const shown = options.exec?.shown ?? options.passThrough?.shown ?? [];
  return shown.length > 0 ? { terraform_args: [...shown] } : {};
}

/** Stage 4: opens the run's session, or why it could not be opened (nothing ran). */
export async function openSession(
  deps: RunDeps,
  loaded: LoadedConfig,
  units: readonly Unit[],
  options: RunOptions,
  preflight: Preflight,
  source: RunSource,
): Promise<RunSession | Stop> {
  const startedAt = deps.clock.now();
  const runId = newRunId(startedAt, deps.clock.randomSuffix());
  const refused = await createRecordDirectories(deps, loaded.dir, runId);
  if (refused) return stop(refused.exit, [...preflight.warnings, ...refused.diagnostics]);
  const recordDir = runDir(loaded.dir, runId);
  const header = await journalHeader(
    deps,
    loaded,
    units,
    options,
    runId,
    preflight.terraformVersion,
    startedAt,
    source,
  );
  // Before any unit's terraform starts: its first command may print a sensitive value.
  const { secrets, warnings: secretWarnings } = await RunSecrets.collect(
    deps,
    loaded.config,
    loaded.dir,
    units,
    options.environment ?? {},
    { ...options.passThrough?.vars, ...options.exec?.vars },
  );
  const ledger = await RunLedger.open(
    { ...deps, scrub: (value) => secrets.value(value) },
    join(recordDir, JOURNAL_FILE),
    header,
  );
  const abort = new AbortController();
  const forward = (): void => abort.abort();
  if (options.signal?.aborted) abort.abort();
  else options.signal?.addEventListener("abort", forward, { once: true });
  const running = new Set<RunningChild>();
  const killed: RunningChild[] = [];
  // In order: a child's start (its start time read from the process table) before its exit.
  let children = Promise.resolve();
  const ctx: UnitStepContext = {
    config: loaded.config,
    configDir: loaded.dir,
    fs: deps.fs,
    writer: deps.writer,
    runner: deps.runner,
    terraformVersion: preflight.terraformVersion,
    lockTimeoutSeconds: options.lockTimeoutSeconds ?? loaded.config.run.lockTimeoutSeconds,
    user: options.user,
    ...(source.root !== undefined ? { sourceRoot: source.root } : {}),
    ...(options.passThrough !== undefined ? { passThrough: options.passThrough } : {}),
    secrets,
    signal: abort.signal,
    running,
    onKilled: (child) => killed.push(child),
    onWriteProblem: (problem) => {
      const error = Object.assign(new Error(problem.message), { code: problem.code });
      ledger.noteWriteFailure(problem.path, error);
    },
    onChild: (unitId, change) => {
      children = children.then(() => journalChild(deps, ledger, unitId, change));
      return children;
    },
    ...(deps.events ? { events: deps.events } : {}),
    ...(deps.retryDelaysMs ? { retryDelaysMs: deps.retryDelaysMs } : {}),
    ...(options.kill ? { kill: options.kill } : {}),
  };
  const onStop = (): void => provisionalSummary(deps, ledger, running);
  if (abort.signal.aborted) onStop();
  else abort.signal.addEventListener("abort", onStop, { once: true });
  const runners = new Map<string, UnitRunner>();
  const session: RunSession = {
    deps,
    loaded,
    config: loaded.config,
    units,
    options,
    runId,
    recordDir,
    terraformVersion: preflight.terraformVersion,
    groups: preflight.groups,
    refused: preflight.refused,
    verification: preflight.verification,
    ledger,
    secrets,
    ctx,
    signal: abort.signal,
    killed,
    diagnostics: [...preflight.warnings, ...secretWarnings],
    planMode:
      options.command === "destroy"
        ? "destroy"
        : options.command === "drift"
          ? "refresh-only"
          : "normal",
    runner(unit) {
      let runner = runners.get(unit.id);
      if (!runner) runners.set(unit.id, (runner = new UnitRunner(session, unit)));
      return runner;
    },
    runnerOf: (unitId) => runners.get(unitId),
    childrenJournaled: () => children,
    close() {
      options.signal?.removeEventListener("abort", forward);
      abort.signal.removeEventListener("abort", onStop);
    },
  };
  return session;
}

/** Journals a terraform child of a unit, with its start time so that a reused pid is not mistaken. */
async function journalChild(
  deps: RunDeps,
  ledger: RunLedger,
  unitId: string,
  change: { kind: "started" | "exited"; command: string; pid: number; exit?: number | null },
): Promise<void> {
  if (change.kind === "exited") {
    await ledger.record(unitId, {
      event: "terraform-exited",
      command: change.command,
      pid: change.pid,
      exit: change.exit ?? null,
    });
    return;
  }
  const identity = await deps.processes.identify(change.pid).catch(() => undefined);
  await ledger.record(unitId, {
    event: "terraform-started",
    command: change.command,
    pid: change.pid,
    ...(identity?.started ? { started: identity.started } : {}),
  });
}

/** The provisional summary of a stop request: what is still running, at once. */
function provisionalSummary(deps: RunDeps, ledger: RunLedger, running: Set<RunningChild>): void {
  const children = [...running].map((c) => `${c.unitId} (${c.command})`);
  const n = children.length;
  deps.events?.emit({
    type: "message",
    code: "run.provisional-summary",
    level: "warning",
    text:
      n > 0
        ? `interrupted: ${n} terraform process${n === 1 ? "" : "es"} asked to stop: ${children.join(", ")}; no new unit starts`
        : "interrupted: no terraform process was running; no new unit starts",
  });
  void ledger.interrupted("a stop was requested");
}
