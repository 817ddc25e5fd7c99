/**
 * The report of a run (plan, apply, destroy, drift, output): what the run record keeps as
 * `report.json`, what `crossform report <run>` renders again, and what the formatters (terminal
 * table, Markdown, JSON) draw. Its JSON shape is versioned (`version: 1`, snake_case keys). Only
 * redacted plan summaries go in: a report never holds a sensitive value. Also the exit-code
 * decision of docs/contract.md section 6.
 */
import { z } from "zod";
import { CrossformError } from "../errors.ts";
import { exitCodeOf } from "../exit-codes.ts";
import type { ExitName } from "../exit-codes.ts";
import { planHasChanges } from "../plan/plan-summary.ts";
import type { OutputValue, PlanSummary, ResourceAction } from "../plan/plan-summary.ts";
import type { WaveResult, WaveStatus } from "../run/scheduler.ts";
import type { TaskOutcome } from "../run/task-outcome.ts";

/** The run commands, and `exec` (an operator's terraform command in each unit). */
export type RunCommand = "plan" | "apply" | "destroy" | "drift" | "output" | "exec";

/**
 * Every command whose runs are recorded under `.crossform/runs/`: the run commands, and `adopt`
 * (docs/commands/adopt.md), which copies states and runs no terraform.
 */
export type RecordedCommand = RunCommand | "adopt";

/**
 * How a unit ended. `succeeded` (see `has_changes`), `failed`, `blocked` (e.g. a dependency has no
 * state yet: changes pending, not a failure), `skipped` (a dependency failed or was blocked),
 * `not-started` (cancelled, or its wave or an earlier one halted), `interrupted` (running when the
 * run was cancelled), `needs-replan` (`apply --run`: the saved plan is stale or no longer bound).
 */
export type UnitStatus =
  "succeeded" | "failed" | "blocked" | "skipped" | "not-started" | "interrupted" | "needs-replan";

/** Which units the run selected, as the operator asked. */
export interface ReportSelection {
  /** Positional `STACK...` arguments. */
  stacks: string[];
  /** `--target` selectors, as typed. */
  targets: string[];
  /** Whether `--all` was given. */
  all: boolean;
}

/** What the units of a run read: a checkout of a commit, or the working tree. */
export type RunSource = "commit" | "working-tree";

/**
 * A run without an end in its record: `crossform runs` found only its journal. `crashed`: the
 * process that ran it is gone; `running`: it still runs.
 */
export type RunState = "crashed" | "running";

/** The run as a whole. */
export interface RunInfo {
  id: string;
  command: RecordedCommand;
  /** ISO 8601 timestamps, taken by the caller (the core has no clock). */
  started_at: string;
  finished_at: string;
  duration_ms: number;
  user?: string;
  git_commit?: string;
  /**
   * What the units read: `commit`, a checkout of `git_commit` (an apply: an edit made while it
   * ran reached no unit); `working-tree`, the files on disk (`apply --allow-dirty`, and the other
   * commands). Absent in reports written before crossform recorded it.
   */
  source?: RunSource;
  terraform_version?: string;
  /**
   * The terraform arguments given after `--`: the pass-through flags of plan, apply and destroy,
   * or the command of `exec`; `-var` values are left out (`-var=name=…`). Absent without `--`.
   */
  terraform_args?: string[];
  selection: ReportSelection;
  /** Whether the run was cancelled (a signal, a CI cancel). */
  interrupted: boolean;
  /** Set only for a run read back from its journal because it has no end: see {@link RunState}. */
  state?: RunState;
}

/** A unit's counts, from its plan summary. */
export interface UnitCounts {
  add: number;
  change: number;
  destroy: number;
  replace: number;
  moved: number;
  imported: number;
  forget: number;
  drift: number;
  outputs_changed: number;
}

/** One resource that changes (or drifted), names only: no attribute values. */
export interface ReportResourceChange {
  address: string;
  previous_address?: string;
  action: ResourceAction;
  importing: boolean;
  /** Names of the changed top-level attributes. */
  attributes: string[];
  /** Attributes that force a replacement. */
  replaced_by: string[];
}

/** One changed root output; values already redacted (`(sensitive)`). */
export interface ReportOutputChange {
  name: string;
  action: "create" | "update" | "delete";
  before: unknown;
  after: unknown;
  sensitive: boolean;
}

/** An error as a report carries it. */
export interface ReportError {
  code?: string;
  message: string;
  hint?: string;
}

