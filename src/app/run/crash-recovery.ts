/**
 * The recovery of crashed runs, the preflight's last step (docs/commands/run.md, "When crossform,
 * the terminal or the machine dies"; docs/decisions/0027-terraform-outlives-crossform.md). A run
 * whose journal has no end and whose crossform process is gone crashed; for each unit it was
 * running, the terraform process its journal names (pid and start time, so that a reused pid is not
 * mistaken):
 *
 * - still runs: a unit of this run is refused ("still running since ..., pid N"), or waited for
 *   with `--wait`; the run's other units go on, as they do when another run holds a unit's lock;
 * - is gone: how it ended (the status its relay wrote, or none when it was killed with the
 *   machine), the state lock it may have left (read from the lock object, with the exact
 *   `terraform force-unlock` command), and an `errored.tfstate` left in the unit's working
 *   directory (kept in the crashed run's record, the unit refused this once, the `terraform state
 *   push` command printed).
 *
 * Each unit is reported once: a `recovered` line in the crashed run's journal names the units
 * settled, and later runs pass them by. A unit whose terraform still runs is not settled.
 */
import { join } from "node:path";
import type { Diagnostic } from "../../core/errors.ts";
import { isBusy, readJournal } from "../../core/run/ledger.ts";
import type {
  JournalContents,
  RecoveredEntry,
  RunningChildRecord,
  UnitRecord,
} from "../../core/run/ledger.ts";
import { journalLine } from "../../core/run/ledger.ts";
import type { Unit } from "../../core/units/units.ts";
import type { ProcessIdentity } from "../../ports/process-table.ts";
import type { UnitLocation } from "../../ports/terraform-runner.ts";
import type { LoadedConfig } from "../load-config.ts";
import { lockFindings } from "./held-locks.ts";
import type { LockSuspect } from "./held-locks.ts";
import { recordWriteWarning } from "./run-ledger.ts";
import { JOURNAL_FILE, runDir, runsDir, unitRecordDir } from "./run-records.ts";
import type { RunDeps, RunOptions } from "./run-types.ts";
import { stop } from "./stop.ts";
import type { Stop } from "./stop.ts";
import { keepErroredState, unitWorkspaceSpec } from "./unit-steps.ts";

/** How often a `--wait` checks whether the process still runs. */
const WAIT_POLL_MS = 1000;

/** What the recovery found. */
export interface Recovery {
  /** Units of this run refused, with the reason (their failure message). */
  refused: Map<string, string>;
  /** What crashed runs left, for the operator (`run/lock-possibly-held` among them). */
  warnings: Diagnostic[];
}

/** A crashed run: its id, its journal's path and contents. */
interface CrashedRun {
  id: string;
  journalPath: string;
  journal: JournalContents;
}

/** The ids of the runs whose journal has no end and whose crossform process is gone. */
async function crashedRuns(deps: RunDeps, configDir: string): Promise<CrashedRun[]> {
  const dir = runsDir(configDir);
  if (!(await deps.fs.exists(dir))) return [];
  const runs: CrashedRun[] = [];
  for (const entry of await deps.fs.listDir(dir)) {
    if (!entry.isDirectory) continue;
    const record = runDir(configDir, entry.name);
    const journalPath = join(record, JOURNAL_FILE);
    if ((await deps.fs.exists(join(record, "run.json"))) || !(await deps.fs.exists(journalPath))) {
      continue;
    }
    let journal: JournalContents;
    try {
      journal = readJournal(await deps.fs.readText(journalPath));
    } catch {
      continue;
    }
    const owner = journal.header?.process;
    if (journal.end !== undefined || owner === undefined) continue;
    if (await deps.processes.isRunning(owner)) continue;
    runs.push({ id: entry.name, journalPath, journal });
  }
  return runs.sort((a, b) => (a.id < b.id ? -1 : 1));
}

/** The processes of `children` that still run. */
async function stillRunning(
  deps: RunDeps,
  children: readonly RunningChildRecord[],
): Promise<RunningChildRecord[]> {
  const running: RunningChildRecord[] = [];
  for (const child of children) {
    if (await deps.processes.isRunning(identityOf(child))) running.push(child);
  }
  return running;
}

function identityOf(child: RunningChildRecord): ProcessIdentity {
  return { pid: child.pid, ...(child.started ? { started: child.started } : {}) };
}

