/**
 * The formatter registry of run reports: one formatter per format name, and the format a report
 * file's name asks for. The run commands, `crossform report` and `--report FILE` all render
 * through it.
 */
import type { RunReport } from "../core/report/run-report.ts";
import { formatRunHtml } from "./run-html.ts";
import { formatRunJson } from "./run-json.ts";
import { formatRunMarkdown } from "./run-markdown.ts";
import { formatRunSummary } from "./run-summary.ts";
import { formatExecSummary } from "./exec-output.ts";

/** The terminal table: an exec's (exit codes) or a run's (changes). */
function formatSummary(report: RunReport): string {
  return report.run.command === "exec" ? formatExecSummary(report) : formatRunSummary(report);
}

/** The formats a run report renders in, each a pure function of the report. */
export const RUN_REPORT_FORMATTERS = {
  pretty: formatSummary,
  json: formatRunJson,
  md: formatRunMarkdown,
  html: formatRunHtml,
} as const satisfies Record<string, (report: RunReport) => string>;

/** A run report format. */
export type RunReportFormat = keyof typeof RUN_REPORT_FORMATTERS;

/** The report in `format` (an unknown name renders the terminal summary). */
export function formatRunReport(report: RunReport, format: string): string {
  const formatter =
    format in RUN_REPORT_FORMATTERS
      ? RUN_REPORT_FORMATTERS[format as RunReportFormat]
      : formatSummary;
  return formatter(report);
}

const FILE_FORMATS: Readonly<Record<string, RunReportFormat>> = {
  ".md": "md",
  ".markdown": "md",
  ".json": "json",
  ".html": "html",
  ".htm": "html",
};

/** The format a report file's extension asks for (`.md`, `.json`, `.html`), or undefined. */
export function runReportFormatOfFile(file: string): RunReportFormat | undefined {
  const dot = file.lastIndexOf(".");
  const slash = Math.max(file.lastIndexOf("/"), file.lastIndexOf("\\"));
  return dot > slash ? FILE_FORMATS[file.slice(dot).toLowerCase()] : undefined;
}

/** The files every run record holds next to its `run.json`, and their formats. */
export const RECORD_REPORT_FILES: readonly (readonly [string, RunReportFormat])[] = [
  ["report.md", "md"],
  ["report.json", "json"],
  ["report.html", "html"],
];
