/**
 * The run ledger, pure part: what each unit of a run is doing and how it ended, changed only by
 * {@link UnitEvent}s, and the journal lines that record those events in the run record as they
 * happen (docs/decisions/0019-run-stages-and-ledger.md). The same reducer serves the live run and
 * the reading of a journal a dead process left behind, so both tell one story.
 */
import type {
  ReportSelection,
  RecordedCommand,
  RunSource,
  UnitCounts,
  UnitReport,
  WaveReport,
} from "../report/run-report.ts";

/** A unit as every report of it names it: identity and placement, no outcome. */
export type LedgerUnit = Pick<
  UnitReport,
  "id" | "stack" | "account" | "account_id" | "tier" | "region" | "wave" | "approval"
> & {
  /** Its log, relative to the config directory. */
  log_path: string;
};

/**
 * What a unit's runner is doing: its first plan, a plan again before its apply, the apply, output,
 * or the terraform command of `crossform exec`.
 */
export type UnitStep = "plan" | "replan" | "apply" | "output" | "exec";

/** A terraform process of a unit, as the journal names it (to find it again after a crash). */
export interface ChildProcessRecord {
  /** The terraform subcommand: `init`, `plan`, `apply`, ... */
  command: string;
  pid: number;
  /** The process's start time as the process table tells it, so that a reused pid is not mistaken. */
  started?: string;
}

/** A terraform process a unit is running, as the ledger keeps it. */
export interface RunningChildRecord extends ChildProcessRecord {
  /** Clock value (milliseconds) of the journal line that recorded its start. */
  since: number;
}

/** One change of a unit's state. */
export type UnitEvent =
  | { event: "started"; step: UnitStep }
  | ({ event: "terraform-started" } & ChildProcessRecord)
  | { event: "terraform-exited"; command: string; pid: number; exit: number | null }
  | { event: "planned"; has_changes: boolean; counts: UnitCounts }
  | { event: "outputs-read"; count: number }
  | { event: "applying" }
  | { event: "applied"; changes: boolean }
  /**
   * `crossform exec`: the operator's terraform command ended with this exit code (null: ended by a
   * signal); a code other than 0 comes with terraform's error text.
   */
  | { event: "executed"; exit: number | null; error?: string }
  | { event: "failed"; error: string }
  | {
      event: "blocked" | "interrupted" | "needs-replan" | "skipped" | "not-started" | "not-applied";
      reason: string;
    };

/** Where a unit stands. */
export type UnitState =
  | "pending"
  | "planning"
  | "reading"
  | "planned"
  | "applying"
  | "applied"
  | "read"
  | "executing"
  | "executed"
  | "failed"
  | "blocked"
  | "interrupted"
  | "needs-replan"
  | "skipped"
  | "not-started"
  | "not-applied";

/** A unit's place in the ledger. */
export interface UnitRecord {
  state: UnitState;
  /** The step last started. */
  step?: UnitStep;
  /** Whether its last plan has changes. */
  planChanges: boolean;
  /** Counts of its last plan. */
  counts?: UnitCounts;
  /** Whether its apply made changes. */
  appliedChanges: boolean;
  /** `crossform exec`: the exit code of the operator's command (null: ended by a signal). */
  exitCode?: number | null;
  error?: string;
  reason?: string;
  /** Clock value when the step now running started; undefined when none runs. */
  activeSince?: number;
  /** Time spent in its steps, over every phase. */
  elapsedMs: number;
  /** The terraform processes running now. */
  children: RunningChildRecord[];
}

/** The first line of a journal: the run and its units. */
export interface RunHeaderEntry {
  type: "run";
  v: 1;
  id: string;
  command: RecordedCommand;
  started_at: string;
  user?: string;
  git_commit?: string;
  /** What the units read: a checkout of `git_commit`, or the working tree (RunInfo.source). */
  source?: RunSource;
  /** The terraform arguments given after `--`, `-var` values left out (RunInfo.terraform_args). */
  terraform_args?: string[];
  terraform_version: string;
  selection: ReportSelection;
  /** The crossform process that runs it. */
  process: { pid: number; started?: string };
  units: LedgerUnit[];
}

/** A unit's event, timed. */
export type UnitEntry = { type: "unit"; at: string; unit: string } & UnitEvent;

/** The waves of a phase, as they ended. */
export interface WavesEntry {
  type: "waves";
  at: string;
  phase: string;
  waves: WaveReport[];
}

/** The run was asked to stop. */
export interface InterruptedEntry {
  type: "interrupted";
  at: string;
  reason: string;
}

/**
 * A later run looked at this crashed run's units (docs/commands/run.md, "When crossform, the
 * terminal or the machine dies") and reported what it found; those units are not reported again.
 */
export interface RecoveredEntry {
  type: "recovered";
  at: string;
  /** The units settled: their terraform process is gone and what it left was reported. */
  units: string[];
  /** What was found, one line per unit. */
  findings: string[];
}

/** The run ended; its last line. */
export interface EndEntry {
  type: "end";
  at: string;
  /** The name of its exit code (core/exit-codes.ts). */
  exit: string;
}

