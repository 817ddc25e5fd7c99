/**
 * A lint report for a terminal: findings grouped by file, each with its position, severity, message,
 * rule id, a code frame of its line and the fix hint, then a count line.
 */
import type { LintFinding, LintReport } from "../core/lint/engine.ts";

/** Renders the report; ends with a newline. */
export function formatLintPretty(report: LintReport): string {
  const files = report.fileCount === 1 ? "1 file" : `${report.fileCount} files`;
  if (report.findings.length === 0) {
    return `no lint findings in ${files}${suppressedNote(report)}\n`;
  }
  const lines: string[] = [];
  let currentFile: string | undefined;
  for (const finding of report.findings) {
    if (finding.file !== currentFile) {
      if (currentFile !== undefined) lines.push("");
      lines.push(finding.file);
      currentFile = finding.file;
    }
    lines.push(
      `  ${finding.line}:${finding.column}  ${finding.severity === "error" ? "error" : "warn "}  ${finding.message}  [${finding.ruleId}]`,
      ...codeFrame(finding),
      `    hint: ${finding.hint}`,
    );
  }
  const errors = report.findings.filter((finding) => finding.severity === "error").length;
  const warnings = report.findings.length - errors;
  const count = report.findings.length === 1 ? "1 finding" : `${report.findings.length} findings`;
  lines.push(
    "",
    `${count} (${plural(errors, "error")}, ${plural(warnings, "warning")}) in ${files}${suppressedNote(report)}`,
  );
  return `${lines.join("\n")}\n`;
}

function codeFrame(finding: LintFinding): string[] {
  if (finding.sourceLine === "") return [];
  const gutter = String(finding.line);
  const text = finding.sourceLine.replace(/\t/g, " ");
  const start = Math.min(finding.column - 1, text.length);
  const end = finding.endLine === finding.line ? finding.endColumn - 1 : text.length;
  const width = Math.max(1, Math.min(end, text.length) - start);
  return [
    `    ${gutter} | ${text}`,
    `    ${" ".repeat(gutter.length)} | ${" ".repeat(start)}${"^".repeat(width)}`,
  ];
}

function plural(count: number, word: string): string {
  return `${count} ${word}${count === 1 ? "" : "s"}`;
}

function suppressedNote(report: LintReport): string {
  return report.suppressed === 0 ? "" : `, ${report.suppressed} suppressed`;
}
