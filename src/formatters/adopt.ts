/**
 * The output of `crossform adopt`: one block per unit (where from, where to, what the state is,
 * which accounts its resources name, the outcome and its problems), then one line of totals; or
 * the report as JSON. Names, addresses and counts only: a state's values are never in a report.
 */
import type { AdoptOutcome, AdoptReport, AdoptUnitReport } from "../core/adopt/adopt-report.ts";

const OUTCOME_LABELS: Record<AdoptOutcome, string> = {
  "would-adopt": "would adopt",
  adopted: "adopted",
  "already-adopted": "already adopted",
  refused: "refused",
  failed: "failed",
};

const DESTINATION_LABELS = {
  empty: "holds no state",
  same: "holds this state already",
  other: "holds another state",
} as const;

function unitBlock(unit: AdoptUnitReport): string[] {
  const lines = [`${unit.unit}: ${OUTCOME_LABELS[unit.outcome]}`];
  lines.push(`  from ${unit.from} (read as ${unit.read_as})`);
  const destination =
    unit.destination === undefined ? "" : ` (${DESTINATION_LABELS[unit.destination]})`;
  lines.push(`  to   ${unit.to}${destination}`);
  const s = unit.state;
  if (s) {
    lines.push(
      `  state: lineage ${s.lineage}, serial ${s.serial}, ${s.resources} resource${s.resources === 1 ? "" : "s"} (${s.instances} instance${s.instances === 1 ? "" : "s"})${s.terraform_version ? `, written by Terraform ${s.terraform_version}` : ""}`,
    );
    const named = unit.accounts.map(
      (a) => `${a.name ? `${a.name} (${a.id})` : a.id}: ${a.instances}`,
    );
    const without =
      unit.without_account_evidence > 0 ? `; ${unit.without_account_evidence} name no account` : "";
    lines.push(`  accounts its resources name: ${named.join(", ") || "none"}${without}`);
  }
  if (unit.replaced_backup)
    lines.push(`  the state it replaced is kept in ${unit.replaced_backup}`);
  for (const problem of unit.problems) {
    lines.push(`  ${problem.message}`);
    if (problem.hint) lines.push(`  hint: ${problem.hint}`);
  }
  return lines;
}

/** The totals line: units per outcome, and what the run wrote. */
function totals(report: AdoptReport): string {
  const counts = new Map<string, number>();
  for (const unit of report.units) {
    const label = OUTCOME_LABELS[unit.outcome];
    counts.set(label, (counts.get(label) ?? 0) + 1);
  }
  const n = report.units.length;
  const parts = [...counts].map(([label, count]) => `${count} ${label}`).join(", ");
  const what = report.apply
    ? "states are copied, never moved: every source is kept"
    : "dry run: nothing was written; run again with --apply to copy";
  return `${n} unit${n === 1 ? "" : "s"}: ${parts}; ${what}`;
}

/** The report for a terminal or a log. */
export function formatAdopt(report: AdoptReport): string {
  const blocks = report.units.map((u) => unitBlock(u).join("\n"));
  return `${[...blocks, totals(report)].join("\n\n")}\n`;
}

/** The report as JSON (shape version 1), with where its record is. */
export function formatAdoptJson(report: AdoptReport, recordDir: string | undefined): string {
  return `${JSON.stringify({ ...report, record_dir: recordDir ?? null }, null, 2)}\n`;
}
