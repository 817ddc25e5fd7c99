/** `crossform runs` (the recorded runs) and `crossform runs prune` as text and JSON. */
import type { PruneReport } from "../app/run/prune-runs.ts";
import type { RunReport } from "../core/report/run-report.ts";
import { formatDuration } from "./run-summary.ts";

/** A run's state in the list: how it ended, or that it did not. */
function runState(report: RunReport): string {
  return report.run.state ?? (report.run.interrupted ? "interrupted" : "ended");
}

/** The table of recorded runs, newest first. */
export function formatRunList(reports: readonly RunReport[]): string {
  if (reports.length === 0) return "no recorded runs\n";
  const rows = [["RUN", "COMMAND", "STARTED", "DURATION", "STATE", "UNITS", "CHANGES", "FAILED"]];
  for (const r of reports) {
    rows.push([
      r.run.id,
      r.run.command,
      r.run.started_at,
      formatDuration(r.run.duration_ms),
      runState(r),
      String(r.totals.units),
      String(r.totals.with_changes),
      String(r.totals.failed),
    ]);
  }
  const widths = rows[0]!.map((_, i) => Math.max(...rows.map((row) => row[i]!.length)));
  return `${rows
    .map((row) =>
      row
        .map((c, i) => c.padEnd(widths[i]!))
        .join("  ")
        .trimEnd(),
    )
    .join("\n")}\n`;
}

/**
 * `runs --json` (shape version 1): `{ version, runs: [run facts of the run report (id, command,
 * started_at, finished_at, duration_ms, state, ...) with its totals] }`, newest first.
 */
export function formatRunListJson(reports: readonly RunReport[]): string {
  return `${JSON.stringify(
    { version: 1, runs: reports.map((r) => ({ ...r.run, totals: r.totals })) },
    null,
    2,
  )}\n`;
}

const PROTECTED_WHY = {
  "errored-state": "holds an errored.tfstate (the only copy of a state: push it, then remove it)",
  crashed: "the journal of a crashed run (`crossform runs <run>` shows what it was doing)",
  running: "still running",
} as const;

/** What `runs prune` removed (or would remove) and what it kept although the policy reached it. */
export function formatPrune(report: PruneReport): string {
  const n = report.removed.length;
  const verb = report.dryRun ? "would remove" : "removed";
  const lines = [
    n === 0
      ? `nothing to prune (${report.total} run record${report.total === 1 ? "" : "s"})`
      : `${verb} ${n} run record${n === 1 ? "" : "s"} of ${report.total}: ${report.removed.join(", ")}`,
  ];
  for (const kept of report.protected) lines.push(`kept ${kept.id}: ${PROTECTED_WHY[kept.reason]}`);
  return `${lines.join("\n")}\n`;
}

/** `runs prune --json` (shape version 1): `{ version, dryRun, total, removed: [id], protected: [{ id, reason }] }`. */
export function formatPruneJson(report: PruneReport): string {
  return `${JSON.stringify(
    {
      version: 1,
      dryRun: report.dryRun,
      total: report.total,
      removed: report.removed,
      protected: report.protected,
    },
    null,
    2,
  )}\n`;
}
