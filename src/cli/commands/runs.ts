import { listRuns, loadRun } from "../../app/run/run-history.ts";
import { findConfigFile } from "../../app/load-config.ts";
import { formatRunReport } from "../../formatters/run-report-formats.ts";
import { formatDuration } from "../../formatters/run-summary.ts";
import { NodeFileSystem } from "../../adapters/fs/node-file-system.ts";
import { NodeProcessTable } from "../../adapters/system/node-process-table.ts";
import { dirname, resolve } from "node:path";
import { mergeReportFiles } from "../../app/report/merge-report-files.ts";
import type { RunReport } from "../../core/report/run-report.ts";
import { configLocation, formatOf, usageError, withCommonOptions } from "../context.ts";
import type { CommonOptions } from "../context.ts";
import { ExitCode } from "../exit-codes.ts";
import type { RegisterCommand } from "./index.ts";

/** A run's state in the list: how it ended, or that it did not. */
function runState(report: RunReport): string {
  return report.run.state ?? (report.run.interrupted ? "interrupted" : "ended");
}

/** `crossform runs [run]`: the recorded runs, newest first, or one run's units. */
export const registerRuns: RegisterCommand = (program, io, setExit) => {
  withCommonOptions(
    program
      .command("runs")
      .description("list the recorded runs (newest first), or show one run's units")
      .argument("[run]", "a run id: show its units (also a crashed run's, from its journal)"),
    ["pretty", "json"],
  ).action(async (runId: string | undefined, options: CommonOptions) => {
    const fs = new NodeFileSystem();
    const processes = new NodeProcessTable();
    const dir = dirname(await findConfigFile(fs, configLocation(options, io)));
    if (runId !== undefined) {
      const report = await loadRun(fs, processes, dir, runId);
      io.stdout.write(formatRunReport(report, formatOf(options)));
      setExit(ExitCode.Ok);
      return;
    }
    const { reports, unreadable } = await listRuns(fs, processes, dir);
    if (formatOf(options) === "json") {
      io.stdout.write(
        `${JSON.stringify({ version: 1, runs: reports.map((r) => ({ ...r.run, totals: r.totals })) }, null, 2)}\n`,
      );
    } else if (reports.length === 0) {
      io.stdout.write("no recorded runs\n");
    } else {
      const rows = [
        ["RUN", "COMMAND", "STARTED", "DURATION", "STATE", "UNITS", "CHANGES", "FAILED"],
      ];
      for (const r of reports) {
        rows.push([
          r.run.id,
          r.run.command,
          r.run.started_at,
          formatDuration(r.run.duration_ms),
          runState(r),
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
      const crashed = reports.filter((r) => r.run.state === "crashed").map((r) => r.run.id);
      if (crashed.length > 0) {
        io.stderr.write(
          `crashed: ${crashed.join(", ")}; \`crossform runs <run>\` shows what each unit was doing\n`,
        );
      }
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
 * ...`: renders one report from the JSON reports of a sharded run (docs/contract.md section 9).
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
      report = await loadRun(fs, new NodeProcessTable(), dir, runId);
    } else {
      return usageError(
        "report needs a run id or --merge files",
        "`crossform runs` lists the recorded runs",
      );
    }
    io.stdout.write(formatRunReport(report, formatOf(options)));
    setExit(ExitCode.Ok);
  });
};
