/** `crossform ci github|gitlab` as text. */
import type { CiReport } from "../app/ci.ts";

/** What the pipeline holds, in one line per part. */
export function formatCiSummary(report: CiReport): string {
  const { model } = report;
  const plan =
    model.plan.kind === "units"
      ? `plan: ${model.plan.units.length} unit${model.plan.units.length === 1 ? "" : "s"}, one job each (matrix up to ${model.matrixLimit})`
      : `plan: ${model.unitCount} units in ${model.plan.count} shards (${model.plan.shards.length} hold units)`;
  const waves = model.waves.map((w) => {
    const jobs = w.shards
      ? `${w.shards.indices.length} shard jobs of ${w.shards.count}`
      : "one job";
    const gate = w.approve.length > 0 ? `, approval of ${w.approve.join(", ")}` : "";
    return `apply wave ${w.position} (${w.name}): ${w.units.length} unit${w.units.length === 1 ? "" : "s"}, ${jobs}${gate}`;
  });
  return [plan, ...waves].map((l) => `  ${l}\n`).join("");
}

/** The outcome of a write, or with `check`, whether the file is current. */
export function formatCi(report: CiReport, check: boolean): string {
  if (check) {
    if (!report.stale) return `${report.relativePath} is up to date\n`;
    const why = report.change === "created" ? "missing" : "differs from what crossform generates";
    return `stale: ${report.relativePath} (${why})\nregenerate it with \`${report.regenerate}\` (from the repository root) and commit the result\n`;
  }
  const lines = [`${report.change} ${report.relativePath}\n`, formatCiSummary(report)];
  if (report.backupPath)
    lines.push(
      `the file had been edited since crossform wrote it: the edited copy is ${report.backupPath}\n`,
    );
  return lines.join("");
}