/** One line of a journal. */
export type JournalEntry =
  RunHeaderEntry | UnitEntry | WavesEntry | InterruptedEntry | RecoveredEntry | EndEntry;

/** A fresh record. */
export function pendingRecord(): UnitRecord {
  return {
    state: "pending",
    planChanges: false,
    appliedChanges: false,
    elapsedMs: 0,
    children: [],
  };
}

/** The step running ends at `at`: its time is added. */
function endStep(record: UnitRecord, at: number): void {
  if (record.activeSince !== undefined) record.elapsedMs += Math.max(0, at - record.activeSince);
  record.activeSince = undefined;
  record.children = [];
}

/**
 * The record after `event` at clock value `at` (milliseconds). Mutates and returns `record`;
 * events that do not fit its state are still applied (the journal tells what happened, in order).
 */
export function applyUnitEvent(record: UnitRecord, event: UnitEvent, at: number): UnitRecord {
  switch (event.event) {
    case "started":
      record.step = event.step;
      if (event.step === "output") record.state = "reading";
      else if (event.step === "exec") record.state = "executing";
      else if (event.step !== "apply") record.state = "planning";
      record.activeSince ??= at;
      record.error = undefined;
      record.reason = undefined;
      return record;
    case "terraform-started":
      record.children = [
        ...record.children.filter((c) => c.pid !== event.pid),
        {
          command: event.command,
          pid: event.pid,
          ...(event.started ? { started: event.started } : {}),
          since: at,
        },
      ];
      return record;
    case "terraform-exited":
      record.children = record.children.filter((c) => c.pid !== event.pid);
      return record;
    case "planned":
      record.state = "planned";
      record.planChanges = event.has_changes;
      record.counts = event.counts;
      if (record.step === "plan") endStep(record, at);
      return record;
    case "outputs-read":
      record.state = "read";
      endStep(record, at);
      return record;
    case "applying":
      record.state = "applying";
      return record;
    case "applied":
      record.state = "applied";
      record.appliedChanges = event.changes;
      endStep(record, at);
      return record;
    case "executed":
      record.state = event.exit === 0 ? "executed" : "failed";
      record.exitCode = event.exit;
      if (event.error !== undefined) record.error = event.error;
      endStep(record, at);
      return record;
    case "failed":
      record.state = "failed";
      record.error = event.error;
      endStep(record, at);
      return record;
    default:
      record.state = event.event;
      record.reason = event.reason;
      endStep(record, at);
      return record;
  }
}

/** Whether a unit's record says it is busy (a step started and not ended). */
export function isBusy(record: UnitRecord): boolean {
  return (
    record.state === "planning" ||
    record.state === "reading" ||
    record.state === "applying" ||
    record.state === "executing"
  );
}

/** One journal line: the entry as JSON and a newline. */
export function journalLine(entry: JournalEntry): string {
  return `${JSON.stringify(entry)}\n`;
}

/** What a journal says. */
export interface JournalContents {
  header: RunHeaderEntry | undefined;
  records: Map<string, UnitRecord>;
  /** The waves of the last phase that recorded them. */
  waves: WaveReport[];
  interrupted: string | undefined;
  end: EndEntry | undefined;
  /** When the last entry was written (ISO), or undefined for an empty journal. */
  lastAt: string | undefined;
  /** Lines that could not be read (a line torn by a crash is the usual one). */
  unreadableLines: number;
  /** Units a later run has recovered (`recovered` lines). */
  recovered: Set<string>;
}

/**
 * Reads a journal's text: every whole line replayed through {@link applyUnitEvent}. A line that is
 * not JSON (the last one, torn by a crash mid-write) is counted, not fatal.
 */
export function readJournal(text: string): JournalContents {
  const contents: JournalContents = {
    header: undefined,
    records: new Map(),
    waves: [],
    interrupted: undefined,
    end: undefined,
    lastAt: undefined,
    unreadableLines: 0,
    recovered: new Set(),
  };
  for (const line of text.split("\n")) {
    if (line.trim() === "") continue;
    let entry: JournalEntry;
    try {
      entry = JSON.parse(line) as JournalEntry;
    } catch {
      contents.unreadableLines += 1;
      continue;
    }
    if (typeof entry !== "object" || entry === null || typeof entry.type !== "string") {
      contents.unreadableLines += 1;
      continue;
    }
    readEntry(contents, entry);
  }
  return contents;
}

function readEntry(contents: JournalContents, entry: JournalEntry): void {
  switch (entry.type) {
    case "run":
      contents.header = entry;
      for (const unit of entry.units ?? []) contents.records.set(unit.id, pendingRecord());
      contents.lastAt = entry.started_at;
      return;
    case "unit": {
      const record = contents.records.get(entry.unit);
      if (record) applyUnitEvent(record, entry, Date.parse(entry.at));
      contents.lastAt = entry.at;
      return;
    }
    case "waves":
      contents.waves = entry.waves;
      contents.lastAt = entry.at;
      return;
    case "interrupted":
      contents.interrupted = entry.reason;
      contents.lastAt = entry.at;
      return;
    case "recovered":
      for (const unit of entry.units ?? []) contents.recovered.add(unit);
      return;
    case "end":
      contents.end = entry;
      contents.lastAt = entry.at;
      return;
  }
}