function iso(ms: number): string {
  return new Date(ms).toISOString();
}

/** Waits until `child` has ended; a stop request ends the wait (and the run). */
async function waitForEnd(
  deps: RunDeps,
  child: RunningChildRecord,
  what: string,
  signal: AbortSignal | undefined,
): Promise<Stop | undefined> {
  deps.events?.emit({
    type: "message",
    code: "run.waiting-for-crashed-run",
    level: "info",
    text: `${what}: waiting for it to end (--wait)`,
  });
  while (await deps.processes.isRunning(identityOf(child))) {
    if (signal?.aborted) break;
    await new Promise<void>((resolve) => {
      const timer = setTimeout(done, deps.waitPollMs ?? WAIT_POLL_MS);
      function done(): void {
        clearTimeout(timer);
        signal?.removeEventListener("abort", done);
        resolve();
      }
      signal?.addEventListener("abort", done, { once: true });
    });
  }
  if (!signal?.aborted) return undefined;
  return stop("interrupted", [
    {
      severity: "warning",
      code: "run/wait-interrupted",
      message: `interrupted while waiting: ${what}; nothing was run`,
    },
  ]);
}

/** What one unit of a crashed run left, once its terraform is gone. */
interface Settled {
  finding: string;
  /** Why a unit of this run is refused, if it is. */
  refusal?: string;
  suspect?: LockSuspect;
}

/** Where the unit's directories are; undefined when it is no longer configured or cannot be found. */
async function locate(
  deps: RunDeps,
  loaded: LoadedConfig,
  unit: Unit | undefined,
): Promise<UnitLocation | undefined> {
  if (!unit) return undefined;
  try {
    return await deps.runner.locateUnit(unitWorkspaceSpec(loaded.config, unit));
  } catch {
    return undefined;
  }
}

/** What a unit whose terraform is gone left: how it ended, errored.tfstate, the lock to check. */
async function settle(
  deps: RunDeps,
  loaded: LoadedConfig,
  run: CrashedRun,
  unitId: string,
  record: UnitRecord,
): Promise<Settled> {
  const logPath = run.journal.header?.units.find((u) => u.id === unitId)?.log_path;
  const last = record.children.at(-1);
  const unit = loaded.units.byId.get(unitId);
  const stopped = `crossform stopped (run ${run.id})`;
  if (run.journal.header?.command === "adopt") return settleAdopt(deps, loaded, run, unit, record);
  let finding: string;
  if (last === undefined) {
    finding = `${unitId}: ${stopped} between two terraform commands of the unit; none was running`;
  } else {
    const ended =
      logPath === undefined ? undefined : await deps.runner.endedCommand(join(loaded.dir, logPath));
    const how = ended
      ? `terraform went on without it and ended at ${ended.endedAt} with ${ended.exitCode !== null ? `exit ${ended.exitCode}` : `signal ${ended.signal ?? "unknown"}`}`
      : "that terraform is gone and left no exit status (it was killed, or the machine stopped)";
    finding = `${unitId}: ${stopped} while terraform ${last.command} ran (pid ${last.pid}, since ${iso(last.since)}); ${how}${logPath ? `; its log: ${logPath}` : ""}`;
  }
  const location = await locate(deps, loaded, unit);
  if (!location) return { finding };
  const settled: Settled = { finding };
  const kept = await keepErroredState(
    { fs: deps.fs, writer: deps.writer, config: loaded.config },
    location,
    unitRecordDir(loaded.dir, run.id, unitId),
  );
  if (kept !== undefined) {
    settled.finding += kept;
    settled.refusal = `terraform ${last?.command ?? "apply"} of crashed run ${run.id} could not save the state${kept}; push it before this unit runs again`;
  }
  if (last !== undefined && unit !== undefined) {
    settled.suspect = {
      unit,
      command: last.command,
      workspace: location,
      what: `terraform ${last.command} of crashed run ${run.id} (pid ${last.pid}) is gone`,
    };
  }
  return settled;
}

/**
 * A unit of a crashed `crossform adopt`: no terraform ran; while it was copying, the unit's state
 * lock (crossform's own) may be held, and the address may hold the copy or not: the adopt is run
 * again, which checks the address anew. Its source is only ever read.
 */