/** One unit of the run. */
export interface UnitReport {
  id: string;
  stack: string;
  account: string;
  account_id: string;
  /**
   * The tier of the unit's account (a multi-account unit: its home's). Absent in reports written
   * before crossform recorded it.
   */
  tier?: string;
  region: string;
  /** Wave index. */
  wave: number;
  /** Whether the unit's accounts need approval (`approval: required`). */
  approval: boolean;
  status: UnitStatus;
  /** Whether it found (plan, drift) or made (apply, destroy) changes. */
  has_changes: boolean;
  /** Counts, when the unit got as far as a plan. */
  summary?: UnitCounts;
  /** Whether its plan errored (Terraform's `errored`). */
  errored?: boolean;
  changes: ReportResourceChange[];
  drifted: ReportResourceChange[];
  outputs_changed: ReportOutputChange[];
  /** `output` command: the unit's outputs, redacted. */
  outputs?: OutputValue[];
  /** `exec`: the exit code of the terraform command (absent when it did not run, or a signal ended it). */
  exit_code?: number;
  /** Why it failed. */
  error?: ReportError;
  /** Why it is blocked, skipped, not started, interrupted or needs a re-plan. */
  reason?: string;
  /** Its log file, relative to the config directory. */
  log_path?: string;
  duration_ms: number;
}

/** One wave of the run, with its ring progress. */
export interface WaveReport {
  index: number;
  name: string;
  status: WaveStatus;
  tolerance: number;
  /** Accounts of its canary step; empty without one. */
  canary_accounts: string[];
  failed_accounts: string[];
}

/** Totals over the units; the resource counts add up the units that succeeded. */
export interface RunTotals extends UnitCounts {
  units: number;
  succeeded: number;
  failed: number;
  blocked: number;
  skipped: number;
  not_started: number;
  interrupted: number;
  needs_replan: number;
  /** Units with `has_changes`. */
  with_changes: number;
}

/** The report of one run (JSON shape version 1). */
export interface RunReport {
  version: 1;
  run: RunInfo;
  waves: WaveReport[];
  units: UnitReport[];
  totals: RunTotals;
}

const COUNT_KEYS = [
  "add",
  "change",
  "destroy",
  "replace",
  "moved",
  "imported",
  "forget",
  "drift",
  "outputs_changed",
] as const;

/** The zero counts. */
export function emptyCounts(): UnitCounts {
  return {
    add: 0,
    change: 0,
    destroy: 0,
    replace: 0,
    moved: 0,
    imported: 0,
    forget: 0,
    drift: 0,
    outputs_changed: 0,
  };
}

/** A plan summary's counts. */
export function countsOfSummary(summary: PlanSummary): UnitCounts {
  return {
    add: summary.add,
    change: summary.change,
    destroy: summary.destroy,
    replace: summary.replace,
    moved: summary.moved,
    imported: summary.imported,
    forget: summary.forget,
    drift: summary.drift,
    outputs_changed: summary.outputsChanged,
  };
}

/**
 * The plan-derived fields of a unit: counts, resource changes (names only), drift, changed
 * outputs, `errored` and `has_changes` (for `drift`, drifted resources count as changes).
 */
export function unitFieldsFromPlan(
  summary: PlanSummary,
  command: RecordedCommand,
): Pick<
  UnitReport,
  "summary" | "errored" | "changes" | "drifted" | "outputs_changed" | "has_changes"
> {
  const change = (r: PlanSummary["resources"][number]): ReportResourceChange => ({
    address: r.address,
    ...(r.previousAddress !== undefined ? { previous_address: r.previousAddress } : {}),
    action: r.action,
    importing: r.importing,
    attributes: r.attributes.map((a) => a.name),
    replaced_by: [...r.replacedBy],
  });
  return {
    summary: countsOfSummary(summary),
    errored: summary.errored,
    changes: summary.resources.map(change),
    drifted: summary.drifted.map(change),
    outputs_changed: summary.outputs.map((o) => ({
      name: o.name,
      action: o.action,
      before: o.before,
      after: o.after,
      sensitive: o.sensitive,
    })),
    has_changes: planHasChanges(summary) || (command === "drift" && summary.drift > 0),
  };
}

/** A unit's status, error and reason from the scheduler's outcome of its task. */
export function unitFieldsFromOutcome(
  outcome: TaskOutcome,
): Pick<UnitReport, "status" | "error" | "reason"> {
  switch (outcome.status) {
    case "succeeded":
      return { status: "succeeded" };
    case "failed":
      return { status: "failed", error: { message: outcome.error } };
    case "blocked":
    case "skipped":
    case "not-started":
    case "interrupted":
      return { status: outcome.status, reason: outcome.reason };
  }
}

