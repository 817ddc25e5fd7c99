/**
 * The summary table printed at the end of a run: one row per unit (unit, add, change, destroy,
 * replace, drift, status, duration), the reason under each unit that did not succeed, halted
 * waves, and one line of totals. Also the wording the Markdown report shares.
 */
import type {
  RecordedCommand,
  RunReport,
  UnitCounts,
  UnitReport,
  UnitStatus,
} from "../core/report/run-report.ts";
import { firstTerraformError } from "../core/run/terraform-failure.ts";

/** A duration for people: `850ms`, `2.4s`, `12s`, `1m05s`, `1h02m`. */
export function formatDuration(ms: number): string {
  const total = Math.max(0, Math.round(ms));
  if (total < 1000) return `${total}ms`;
  if (total < 10_000) return `${(Math.floor(total / 100) / 10).toFixed(1)}s`;
  const seconds = Math.floor(total / 1000);
  if (seconds < 60) return `${seconds}s`;
  const minutes = Math.floor(seconds / 60);
  if (minutes < 60) return `${minutes}m${String(seconds % 60).padStart(2, "0")}s`;
  return `${Math.floor(minutes / 60)}h${String(minutes % 60).padStart(2, "0")}m`;
}

/** What a unit's status means for the command, e.g. `changes`, `applied`, `no drift`, `blocked`. */
export function statusLabel(
  command: RecordedCommand,
  unit: Pick<UnitReport, "status" | "has_changes">,
): string {
  const labels: Record<Exclude<UnitStatus, "succeeded">, string> = {
    failed: "failed",
    blocked: "blocked",
    skipped: "skipped",
    "not-started": "not started",
    interrupted: "interrupted",
    "needs-replan": "needs re-plan",
  };
  if (unit.status !== "succeeded") return labels[unit.status];
  switch (command) {
    case "plan":
      return unit.has_changes ? "changes" : "no changes";
    case "apply":
      return unit.has_changes ? "applied" : "no changes";
    case "destroy":
      return unit.has_changes ? "destroyed" : "no changes";
    case "drift":
      return unit.has_changes ? "drifted" : "no drift";
    case "output":
    case "exec":
      return "ok";
    case "adopt":
      return unit.has_changes ? "adopted" : "already adopted";
  }
}

/**
 * The non-zero counts in words, future tense for plan-like commands (`1 to add, 2 to replace`)
 * and past tense for apply and destroy (`1 added, 2 destroyed`); `no changes` when all are zero.
 */
export function countsPhrase(counts: UnitCounts, command: RecordedCommand): string {
  const past = command === "apply" || command === "destroy" || command === "adopt";
  const parts: string[] = [];
  const add = (n: number, future: string, done: string): void => {
    if (n > 0) parts.push(`${n} ${past ? done : future}`);
  };
  add(counts.add, "to add", "added");
  add(counts.change, "to change", "changed");
  add(counts.destroy, "to destroy", "destroyed");
  add(counts.replace, "to replace", "replaced");
  add(counts.moved, "moved", "moved");
  add(counts.imported, "to import", "imported");
  add(counts.forget, "to forget", "forgotten");
  add(counts.drift, "drifted", "drifted");
  if (counts.outputs_changed > 0) {
    parts.push(
      `${counts.outputs_changed} output${counts.outputs_changed === 1 ? "" : "s"} changed`,
    );
  }
  return parts.length > 0 ? parts.join(", ") : "no changes";
}

const STATUS_ORDER: UnitStatus[] = [
  "succeeded",
  "failed",
  "needs-replan",
  "blocked",
  "skipped",
  "interrupted",
  "not-started",
];

/**
 * Units per status label, e.g. `2 changes, 3 no changes, 1 failed`: units with changes first, then
 * those without, then the problems in a fixed order.
 */
export function statusCounts(report: RunReport): string {
  const rank = (unit: UnitReport): number =>
    STATUS_ORDER.indexOf(unit.status) * 2 +
    (unit.status === "succeeded" && !unit.has_changes ? 1 : 0);
  const counts = new Map<string, number>();
  for (const unit of [...report.units].sort((a, b) => rank(a) - rank(b))) {
    const label = statusLabel(report.run.command, unit);
    counts.set(label, (counts.get(label) ?? 0) + 1);
  }
  return [...counts].map(([label, n]) => `${n} ${label}`).join(", ");
}

