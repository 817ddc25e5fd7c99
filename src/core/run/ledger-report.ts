/**
 * A run report rendered from the ledger: each unit's status follows from its record and the
 * command, once, when the report is made; nothing rewrites a report afterwards. The same function
 * renders a finished run and the journal of a run whose process died (`crashed`).
 */
import type { OutputValue, PlanSummary } from "../plan/plan-summary.ts";
import { createRunReport, emptyCounts, unitFieldsFromPlan } from "../report/run-report.ts";
import type {
  RecordedCommand,
  RunReport,
  RunState,
  UnitReport,
  UnitStatus,
  WaveReport,
} from "../report/run-report.ts";
import { pendingRecord } from "./ledger.ts";
import type { LedgerUnit, RunHeaderEntry, UnitRecord } from "./ledger.ts";

/** What a report is made of. */
export interface LedgerReportInput {
  header: RunHeaderEntry;
  records: ReadonlyMap<string, UnitRecord>;
  /** Full plan summaries of the live run (a journal holds counts only). */
  summaries?: ReadonlyMap<string, PlanSummary>;
  /** `output`: each unit's outputs, redacted. */
  outputs?: ReadonlyMap<string, OutputValue[]>;
  waves: WaveReport[];
  interrupted: boolean;
  /** ISO time of the end (for a crashed run: of its last journal entry). */
  finishedAt: string;
  /** Absent for a run that ended; `crashed` or `running` for a journal without an end. */
  state?: RunState;
}

const BUSY_WORDS: Partial<Record<UnitRecord["state"], string>> = {
  planning: "planning",
  reading: "reading its outputs",
  applying: "applying",
  executing: "running terraform",
};

/** A unit's status, reason and error from its record. */
function outcomeOf(
  record: UnitRecord,
  command: RecordedCommand,
  state: RunState | undefined,
): Pick<UnitReport, "status" | "reason" | "error"> {
  const mutating = command === "apply" || command === "destroy";
  const status = (s: UnitStatus, reason?: string): Pick<UnitReport, "status" | "reason"> =>
    reason === undefined ? { status: s } : { status: s, reason };
  switch (record.state) {
    case "pending":
      return status(
        "not-started",
        state === "crashed" ? "not started before crossform stopped" : "not run",
      );
    case "planning":
    case "reading":
    case "applying":
    case "executing": {
      const doing = BUSY_WORDS[record.state] ?? record.state;
      const pids = record.children.map((c) => `terraform ${c.command}, pid ${c.pid}`);
      if (state === "crashed")
        return status(
          "interrupted",
          `crossform stopped while it was ${doing}${pids.length ? ` (${pids.join("; ")})` : ""}`,
        );
      if (state === "running") return status("interrupted", `still ${doing}`);
      return status("interrupted", `interrupted while ${doing}`);
    }
    case "planned":
      return mutating && record.planChanges
        ? status("not-started", `planned, not ${command === "destroy" ? "destroyed" : "applied"}`)
        : status("succeeded");
    case "read":
    case "applied":
    case "executed":
      return status("succeeded");
    case "failed":
      return { status: "failed", error: { message: record.error ?? "failed" } };
    case "not-applied":
      return status("not-started", record.reason);
    default:
      return status(record.state, record.reason);
  }
}

/** One unit's report. */
function unitReport(
  unit: LedgerUnit,
  record: UnitRecord,
  input: LedgerReportInput,
  command: RecordedCommand,
): UnitReport {
  const summary = input.summaries?.get(unit.id);
  const planFields = summary
    ? unitFieldsFromPlan(summary, command)
    : record.counts
      ? {
          summary: { ...emptyCounts(), ...record.counts },
          changes: [],
          drifted: [],
          outputs_changed: [],
          has_changes: record.planChanges,
        }
      : undefined;
  const outcome = outcomeOf(record, command, input.state);
  const planned = record.planChanges || (planFields?.has_changes ?? false);
  const applied = record.state === "applied";
  const hasChanges =
    outcome.status === "succeeded"
      ? applied
        ? record.appliedChanges
        : planned
      : outcome.status === "not-started" && planFields !== undefined
        ? planned
        : false;
  const outputs = input.outputs?.get(unit.id);
  return {
    id: unit.id,
    stack: unit.stack,
    account: unit.account,
    account_id: unit.account_id,
    ...(unit.tier !== undefined ? { tier: unit.tier } : {}),
    region: unit.region,
    wave: unit.wave,
    approval: unit.approval,
    changes: [],
    drifted: [],
    outputs_changed: [],
    ...(planFields ?? {}),
    ...outcome,
    has_changes: hasChanges,
    ...(outputs ? { outputs } : {}),
    ...(typeof record.exitCode === "number" ? { exit_code: record.exitCode } : {}),
    log_path: unit.log_path,
    duration_ms: record.elapsedMs,
  };
}

/** The report of a run, from its ledger. */
export function reportFromLedger(input: LedgerReportInput): RunReport {
  const { header } = input;
  const started = Date.parse(header.started_at);
  const finished = Date.parse(input.finishedAt);
  const units = header.units.map((unit) =>
    unitReport(unit, input.records.get(unit.id) ?? pendingRecord(), input, header.command),
  );
  return createRunReport({
    run: {
      id: header.id,
      command: header.command,
      started_at: header.started_at,
      finished_at: input.finishedAt,
      duration_ms: Number.isFinite(finished - started) ? Math.max(0, finished - started) : 0,
      ...(header.user !== undefined ? { user: header.user } : {}),
      ...(header.git_commit !== undefined ? { git_commit: header.git_commit } : {}),
      ...(header.source !== undefined ? { source: header.source } : {}),
      ...(header.terraform_args !== undefined ? { terraform_args: header.terraform_args } : {}),
      terraform_version: header.terraform_version,
      selection: header.selection,
      interrupted: input.interrupted,
      ...(input.state !== undefined ? { state: input.state } : {}),
    },
    units,
    waves: input.waves,
  });
}
