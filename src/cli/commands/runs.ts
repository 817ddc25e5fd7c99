import { listRunReports, loadRunReport } from "../../app/run/run-records.ts";
import { findConfigFile } from "../../app/load-config.ts";
import { formatRunHtml } from "../../formatters/run-html.ts";
import { formatRunJson } from "../../formatters/run-json.ts";
import { formatRunMarkdown } from "../../formatters/run-markdown.ts";
import { formatRunSummary, formatDuration } from "../../formatters/run-summary.ts";
import { NodeFileSystem } from "../../adapters/fs/node-file-system.ts";
import { dirname } from "node:path";
import { configLocation, formatOf, withCommonOptions } from "../context.ts";
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

/** `crossform report <run>`: renders a recorded run again. */
export const registerReport: RegisterCommand = (program, io, setExit) => {
  withCommonOptions(
    program
      .command("report")
      .description("render a recorded run again")
      .argument("<run>", "run id (see crossform runs)"),
    ["pretty", "md", "json", "html"],
  ).action(async (runId: string, options: CommonOptions) => {
    const fs = new NodeFileSystem();
    const dir = dirname(await findConfigFile(fs, configLocation(options, io)));
    const report = await loadRunReport(fs, dir, runId);
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
