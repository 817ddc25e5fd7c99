/**
 * The run record of an adopt run, kept like any run's (docs/commands/adopt.md, "The record"):
 * `.crossform/runs/<id>/` (0700) with `journal.jsonl` (each unit's steps as they happen, so that a
 * killed adopt leaves a true account), `run.json` (the run report `crossform runs` lists),
 * `adopt.json` (the adopt report), and per unit `units/<unit>/log` (what was read, checked and
 * written) and, with `--force`, `replaced.tfstate` (the state the copy replaced). Files 0600. A
 * state's values never enter the journal, the logs or the reports: only addresses, lineage,
 * serial, counts and account ids.
 */
import { join, relative } from "node:path";
import { adoptExit } from "../../core/adopt/adopt-report.ts";
import type { AdoptReport } from "../../core/adopt/adopt-report.ts";
import type { Config } from "../../core/config/model.ts";
import type { Diagnostic } from "../../core/errors.ts";
import type { RunReport } from "../../core/report/run-report.ts";
import type { UnitEvent } from "../../core/run/ledger.ts";
import type { Unit } from "../../core/units/units.ts";
import type { Clock } from "../../ports/clock.ts";
import type { FileWriter } from "../../ports/file-writer.ts";
import type { JournalFiles } from "../../ports/journal.ts";
import type { ProcessTable } from "../../ports/process-table.ts";
import { RunLedger } from "../run/run-ledger.ts";
import {
  crossformDir,
  JOURNAL_FILE,
  newRunId,
  runDir,
  saveRunReport,
  unitRecordDir,
  writeJson,
} from "../run/run-records.ts";
import { ledgerUnit } from "../run/session.ts";

/** What the record needs. */
export interface AdoptRecordDeps {
  writer: FileWriter;
  clock: Clock;
  journals: JournalFiles;
  processes: ProcessTable;
}

/** The record of one adopt run, open. */
export class AdoptRecord {
  readonly runId: string;
  /** `.crossform/runs/<id>`, absolute. */
  readonly dir: string;
  private readonly deps: AdoptRecordDeps;
  private readonly configDir: string;
  private readonly ledger: RunLedger;
  private readonly logs = new Map<string, string[]>();

  private constructor(deps: AdoptRecordDeps, configDir: string, runId: string, ledger: RunLedger) {
    this.deps = deps;
    this.configDir = configDir;
    this.runId = runId;
    this.dir = runDir(configDir, runId);
    this.ledger = ledger;
  }

  /** Creates the record directory and the journal's header; a diagnostic when the disk refuses. */
  static async open(
    deps: AdoptRecordDeps,
    config: Config,
    configDir: string,
    units: readonly Unit[],
    user: string,
  ): Promise<AdoptRecord | Diagnostic> {
    const started = deps.clock.now();
    const runId = newRunId(started, deps.clock.randomSuffix());
    for (const dir of [crossformDir(configDir), runDir(configDir, runId)]) {
      try {
        await deps.writer.ensureDirectory(dir, 0o700);
      } catch (error) {
        return {
          severity: "error",
          code: "run/record-unwritable",
          message: `cannot create the run record directory ${dir}: ${error instanceof Error ? error.message : String(error)}; nothing was read or written`,
          hint: "free the disk or fix the permissions of .crossform/ next to crossform.yaml, then run again",
        };
      }
    }
    const self = await deps.processes.self();
    const ledger = await RunLedger.open(
      { journals: deps.journals, clock: deps.clock },
      join(runDir(configDir, runId), JOURNAL_FILE),
      {
        type: "run",
        v: 1,
        id: runId,
        command: "adopt",
        started_at: new Date(started).toISOString(),
        user,
        terraform_version: "",
        selection: { stacks: [], targets: units.map((u) => u.id), all: false },
        process: { pid: self.pid, ...(self.started ? { started: self.started } : {}) },
        units: units.map((u) => ledgerUnit(config, configDir, runId, u)),
      },
    );
    return new AdoptRecord(deps, configDir, runId, ledger);
  }

  /** Journals a unit's step (durably: a kill right after leaves it on disk). */
  step(unitId: string, event: UnitEvent): Promise<void> {
    return this.ledger.record(unitId, event, { durable: true });
  }

  /** Adds a line to the unit's log (written with {@link AdoptRecord.finish}). */
  log(unitId: string, line: string): void {
    const at = new Date(this.deps.clock.now()).toISOString();
    const lines = this.logs.get(unitId) ?? [];
    lines.push(`${at} ${line}`);
    this.logs.set(unitId, lines);
  }

  /** Keeps a state the copy is about to replace; its path relative to the config directory. */
  async keepReplaced(unitId: string, text: string): Promise<string> {
    const path = join(unitRecordDir(this.configDir, this.runId, unitId), "replaced.tfstate");
    await this.deps.writer.writeAtomic(path, text, { mode: 0o600, directoryMode: 0o700 });
    return relative(this.configDir, path);
  }

  /**
   * Writes the units' logs, `adopt.json` and `run.json`, and ends the journal. A file that cannot
   * be written is a warning naming it: the report is complete whatever the disk does.
   */
  async finish(report: AdoptReport): Promise<{ run: RunReport; warnings: readonly Diagnostic[] }> {
    for (const [unitId, lines] of this.logs) {
      const path = join(unitRecordDir(this.configDir, this.runId, unitId), "log");
      await this.write(path, () =>
        this.deps.writer.writeAtomic(path, `${lines.join("\n")}\n`, {
          mode: 0o600,
          directoryMode: 0o700,
        }),
      );
    }
    const adoptPath = join(this.dir, "adopt.json");
    await this.write(adoptPath, () => writeJson(this.deps.writer, adoptPath, report));
    const run = this.ledger.report();
    await this.write(join(this.dir, "run.json"), () =>
      saveRunReport(this.deps.writer, this.configDir, run),
    );
    await this.ledger.end(adoptExit(report));
    return { run, warnings: this.ledger.problems };
  }

  private async write(path: string, run: () => Promise<unknown>): Promise<void> {
    try {
      await run();
    } catch (error) {
      this.ledger.noteWriteFailure(path, error);
    }
  }
}