/** The waves of a report from the scheduler's wave results. */
export function wavesFromSchedule(waves: readonly WaveResult[]): WaveReport[] {
  return waves.map((w) => ({
    index: w.wave,
    name: w.name,
    status: w.status,
    tolerance: w.tolerance,
    canary_accounts: w.steps.find((s) => s.kind === "canary")?.accounts ?? [],
    failed_accounts: [...w.failedAccounts],
  }));
}

/** The total each status counts in. */
const STATUS_TOTALS = {
  succeeded: "succeeded",
  failed: "failed",
  blocked: "blocked",
  skipped: "skipped",
  "not-started": "not_started",
  interrupted: "interrupted",
  "needs-replan": "needs_replan",
} as const satisfies Record<UnitStatus, keyof RunTotals>;

/** Totals over `units`. */
export function runTotals(units: readonly UnitReport[]): RunTotals {
  const totals: RunTotals = {
    units: units.length,
    succeeded: 0,
    failed: 0,
    blocked: 0,
    skipped: 0,
    not_started: 0,
    interrupted: 0,
    needs_replan: 0,
    with_changes: 0,
    ...emptyCounts(),
  };
  for (const unit of units) {
    totals[STATUS_TOTALS[unit.status]] += 1;
    if (unit.has_changes) totals.with_changes += 1;
    // A failed apply's plan was not (or not wholly) applied: only finished units add to the counts.
    if (unit.status !== "succeeded") continue;
    for (const key of COUNT_KEYS) totals[key] += unit.summary?.[key] ?? 0;
  }
  return totals;
}

/** A report from the run and its units (in the order given), with totals computed. */
export function createRunReport(input: {
  run: RunInfo;
  units: UnitReport[];
  waves?: WaveReport[];
}): RunReport {
  return {
    version: 1,
    run: input.run,
    waves: input.waves ?? [],
    units: input.units,
    totals: runTotals(input.units),
  };
}

/** Exit codes of a run (docs/contract.md, "Exit codes"), as numbers. */
export type RunExitCode = 0 | 1 | 2 | 130;

/**
 * The exit of a finished run, by name: `interrupted` when it was interrupted; `problems` when a
 * unit failed or needs a re-plan; with `--detailed-exitcode`, `changes` when a unit has changes or
 * changes are pending (blocked, or skipped behind a blocked dependency); else `ok`.
 */
export function runExit(report: RunReport, options: { detailedExitcode: boolean }): ExitName {
  const units = report.units;
  if (report.run.interrupted || units.some((u) => u.status === "interrupted")) return "interrupted";
  if (units.some((u) => u.status === "failed" || u.status === "needs-replan")) return "problems";
  if (!options.detailedExitcode) return "ok";
  const pending = units.some(
    (u) =>
      u.has_changes ||
      u.status === "blocked" ||
      u.status === "skipped" ||
      u.status === "not-started",
  );
  return pending ? "changes" : "ok";
}

/** {@link runExit} as a number (130, 1, 2 or 0). */
export function runExitCode(
  report: RunReport,
  options: { detailedExitcode: boolean },
): RunExitCode {
  return exitCodeOf(runExit(report, options)) as RunExitCode;
}

/**
 * The exit code of `crossform exec`: its worst unit's. 130 when it was interrupted; otherwise the
 * highest exit code of the units' terraform commands, where a unit whose command did not run (its
 * init failed, it was refused, not confirmed, or not started after a failure) or was ended by a
 * signal counts as 1; 0 when every unit's command exited 0.
 */
export function execExitCode(report: RunReport): number {
  if (report.run.interrupted || report.units.some((u) => u.status === "interrupted")) return 130;
  let worst = 0;
  for (const unit of report.units) {
    const code = unit.exit_code ?? (unit.status === "succeeded" ? 0 : 1);
    worst = Math.max(worst, code);
  }
  return worst;
}

const count = z.number().int().min(0);
// The JSON formatter writes absent optional keys as null; the model leaves them undefined.
const optional = <T extends z.ZodType>(schema: T) =>
  schema.nullish().transform((value) => value ?? undefined);
