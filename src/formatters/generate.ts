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

/**
 * `generate --json` (shape version 1): `{ version, check, stale, wrote, counts: { created,
 * updated, removed, unchanged }, files: [{ path, change }], diagnostics }`; with `check`, `change`
 * is what generate would do.
 */
export function formatGenerateJson(report: GenerateReport, check: boolean): string {
  const counts = { created: 0, updated: 0, removed: 0, unchanged: 0 };
  for (const file of report.files) counts[file.change] += 1;
  return `${JSON.stringify(
    {
      version: 1,
      check,
      stale: report.stale,
      wrote: report.wrote,
      counts,
      files: report.files,
      diagnostics: report.diagnostics,
    },
    null,
    2,
  )}\n`;
}
