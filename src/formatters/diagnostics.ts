/**
 * Diagnostics as text for a terminal or a log: `file:line:column: error: message` followed by an
 * indented hint, the shape compilers use so that editors and terminals link the position.
 */
import { formatPosition } from "../core/errors.ts";
import type { Diagnostic } from "../core/errors.ts";

/** Renders diagnostics, one block each, with a closing count line. */
export function formatDiagnostics(diagnostics: Diagnostic[]): string {
  const lines: string[] = [];
  for (const d of diagnostics) {
    const where = d.position ? `${formatPosition(d.position)}: ` : "";
    lines.push(`${where}${d.severity}: ${d.message} [${d.code}]`);
    if (d.hint) lines.push(`  hint: ${d.hint}`);
  }
  const errors = diagnostics.filter((d) => d.severity === "error").length;
  const warnings = diagnostics.length - errors;
  if (diagnostics.length > 0) {
    const parts = [];
    if (errors > 0) parts.push(`${errors} error${errors === 1 ? "" : "s"}`);
    if (warnings > 0) parts.push(`${warnings} warning${warnings === 1 ? "" : "s"}`);
    lines.push(parts.join(", "));
  }
  return lines.length > 0 ? `${lines.join("\n")}\n` : "";
}

/** Diagnostics as a stable JSON document (`version` is the shape's version). */
export function formatDiagnosticsJson(
  diagnostics: Diagnostic[],
  extra: Record<string, unknown> = {},
): string {
  return `${JSON.stringify({ version: 1, ...extra, diagnostics }, null, 2)}\n`;
}