async function settleAdopt(
  deps: RunDeps,
  loaded: LoadedConfig,
  run: CrashedRun,
  unit: Unit | undefined,
  record: UnitRecord,
): Promise<Settled> {
  const id = unit?.id ?? "a unit";
  const copying = record.state === "applying";
  const finding = `${id}: crossform adopt stopped (run ${run.id}) while it was ${copying ? "copying the unit's state (the copy may or may not be there)" : "checking the unit's state, before writing anything"}; the source is untouched; run the adopt again: it checks the unit's address anew`;
  if (!copying || unit === undefined) return { finding };
  const location = await locate(deps, loaded, unit);
  if (!location) return { finding };
  return {
    finding,
    suspect: {
      unit,
      command: "state",
      workspace: location,
      what: `crossform adopt of crashed run ${run.id} is gone`,
    },
  };
}

/** Appends the `recovered` line to a crashed run's journal; a warning when it cannot. */
async function markRecovered(
  deps: RunDeps,
  run: CrashedRun,
  entry: RecoveredEntry,
): Promise<Diagnostic | undefined> {
  try {
    const journal = await deps.journals.open(run.journalPath, 0o600);
    try {
      await journal.append(journalLine(entry), { durable: true });
    } finally {
      await journal.close();
    }
    return undefined;
  } catch (error) {
    const warning = recordWriteWarning(run.journalPath, error);
    return {
      ...warning,
      hint: `crashed run ${run.id} will be reported again by the next run; free the disk or fix the permissions of .crossform/`,
    };
  }
}

/** The recovery step: see the module comment. */
export async function recoverCrashedRuns(
  deps: RunDeps,
  loaded: LoadedConfig,
  selected: readonly Unit[],
  options: RunOptions,
): Promise<Recovery | Stop> {
  const recovery: Recovery = { refused: new Map(), warnings: [] };
  const selectedIds = new Set(selected.map((u) => u.id));
  const suspects: LockSuspect[] = [];
  for (const run of await crashedRuns(deps, loaded.dir)) {
    const entry: RecoveredEntry = {
      type: "recovered",
      at: new Date(deps.clock.now()).toISOString(),
      units: [],
      findings: [],
    };
    for (const [unitId, record] of run.journal.records) {
      if (!isBusy(record) || run.journal.recovered.has(unitId)) continue;
      const running = await stillRunning(deps, record.children);
      const child = running.at(-1);
      if (child !== undefined) {
        const what = `terraform ${child.command} of crashed run ${run.id} is still running since ${iso(child.since)}, pid ${child.pid}`;
        if (selectedIds.has(unitId) && options.wait === true) {
          const stopped = await waitForEnd(deps, child, `${unitId}: ${what}`, options.signal);
          if (stopped) return stop(stopped.exit, [...recovery.warnings, ...stopped.diagnostics]);
        } else {
          const hint = `its crossform was stopped, and it goes on without it: wait for it (run again with --wait), or stop it gracefully: kill -INT -${child.pid}`;
          if (selectedIds.has(unitId)) recovery.refused.set(unitId, `${what}; ${hint}`);
          else
            recovery.warnings.push({
              severity: "warning",
              code: "run/crashed-run-still-running",
              message: `${unitId}: ${what}`,
              hint,
            });
          continue;
        }
      }
      const settled = await settle(deps, loaded, run, unitId, record);
      recovery.warnings.push({
        severity: "warning",
        code: "run/crashed-run",
        message: settled.finding,
        hint: `\`crossform runs ${run.id}\` shows what the crashed run's units were doing`,
      });
      if (settled.refusal !== undefined && selectedIds.has(unitId))
        recovery.refused.set(unitId, settled.refusal);
      if (settled.suspect) suspects.push(settled.suspect);
      entry.units.push(unitId);
      entry.findings.push(settled.finding);
    }
    if (entry.units.length > 0) {
      const failed = await markRecovered(deps, run, entry);
      if (failed) recovery.warnings.push(failed);
    }
  }
  const locks = await lockFindings(deps.aws, loaded.config, suspects, options.user);
  recovery.warnings.push(...locks.held);
  for (const text of locks.released)
    deps.events?.emit({ type: "message", code: "run.lock-released", level: "info", text });
  return recovery;
}
