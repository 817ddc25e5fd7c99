/**
 * Lint baselines: today's findings written to a file (`--write-baseline`) so that a repository with
 * existing findings can switch lint on and fail only on new ones. A finding is in the baseline when
 * the baseline lists its rule, file and fingerprint (see `fingerprint.ts`: no line numbers, so
 * findings survive lines added above them). Each listed entry excuses one finding.
 */
import { CrossformError } from "../errors.ts";
import { isFailing } from "./engine.ts";
import type { LintReport } from "./engine.ts";

/** The version of the baseline file's shape. */
export const BASELINE_VERSION = 1;

/** One finding as a baseline lists it. */
export interface BaselineEntry {
  ruleId: string;
  /** Repository-relative POSIX path. */
  file: string;
  fingerprint: string;
  /** For the reader of the file; not used for matching. */
  message?: string;
}

/** A baseline file's contents. */
export interface LintBaseline {
  version: typeof BASELINE_VERSION;
  findings: BaselineEntry[];
}

/** The baseline of a report, as the text of the file (sorted like the report, newline at the end). */
export function formatBaseline(report: LintReport): string {
  const document: LintBaseline = {
    version: BASELINE_VERSION,
    findings: report.findings.map((finding) => ({
      ruleId: finding.ruleId,
      file: finding.file,
      fingerprint: finding.fingerprint,
      message: finding.message,
    })),
  };
  return `${JSON.stringify(document, null, 2)}\n`;
}

/** Reads a baseline file's text; a file that is not a baseline is a user error naming it. */
export function parseBaseline(text: string, path: string): LintBaseline {
  let value: unknown;
  try {
    value = JSON.parse(text.replace(/^\uFEFF/, ""));
  } catch (error) {
    throw invalid(
      path,
      `it is not JSON (${error instanceof Error ? error.message : String(error)})`,
    );
  }
  if (typeof value !== "object" || value === null || Array.isArray(value))
    throw invalid(path, "it is not a JSON object");
  const { version, findings } = value as { version?: unknown; findings?: unknown };
  if (version !== BASELINE_VERSION)
    throw invalid(
      path,
      `its version is ${JSON.stringify(version)}, this crossform reads version ${BASELINE_VERSION}`,
    );
  if (!Array.isArray(findings)) throw invalid(path, "it has no findings list");
  const entries: BaselineEntry[] = [];
  findings.forEach((entry: unknown, index) => {
    const { ruleId, file, fingerprint } = (entry ?? {}) as Record<string, unknown>;
    if (typeof ruleId !== "string" || typeof file !== "string" || typeof fingerprint !== "string")
      throw invalid(path, `findings[${index}] needs string ruleId, file and fingerprint`);
    entries.push({ ruleId, file, fingerprint });
  });
  return { version: BASELINE_VERSION, findings: entries };
}

function invalid(path: string, why: string): CrossformError {
  return new CrossformError(
    "lint/invalid-baseline",
    "user",
    `${path} is not a lint baseline: ${why}`,
    {
      hint: "write it again with `crossform lint --baseline <file> --write-baseline`",
    },
  );
}

/** The report without the findings the baseline lists; `baselined` counts them. */
export function applyBaseline(report: LintReport, baseline: LintBaseline): LintReport {
  const remaining = new Map<string, number>();
  for (const entry of baseline.findings) {
    const key = keyOf(entry);
    remaining.set(key, (remaining.get(key) ?? 0) + 1);
  }
  const findings = report.findings.filter((finding) => {
    const key = keyOf(finding);
    const left = remaining.get(key) ?? 0;
    if (left === 0) return true;
    remaining.set(key, left - 1);
    return false;
  });
  return {
    ...report,
    findings,
    baselined: report.baselined + report.findings.length - findings.length,
    failed: isFailing(findings, report.failLevel),
  };
}

function keyOf(entry: { ruleId: string; file: string; fingerprint: string }): string {
  return `${entry.ruleId}\u0000${entry.file}\u0000${entry.fingerprint}`;
}
