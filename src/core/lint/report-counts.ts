/** The counts a lint report's summary line and JSON document show, computed in one place. */
import type { LintReport } from "./engine.ts";

/** How many findings there are, of which severity, of which rule, in how many files. */
export interface LintCounts {
  error: number;
  warn: number;
  /** Rule id -> number of findings, most frequent first (ties by id). */
  byRule: [string, number][];
  /** Number of distinct files with at least one finding. */
  filesWithFindings: number;
}

/** Counts the findings of a report. */
export function countFindings(report: LintReport): LintCounts {
  const byRule = new Map<string, number>();
  let error = 0;
  for (const finding of report.findings) {
    if (finding.severity === "error") error += 1;
    byRule.set(finding.ruleId, (byRule.get(finding.ruleId) ?? 0) + 1);
  }
  return {
    error,
    warn: report.findings.length - error,
    byRule: [...byRule].sort((a, b) => b[1] - a[1] || (a[0] < b[0] ? -1 : 1)),
    filesWithFindings: new Set(report.findings.map((finding) => finding.file)).size,
  };
}
