/**
 * The run ledger (docs/decisions/0019-run-stages-and-ledger.md): the only place a run's outcomes
 * live. Every change of a unit's state is applied here and appended to the run's journal
 * (`.crossform/runs/<id>/journal.jsonl`) before the unit takes its next step, so that a run whose
 * process died leaves a true account of what each unit was doing. Reports are rendered from it.
 *
 * A journal that cannot be written (a read-only or full disk) never stops the run: the ledger goes
 * on in memory, and the failure is one warning naming the path and the error.
 */
import type { Diagnostic } from "../../core/errors.ts";
import type { OutputValue, PlanSummary } from "../../core/plan/plan-summary.ts";
import type { RunReport, WaveReport } from "../../core/report/run-report.ts";
import { applyUnitEvent, journalLine, pendingRecord } from "../../core/run/ledger.ts";
import type { JournalEntry, RunHeaderEntry, UnitEvent, UnitRecord } from "../../core/run/ledger.ts";
import { reportFromLedger } from "../../core/run/ledger-report.ts";
import type { Clock } from "../../ports/clock.ts";
import type { EventSink } from "../../ports/event-sink.ts";
import type { JournalFiles, JournalHandle } from "../../ports/journal.ts";

/** What the ledger needs. */
export interface LedgerDeps {
  journals: JournalFiles;
  clock: Clock;
  events?: EventSink;
  /**
   * Redacts the run's secrets from a journal entry or a report before it leaves the ledger.
   * @default no redaction
   */
  scrub?: <T>(value: T) => T;
}

/** The system's error code (`ENOSPC`, `EROFS`, ...) of an error or of its cause. */
function errnoOf(error: unknown): { code: string; text: string } | undefined {
  for (let e: unknown = error, depth = 0; e instanceof Error && depth < 4; depth += 1) {
    const code = (e as { code?: unknown }).code;
    if (typeof code === "string" && /^E[A-Z]+$/.test(code)) {
      // Node's text is `ENOSPC: no space left on device, write`: keep the words, not the call.
      const words = new RegExp(`${code}: ([^,]+)`).exec(e.message)?.[1];
      return { code, text: words ?? e.message };
    }
    e = (e as { cause?: unknown }).cause;
  }
  return undefined;
}

/** Why a record file could not be written: the path and the system's words. */
export function recordWriteWarning(path: string, error: unknown): Diagnostic {
  const errno = errnoOf(error);
  const reason = errno
    ? `${errno.code}: ${errno.text}`
    : error instanceof Error
      ? error.message
      : String(error);
  return {
    severity: "warning",
    code: "run/record-write-failed",
    message: `could not write the run record ${path}: ${reason}`,
    hint: "the summary is complete; free the disk or fix the permissions of .crossform/ before the next run",
  };
}

/** The outcomes of one run, journaled as they happen. */
export class RunLedger {
  readonly header: RunHeaderEntry;
  private readonly deps: LedgerDeps;
  private readonly path: string;
  private readonly records = new Map<string, UnitRecord>();
  private readonly summaries = new Map<string, PlanSummary>();
  private readonly outputs = new Map<string, OutputValue[]>();
  private journal: JournalHandle | undefined;
  private waves: WaveReport[] = [];
  private interruptedBy: string | undefined;
  private readonly failures: Diagnostic[] = [];

  private constructor(deps: LedgerDeps, path: string, header: RunHeaderEntry) {
    this.deps = deps;
    this.path = path;
    this.header = header;
    for (const unit of header.units) this.records.set(unit.id, pendingRecord());
  }

  /** Opens the journal at `path` (0600) and writes its header, durably. */
  static async open(deps: LedgerDeps, path: string, header: RunHeaderEntry): Promise<RunLedger> {
    const ledger = new RunLedger(deps, path, header);
    try {
      ledger.journal = await deps.journals.open(path, 0o600);
    } catch (error) {
      ledger.writeFailed(error);
      return ledger;
    }
    await ledger.append({ ...header }, true);
    return ledger;
  }

  /** Where a unit stands now. */
  get(unitId: string): UnitRecord | undefined {
    return this.records.get(unitId);
  }

