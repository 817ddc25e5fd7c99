/**
 * A lint report as a stable, versioned JSON document. Version 1 shape:
 * `{ version, failLevel, failed, fileCount, suppressed, counts: { error, warn }, rules: [{ id,
 * description, defaultSeverity, helpUri }], findings: [{ ruleId, severity, file, line, column,
 * endLine, endColumn, message, hint }] }`; findings sorted by file, line, column, rule id.
 */
import type { LintReport } from "../core/lint/engine.ts";
import { SYNTAX_ERROR_ID } from "../core/lint/engine.ts";
import { ruleHelpUri } from "../core/lint/rule-docs.ts";

/** The version of the JSON shape; bumped on any incompatible change. */
export const LINT_JSON_VERSION = 1;

/** Renders the report as JSON; ends with a newline. */
export function formatLintJson(report: LintReport): string {
  const errors = report.findings.filter((finding) => finding.severity === "error").length;
  const document = {
    version: LINT_JSON_VERSION,
    failLevel: report.failLevel,
    failed: report.failed,
    fileCount: report.fileCount,
    suppressed: report.suppressed,
    counts: { error: errors, warn: report.findings.length - errors },
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
    })),
  };
  return `${JSON.stringify(document, null, 2)}\n`;
}
