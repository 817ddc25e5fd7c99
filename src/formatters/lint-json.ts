/**
 * A lint report as a stable, versioned JSON document. Version 1 shape:
 * `{ version, failLevel, failed, fileCount, filesWithFindings, suppressed, baselined, warnings,
 * counts: { error, warn, byRule: { <rule-id>: n } }, rules: [{ id, description, defaultSeverity,
 * helpUri }], findings: [{ ruleId, severity, file, line, column, endLine, endColumn, message, hint,
 * fingerprint }] }`; findings sorted by file, line, column, rule id; `file` relative to the
 * repository root. Fields are only ever added within a version.
 */
import type { LintReport } from "../core/lint/engine.ts";
import { SYNTAX_ERROR_ID } from "../core/lint/engine.ts";
import { countFindings } from "../core/lint/report-counts.ts";
import { ruleHelpUri } from "../core/lint/rule-docs.ts";

/** The version of the JSON shape; bumped on any incompatible change. */
export const LINT_JSON_VERSION = 1;

/** Renders the report as JSON; ends with a newline. */
export function formatLintJson(report: LintReport): string {
  const counts = countFindings(report);
  const document = {
    version: LINT_JSON_VERSION,
    failLevel: report.failLevel,
    failed: report.failed,
    fileCount: report.fileCount,
    filesWithFindings: counts.filesWithFindings,
    suppressed: report.suppressed,
    baselined: report.baselined,
    warnings: report.warnings,
    counts: { error: counts.error, warn: counts.warn, byRule: Object.fromEntries(counts.byRule) },
    rules: report.rules.map((rule) => ({
      id: rule.id,
      description: rule.description,
      defaultSeverity: rule.defaultSeverity,
      ...(rule.id === SYNTAX_ERROR_ID ? {} : { helpUri: ruleHelpUri(rule.id) }),
    })),
    findings: report.findings.map((finding) => ({
      ruleId: finding.ruleId,
      severity: finding.severity,
      file: finding.file,
      line: finding.line,
      column: finding.column,
      endLine: finding.endLine,
      endColumn: finding.endColumn,
      message: finding.message,
      hint: finding.hint,
      fingerprint: finding.fingerprint,
    })),
  };
  return `${JSON.stringify(document, null, 2)}\n`;
}