  /**
   * Applies a unit's event and appends it to the journal; resolves once the line is written
   * (`durable`: flushed to disk). Never rejects.
   */
  record(unitId: string, event: UnitEvent, options: { durable?: boolean } = {}): Promise<void> {
    const record = this.records.get(unitId);
    if (!record) return Promise.resolve();
    const at = this.deps.clock.now();
    const scrubbed = this.scrub(event);
    applyUnitEvent(record, scrubbed, at);
    const entry = { type: "unit", at: new Date(at).toISOString(), unit: unitId, ...scrubbed };
    return this.append(entry as JournalEntry, options.durable === true);
  }

  /** Keeps a unit's full plan summary (already redacted) for the report. */
  setSummary(unitId: string, summary: PlanSummary): void {
    this.summaries.set(unitId, summary);
  }

  /** Keeps a unit's outputs (already redacted) for the report. */
  setOutputs(unitId: string, outputs: OutputValue[]): void {
    this.outputs.set(unitId, outputs);
  }

  /** The waves of a phase as they ended. */
  setWaves(phase: string, waves: WaveReport[]): Promise<void> {
    this.waves = waves;
    return this.append({ type: "waves", at: this.now(), phase, waves }, false);
  }

  /** The run was asked to stop. */
  interrupted(reason: string): Promise<void> {
    this.interruptedBy ??= reason;
    return this.append({ type: "interrupted", at: this.now(), reason }, true);
  }

  /** Whether the run was asked to stop. */
  get wasInterrupted(): boolean {
    return this.interruptedBy !== undefined;
  }

  /** The report of the run as the ledger has it now. */
  report(): RunReport {
    return this.scrub(
      reportFromLedger({
        header: this.header,
        records: this.records,
        summaries: this.summaries,
        outputs: this.outputs,
        waves: this.waves,
        interrupted: this.interruptedBy !== undefined,
        finishedAt: this.now(),
      }),
    );
  }

  /**
   * The report of the units' plans as a plan run would show them (what the operator confirms),
   * all units when `unitIds` is absent.
   */
  planReport(unitIds?: readonly string[]): RunReport {
    const wanted = unitIds === undefined ? undefined : new Set(unitIds);
    return this.scrub(
      reportFromLedger({
        header: {
          ...this.header,
          command: "plan",
          units: this.header.units.filter((u) => wanted === undefined || wanted.has(u.id)),
        },
        records: this.records,
        summaries: this.summaries,
        waves: this.waves,
        interrupted: false,
        finishedAt: this.now(),
      }),
    );
  }

  /** Writes the journal's last line (the run's exit) and closes it. */
  async end(exit: string): Promise<void> {
    await this.append({ type: "end", at: this.now(), exit }, true);
    try {
      await this.journal?.close();
    } catch (error) {
      this.writeFailed(error);
    }
    this.journal = undefined;
  }

  /** The warnings of record files that could not be written (at most one per path). */
  get problems(): readonly Diagnostic[] {
    return this.failures;
  }

  /** Records the failure to write a record file (once per path); shown with the result. */
  noteWriteFailure(path: string, error: unknown): Diagnostic | undefined {
    if (this.failures.some((d) => d.message.includes(`record ${path}:`))) return undefined;
    const warning = recordWriteWarning(path, error);
    this.failures.push(warning);
    return warning;
  }

  private scrub<T>(value: T): T {
    return this.deps.scrub ? this.deps.scrub(value) : value;
  }

  private now(): string {
    return new Date(this.deps.clock.now()).toISOString();
  }

  private async append(entry: JournalEntry, durable: boolean): Promise<void> {
    if (!this.journal) return;
    try {
      await this.journal.append(journalLine(entry), { durable });
    } catch (error) {
      this.writeFailed(error);
    }
  }

  /** The journal failed: the run goes on without crash safety, and the operator learns it now. */
  private writeFailed(error: unknown): void {
    const warning = this.noteWriteFailure(this.path, error);
    if (!warning) return;
    this.deps.events?.emit({
      type: "message",
      code: "run.record-write-failed",
      level: "warning",
      text: `${warning.message}; the run goes on, but a crash now would leave no account of it`,
    });
  }
}