/**
 * The first line of a unit's error or reason, for one-line displays. A record written before the
 * first line carried Terraform's error (`terraform apply failed:` alone) gets it from the lines
 * below.
 */
export function unitProblem(unit: UnitReport): string | undefined {
  const text = unit.error?.message ?? unit.reason;
  if (text === undefined) return undefined;
  const line = (text.split("\n").find((l) => l.trim() !== "") ?? "").trim();
  if (!line.endsWith(":")) return line;
  const cause = firstTerraformError(text);
  return cause ? `${line} ${cause}` : line;
}

const HEADER = ["UNIT", "ADD", "CHANGE", "DESTROY", "REPLACE", "DRIFT", "STATUS", "DURATION"];
const NUMERIC = new Set([1, 2, 3, 4, 5]);

/** For a run read back from its journal: what it is, above its table. */
function stateLines(report: RunReport): string[] {
  const { id, state } = report.run;
  if (state === "crashed") {
    return [
      `run ${id} crashed: the crossform process running it is gone and it never finished; its journal recorded this:`,
    ];
  }
  if (state === "running") return [`run ${id} is still running; its journal recorded this so far:`];
  return [];
}

/** The duration cell of a unit: `-` for one that never ran. */
export function durationCell(unit: Pick<UnitReport, "status" | "duration_ms">): string {
  return unit.status === "not-started" || unit.status === "skipped"
    ? "-"
    : formatDuration(unit.duration_ms);
}

/**
 * The header and one row per unit as aligned columns two spaces apart (`numeric` columns
 * right-aligned), each unit's row followed by what it did not do well: its problem, the hint, and
 * for a failure its log.
 */
export function unitTable(
  header: readonly string[],
  units: readonly UnitReport[],
  rows: readonly string[][],
  numeric: ReadonlySet<number> = new Set(),
): string[] {
  const widths = header.map((h, i) => Math.max(h.length, ...rows.map((r) => (r[i] ?? "").length)));
  const line = (cells: readonly string[]): string =>
    cells
      .map((cell, i) =>
        numeric.has(i) ? cell.padStart(widths[i] ?? 0) : cell.padEnd(widths[i] ?? 0),
      )
      .join("  ")
      .trimEnd();
  const out = [line(header)];
  units.forEach((unit, i) => {
    out.push(line(rows[i] ?? []));
    const problem = unitProblem(unit);
    if (problem !== undefined && unit.status !== "succeeded") out.push(`  ${problem}`);
    if (unit.error?.hint) out.push(`  hint: ${unit.error.hint}`);
    if (unit.status === "failed" && unit.log_path) out.push(`  log: ${unit.log_path}`);
  });
  return out;
}

/** The end-of-run table, with the reason under each unit that did not succeed, and totals. */
export function formatRunSummary(report: RunReport): string {
  const command = report.run.command;
  const rows = report.units.map((unit) => {
    const s = unit.summary;
    const num = (n: number | undefined): string => (s === undefined ? "-" : String(n ?? 0));
    return [
      unit.id,
      num(s?.add),
      num(s?.change),
      num(s?.destroy),
      num(s?.replace),
      num(s?.drift),
      statusLabel(command, unit),
      durationCell(unit),
    ];
  });
  const out = [...stateLines(report), ...unitTable(HEADER, report.units, rows, NUMERIC)];
  for (const wave of report.waves) {
    if (wave.status !== "halted") continue;
    const n = wave.failed_accounts.length;
    out.push(
      `wave ${wave.name} halted: ${n} failed account${n === 1 ? "" : "s"} (${wave.failed_accounts.join(", ")}), tolerance ${wave.tolerance}; later waves not started`,
    );
  }
  const t = report.totals;
  const units = `${t.units} unit${t.units === 1 ? "" : "s"}`;
  const parts = [
    `${units}: ${t.units > 0 ? statusCounts(report) : "none selected"}`,
    ...(command === "output" || (t.succeeded < t.units && countsPhrase(t, command) === "no changes")
      ? []
      : [countsPhrase(t, command)]),
    formatDuration(report.run.duration_ms),
  ];
  out.push(parts.join("; "));
  return `${out.join("\n")}\n`;
}
