/**
 * A lint report for a terminal: findings grouped by file; findings at one position share one code
 * frame, each with its severity, message, rule id and fix hint; then a summary line with the counts
 * per severity and per rule and the number of files with findings.
 */
import type { LintFinding, LintReport } from "../core/lint/engine.ts";
import { countFindings } from "../core/lint/report-counts.ts";

/** Options of the terminal output. */
export interface LintPrettyOptions {
  /** How a repository-relative path is shown (relative to the working directory, for instance). @default the path itself */
  displayPath?: (file: string) => string;
}

/** Renders the report; ends with a newline. */
export function formatLintPretty(report: LintReport, options: LintPrettyOptions = {}): string {
  const show = options.displayPath ?? ((file: string) => file);
  const read = report.fileCount === 1 ? "1 file" : `${report.fileCount} files`;
  if (report.findings.length === 0) return `no lint findings in ${read}${notes(report)}\n`;
  const lines: string[] = [];
  let currentFile: string | undefined;
  for (const group of byPosition(report.findings)) {
    const [first] = group as [LintFinding, ...LintFinding[]];
    if (first.file !== currentFile) {
      if (currentFile !== undefined) lines.push("");
      lines.push(show(first.file));
      currentFile = first.file;
    }
    for (const finding of group) {
      lines.push(
        `  ${finding.line}:${finding.column}  ${finding.severity === "error" ? "error" : "warn "}  ${finding.message}  [${finding.ruleId}]`,
      );
    }
    lines.push(...codeFrame(first));
    for (const finding of group) {
      lines.push(`    hint${group.length > 1 ? ` (${finding.ruleId})` : ""}: ${finding.hint}`);
    }
  }
  const counts = countFindings(report);
  const count = report.findings.length === 1 ? "1 finding" : `${report.findings.length} findings`;
  const files = plural(counts.filesWithFindings, "file");
  const rules = counts.byRule.map(([id, n]) => `${id} ${n}`).join(", ");
  lines.push(
    "",
    `${count} (${plural(counts.error, "error")}, ${plural(counts.warn, "warning")}) in ${files} (${read} read): ${rules}${notes(report)}`,
  );
  return `${lines.join("\n")}\n`;
}

/** Findings in report order, those at one file, line and column together. */
function byPosition(findings: LintFinding[]): LintFinding[][] {
  const groups: LintFinding[][] = [];
  for (const finding of findings) {
    const last = groups[groups.length - 1]?.[0];
    if (
      last !== undefined &&
      last.file === finding.file &&
      last.line === finding.line &&
      last.column === finding.column
    )
      (groups[groups.length - 1] as LintFinding[]).push(finding);
    else groups.push([finding]);
  }
  return groups;
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

function notes(report: LintReport): string {
  const parts: string[] = [];
  if (report.suppressed > 0) parts.push(`${report.suppressed} suppressed`);
  if (report.baselined > 0) parts.push(`${report.baselined} in the baseline`);
  return parts.length === 0 ? "" : `; ${parts.join(", ")}`;
}
