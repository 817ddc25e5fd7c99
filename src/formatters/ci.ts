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

/**
 * `ci --json` (shape version 1): `{ version, platform, path, relativePath, check, change, stale,
 * wrote, backupPath, regenerate, plan: { kind, jobs, units }, waves: [{ position, name, units,
 * approve, shards }], diagnostics }`.
 */
export function formatCiJson(report: CiReport, check: boolean): string {
  const { model } = report;
  return `${JSON.stringify(
    {
      version: 1,
      platform: report.platform,
      path: report.path,
      relativePath: report.relativePath,
      check,
      change: report.change,
      stale: report.stale,
      wrote: report.wrote,
      backupPath: report.backupPath ?? null,
      regenerate: report.regenerate,
      plan:
        model.plan.kind === "units"
          ? { kind: "units", jobs: model.plan.units.length, units: model.unitCount }
          : { kind: "shards", jobs: model.plan.count, units: model.unitCount },
      waves: model.waves.map((w) => ({
        position: w.position,
        name: w.name,
        units: w.units.length,
        approve: w.approve,
        shards: w.shards ? w.shards.count : null,
      })),
      diagnostics: report.diagnostics,
    },
    null,
    2,
  )}\n`;
}
