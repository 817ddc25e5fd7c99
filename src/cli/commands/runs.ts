import { listRunReports, loadRunReport } from "../../app/run/run-records.ts";
import { findConfigFile } from "../../app/load-config.ts";
import { formatRunHtml } from "../../formatters/run-html.ts";
import { formatRunJson } from "../../formatters/run-json.ts";
import { formatRunMarkdown } from "../../formatters/run-markdown.ts";
import { formatRunSummary, formatDuration } from "../../formatters/run-summary.ts";
import { NodeFileSystem } from "../../adapters/fs/node-file-system.ts";
import { dirname, resolve } from "node:path";
import { mergeReportFiles } from "../../app/report/merge-report-files.ts";
import type { RunReport } from "../../core/report/run-report.ts";
import { configLocation, formatOf, usageError, withCommonOptions } from "../context.ts";
import type { CommonOptions } from "../context.ts";
import { ExitCode } from "../exit-codes.ts";
import type { RegisterCommand } from "./index.ts";

/** `crossform runs`: the recorded runs, newest first. */
export const registerRuns: RegisterCommand = (program, io, setExit) => {
  withCommonOptions(program.command("runs").description("list the recorded runs (newest first)"), [
    "pretty",
    "json",
  ]).action(async (options: CommonOptions) => {
    const fs = new NodeFileSystem();
    const dir = dirname(await findConfigFile(fs, configLocation(options, io)));
    const { reports, unreadable } = await listRunReports(fs, dir);
    if (formatOf(options) === "json") {
      io.stdout.write(
        `${JSON.stringify({ version: 1, runs: reports.map((r) => ({ ...r.run, totals: r.totals })) }, null, 2)}\n`,
      );
    } else if (reports.length === 0) {
      io.stdout.write("no recorded runs\n");
    } else {
      const rows = [["RUN", "COMMAND", "STARTED", "DURATION", "UNITS", "CHANGES", "FAILED"]];
      for (const r of reports) {
        rows.push([
          r.run.id,
          r.run.command,
          r.run.started_at,
          formatDuration(r.run.duration_ms),
          String(r.totals.units),
          String(r.totals.with_changes),
          String(r.totals.failed),
        ]);
      }
      const widths = rows[0]!.map((_, i) => Math.max(...rows.map((row) => row[i]!.length)));
      io.stdout.write(
        `${rows
          .map((row) =>
            row
              .map((c, i) => c.padEnd(widths[i]!))
              .join("  ")
              .trimEnd(),
          )
          .join("\n")}\n`,
      );
    }
    for (const id of unreadable)
      io.stderr.write(`warning: the record of run ${id} is unreadable\n`);
    setExit(ExitCode.Ok);
  });
};

interface ReportOptions extends CommonOptions {
  merge?: string[];
}

/**
 * `crossform report <run>`: renders a recorded run again; `crossform report --merge a.json b.json
 * ...`: renders one report from the JSON reports of a sharded run (CONTRACT.md section 9).
 */
export const registerReport: RegisterCommand = (program, io, setExit) => {
  withCommonOptions(
    program
      .command("report")
      .description("render a recorded run again, or merge the JSON reports of a sharded run")
      .argument("[run]", "run id (see crossform runs)")
      .option(
        "--merge <files...>",
        "merge these JSON reports (--report FILE.json of each shard) into one",
      ),
    ["pretty", "md", "json", "html"],
  ).action(async (runId: string | undefined, options: ReportOptions) => {
    const fs = new NodeFileSystem();
    const merge = options.merge ?? [];
    if (runId !== undefined && merge.length > 0) {
      usageError(
        `report ${runId} --merge: give a run id or --merge files, not both`,
        "crossform report <run> renders a recorded run; crossform report --merge a.json b.json merges reports",
      );
    }
    let report: RunReport;
    if (merge.length > 0) {
      report = await mergeReportFiles(
        fs,
        merge.map((file) => resolve(io.cwd, file)),
      );
    } else if (runId !== undefined) {
      const dir = dirname(await findConfigFile(fs, configLocation(options, io)));
      report = await loadRunReport(fs, dir, runId);
    } else {
      return usageError(
        "report needs a run id or --merge files",
        "`crossform runs` lists the recorded runs",
      );
    }
    const format = formatOf(options);
    io.stdout.write(
      format === "json"
        ? formatRunJson(report)
        : format === "md"
          ? formatRunMarkdown(report)
          : format === "html"
            ? formatRunHtml(report)
            : formatRunSummary(report),
    );
    setExit(ExitCode.Ok);
  });
};
