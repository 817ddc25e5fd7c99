/** `crossform generate` as text. */
import type { GenerateReport } from "../app/generate.ts";

/** Lists changed files; with `check`, names every stale file and how to fix it. */
export function formatGenerate(report: GenerateReport, check: boolean): string {
  const changed = report.files.filter((f) => f.change !== "unchanged");
  const unchanged = report.files.length - changed.length;
  if (check) {
    if (!report.stale) return `generated files are up to date (${report.files.length} files)\n`;
    const lines = changed.map(
      (f) =>
        `stale: ${f.path} (${f.change === "created" ? "missing" : f.change === "removed" ? "no longer generated" : "differs"})`,
    );
    return `${lines.join("\n")}\n${changed.length} stale generated file${changed.length === 1 ? "" : "s"}; run \`crossform generate\` and commit the result\n`;
  }
  const lines = changed.map((f) => `${f.change.padEnd(8)} ${f.path}`);
  lines.push(`${changed.length} changed, ${unchanged} unchanged`);
  return `${lines.join("\n")}\n`;
}
