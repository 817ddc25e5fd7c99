/**
 * A lint report as SARIF 2.1.0 (for GitHub code scanning and other viewers): one run, one
 * `rules[]` entry per rule with its help URI, results with URIs relative to the repository root
 * (`%SRCROOT%`), UTF-16 columns, and `partialFingerprints` that survive line shifts, so that code
 * scanning tells a moved finding from a new one.
 */
import type { LintReport, LintFinding } from "../core/lint/engine.ts";
import { SYNTAX_ERROR_ID } from "../core/lint/engine.ts";
import { FINGERPRINT_VERSION } from "../core/lint/fingerprint.ts";
import type { LintSeverity } from "../core/lint/rule.ts";
import { ruleHelpUri } from "../core/lint/rule-docs.ts";

/** Options of the SARIF output. */
export interface LintSarifOptions {
  /** crossform's version, recorded as the tool's version when given. */
  toolVersion?: string;
  /**
   * The repository root as a `file:` URI ending in `/`, recorded as `%SRCROOT%` so that viewers
   * can open the files; the results' URIs are relative to it either way.
   */
  rootUri?: string;
}

/** The key of crossform's fingerprint in `partialFingerprints`. */
export const SARIF_FINGERPRINT_KEY = `crossform/v${FINGERPRINT_VERSION}`;

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
        ...(options.rootUri === undefined
          ? {}
          : { originalUriBaseIds: { [SRCROOT]: { uri: options.rootUri } } }),
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
          artifactLocation: { uri: relativeUri(finding.file), uriBaseId: SRCROOT },
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
    partialFingerprints: { [SARIF_FINGERPRINT_KEY]: finding.fingerprint },
  };
}

const SRCROOT = "%SRCROOT%";

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