const countsSchema = z.object(Object.fromEntries(COUNT_KEYS.map((k) => [k, count])));
const resourceChangeSchema = z.object({
  address: z.string(),
  previous_address: optional(z.string()),
  action: z.enum(["create", "update", "delete", "replace", "forget", "read", "no-op"]),
  importing: z.boolean(),
  attributes: z.array(z.string()),
  replaced_by: z.array(z.string()),
});
const reportSchema = z.object({
  version: z.literal(1),
  run: z.object({
    id: z.string(),
    command: z.enum(["plan", "apply", "destroy", "drift", "output", "exec", "adopt"]),
    started_at: z.string(),
    finished_at: z.string(),
    duration_ms: count,
    user: optional(z.string()),
    git_commit: optional(z.string()),
    source: optional(z.enum(["commit", "working-tree"])),
    terraform_version: optional(z.string()),
    terraform_args: optional(z.array(z.string())),
    selection: z.object({
      stacks: z.array(z.string()),
      targets: z.array(z.string()),
      all: z.boolean(),
    }),
    interrupted: z.boolean(),
    state: optional(z.enum(["crashed", "running"])),
  }),
  waves: z.array(
    z.object({
      index: count,
      name: z.string(),
      status: z.enum(["completed", "halted", "interrupted", "not-started"]),
      tolerance: count,
      canary_accounts: z.array(z.string()),
      failed_accounts: z.array(z.string()),
    }),
  ),
  units: z.array(
    z.object({
      id: z.string(),
      stack: z.string(),
      account: z.string(),
      account_id: z.string(),
      tier: optional(z.string()),
      region: z.string(),
      wave: count,
      approval: z.boolean(),
      status: z.enum([
        "succeeded",
        "failed",
        "blocked",
        "skipped",
        "not-started",
        "interrupted",
        "needs-replan",
      ]),
      has_changes: z.boolean(),
      summary: optional(countsSchema),
      errored: optional(z.boolean()),
      changes: z.array(resourceChangeSchema),
      drifted: z.array(resourceChangeSchema),
      outputs_changed: z.array(
        z.object({
          name: z.string(),
          action: z.enum(["create", "update", "delete"]),
          before: z.unknown(),
          after: z.unknown(),
          sensitive: z.boolean(),
        }),
      ),
      outputs: optional(
        z.array(
          z.object({
            name: z.string(),
            sensitive: z.boolean(),
            type: z.unknown(),
            value: z.unknown(),
          }),
        ),
      ),
      error: optional(
        z.object({
          code: optional(z.string()),
          message: z.string(),
          hint: optional(z.string()),
        }),
      ),
      reason: optional(z.string()),
      exit_code: optional(z.number().int()),
      log_path: optional(z.string()),
      duration_ms: count,
    }),
  ),
});

/**
 * Reads a stored report (parsed JSON) back, checking its shape; totals are recomputed. `source`
 * names the file in messages.
 */
export function parseRunReport(data: unknown, source: string): RunReport {
  const version =
    typeof data === "object" && data !== null ? (data as { version?: unknown }).version : undefined;
  if (version !== 1) {
    throw new CrossformError(
      "report/unsupported-version",
      "user",
      `${source} is a run report of version ${JSON.stringify(version ?? null)}; this crossform reads version 1`,
      { hint: "render it with the crossform version that wrote it, or re-run the command" },
    );
  }
  const parsed = reportSchema.safeParse(data);
  if (!parsed.success) {
    const issue = parsed.error.issues[0];
    const where = issue?.path.length ? issue.path.join(".") : "(top level)";
    throw new CrossformError(
      "report/invalid",
      "user",
      `${source} is not a valid run report: ${where}: ${issue?.message ?? "invalid"}`,
      { hint: "the file was changed or truncated: re-run the command to record a new report" },
    );
  }
  const report = withoutUndefined(parsed.data) as Omit<RunReport, "totals">;
  return createRunReport({ run: report.run, units: report.units, waves: report.waves });
}

/** A copy without the keys whose value is undefined (what null optional keys parse to). */
function withoutUndefined(value: unknown): unknown {
  if (Array.isArray(value)) return value.map(withoutUndefined);
  if (typeof value === "object" && value !== null) {
    return Object.fromEntries(
      Object.entries(value)
        .filter(([, v]) => v !== undefined)
        .map(([k, v]) => [k, withoutUndefined(v)]),
    );
  }
  return value;
}

/** Whether the report is of an apply whose units read the working tree (`--allow-dirty`). */
export function workingTreeApply(report: RunReport): boolean {
  return report.run.command === "apply" && report.run.source === "working-tree";
}
