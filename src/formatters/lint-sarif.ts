/**
 * A lint report as SARIF 2.1.0 (for GitHub code scanning and other viewers): one run, one
 * `rules[]` entry per rule with its help URI, results with relative POSIX URIs and UTF-16 columns.
 */
import type { LintReport, LintFinding } from "../core/lint/engine.ts";
import { SYNTAX_ERROR_ID } from "../core/lint/engine.ts";
import type { LintSeverity } from "../core/lint/rule.ts";
import { ruleHelpUri } from "../core/lint/rule-docs.ts";

/** Options of the SARIF output. */
export interface LintSarifOptions {
  /** crossform's version, recorded as the tool's version when given. */
  toolVersion?: string;
}

/** Renders the report as a SARIF 2.1.0 log; ends with a newline. */
export function formatLintSarif(report: LintReport, options: LintSarifOptions = {}): string {
  const ruleIndex = new Map(report.rules.map((rule, index) => [rule.id, index]));
  const log = {
    $schema: "https://json.schemastore.org/sarif-2.1.0.json",
    version: "2.1.0",
    runs: [
      {
        tool: {
          driver: {
            name: "crossform",
            informationUri: "https://github.com/crossform/crossform",
            ...(options.toolVersion === undefined ? {} : { version: options.toolVersion }),
            rules: report.rules.map((rule) => ({
              id: rule.id,
              shortDescription: { text: rule.description },
              ...(rule.id === SYNTAX_ERROR_ID ? {} : { helpUri: ruleHelpUri(rule.id) }),
              defaultConfiguration: { level: level(rule.defaultSeverity) },
            })),
          },
        },
        columnKind: "utf16CodeUnits",
        results: report.findings.map((finding) => result(finding, ruleIndex.get(finding.ruleId))),
      },
    ],
  };
  return `${JSON.stringify(log, null, 2)}\n`;
}

function result(finding: LintFinding, index: number | undefined) {
  return {
    ruleId: finding.ruleId,
    ...(index === undefined ? {} : { ruleIndex: index }),
    level: level(finding.severity),
    message: { text: `${finding.message}. Fix: ${finding.hint}` },
    locations: [
      {
        physicalLocation: {
          artifactLocation: { uri: relativeUri(finding.file) },
          region: {
            startLine: finding.line,
            startColumn: finding.column,
            endLine: Math.max(finding.endLine, finding.line),
            endColumn:
              finding.endLine > finding.line
                ? finding.endColumn
                : Math.max(finding.endColumn, finding.column),
          },
        },
      },
    ],
  };
}

function level(severity: LintSeverity): "error" | "warning" {
  return severity === "error" ? "error" : "warning";
}

/** A repository-relative POSIX path as a relative URI reference (each segment percent-encoded). */
function relativeUri(path: string): string {
  return path
    .split("/")
    .map((segment) => (segment === "." || segment === ".." ? segment : encodeURIComponent(segment)))
    .join("/");
}
