/** `crossform validate` as text and JSON. */
import type { ValidateReport } from "../app/validate.ts";
import { formatDiagnostics } from "./diagnostics.ts";

/** Text: diagnostics, then a summary of accounts, stacks and units by wave. */
export function formatValidate(report: ValidateReport, file: string): string {
  let out = formatDiagnostics(report.diagnostics);
  if (!report.valid) return `${out}${file}: invalid; nothing was changed\n`;
  const s = report.summary;
  if (!s) return out;
  out += `${file}: valid: ${s.accounts} accounts, ${s.stacks} stacks, ${s.units.length} units, ${s.waves.length} waves\n`;
  s.waves.forEach((wave, i) => {
    const units = s.units.filter((u) => u.wave === wave);
    out += `  wave ${i + 1} (${wave}): ${units.length === 0 ? "no units" : units.map((u) => u.id).join(", ")}\n`;
  });
  return out;
}

/** JSON with a versioned shape; `extra` adds fields (`terraform` with `validate --terraform`). */
export function formatValidateJson(
  report: ValidateReport,
  extra: Record<string, unknown> = {},
): string {
  return `${JSON.stringify({ version: 1, valid: report.valid, diagnostics: report.diagnostics, ...report.summary, ...extra }, null, 2)}\n`;
}
