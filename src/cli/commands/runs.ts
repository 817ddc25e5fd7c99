import { listRuns, loadRun } from "../../app/run/run-history.ts";
import { findConfigFile, loadConfig } from "../../app/load-config.ts";
import { formatRunReport } from "../../formatters/run-report-formats.ts";
import {
  formatPrune,
  formatPruneJson,
  formatRunList,
  formatRunListJson,
} from "../../formatters/run-list.ts";
import { formatDiagnostics } from "../../formatters/diagnostics.ts";
import { AtomicFileWriter } from "../../adapters/fs/atomic-write.ts";
import { pruneRuns } from "../../app/run/prune-runs.ts";
import { ageSeconds } from "../../core/run/prune-policy.ts";
import type { PrunePolicy } from "../../core/run/prune-policy.ts";
import type { CliIo } from "../run-cli.ts";
import type { Command } from "commander";
import { NodeFileSystem } from "../../adapters/fs/node-file-system.ts";
import { NodeProcessTable } from "../../adapters/system/node-process-table.ts";
import { dirname, relative, resolve } from "node:path";
import { mergeReportFiles } from "../../app/report/merge-report-files.ts";
import type { RunReport } from "../../core/report/run-report.ts";
import { configLocation, formatOf, usageError, withCommonOptions } from "../context.ts";
import type { CommonOptions } from "../context.ts";
import { ExitCode } from "../exit-codes.ts";
import type { RegisterCommand } from "./index.ts";

interface PruneOptions extends CommonOptions {
  keep?: string;
  olderThan?: string;
  dryRun?: boolean;
}

/** The policy of `runs prune`: its flags, else `run.keep` of crossform.yaml. */
async function prunePolicy(options: PruneOptions, io: CliIo): Promise<PrunePolicy> {
  const policy: PrunePolicy = { now: Date.now() };
  if (options.keep !== undefined) {
    if (!/^[1-9]\d*$/.test(options.keep))
      usageError(`--keep ${options.keep} is not a whole number of 1 or more`, "e.g. --keep 20");
    policy.keep = Number(options.keep);
  }
  if (options.olderThan !== undefined) {
    const seconds = ageSeconds(options.olderThan);
    if (seconds === undefined)
      usageError(`--older-than ${options.olderThan} is not an age`, "write e.g. 12h, 14d or 2w");
    policy.olderThanSeconds = seconds;
  }
  if (policy.keep !== undefined || policy.olderThanSeconds !== undefined) return policy;
  const loaded = await loadConfig(new NodeFileSystem(), configLocation(options, io));
  if (!loaded.ok) {
    io.stderr.write(formatDiagnostics(loaded.diagnostics));
    return usageError(
      "runs prune without --keep or --older-than reads run.keep from crossform.yaml, which is invalid",
      "fix crossform.yaml, or pass --keep N or --older-than D",
    );
  }
  if (loaded.config.run.keep === undefined) {
    return usageError(
      "run.keep is `all` in crossform.yaml: runs prune needs --keep N or --older-than D",
      "e.g. crossform runs prune --keep 20",
    );
  }
  policy.keep = loaded.config.run.keep;
  return policy;
}

/** `crossform runs [run]`: the recorded runs, newest first, or one run's units; `runs prune`. */
export const registerRuns: RegisterCommand = (program, io, setExit) => {
  const runs = withCommonOptions(
    program
      .command("runs")
      .description(
        "list the recorded runs (newest first), show one run's units, or prune old records",
      )
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
      io.stdout.write(formatRunListJson(reports));
    } else {
      io.stdout.write(formatRunList(reports));
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
  withCommonOptions(
    runs
      .command("prune")
      .description(
        "remove old run records: beyond the newest --keep N, or older than --older-than D (default: run.keep); never a record holding an errored.tfstate, a crashed run's journal or a running run",
      )
      .option("--keep <n>", "keep the newest n records")
      .option("--older-than <age>", "remove only records older than this: 12h, 14d, 2w")
      .option("--dry-run", "remove nothing; say what would be removed"),
    ["pretty", "json"],
  ).action(async (_own: PruneOptions, command: Command) => {
    // `runs` takes --config, --chdir and --json too: given after `prune`, they may land there.
    const options = command.optsWithGlobals<PruneOptions>();
    const policy = await prunePolicy(options, io);
    const fs = new NodeFileSystem();
    const dir = dirname(await findConfigFile(fs, configLocation(options, io)));
    const report = await pruneRuns(
      { fs, remover: new AtomicFileWriter(), processes: new NodeProcessTable() },
      dir,
      policy,
      { dryRun: options.dryRun === true },
    );
    io.stdout.write(formatOf(options) === "json" ? formatPruneJson(report) : formatPrune(report));
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
      const empty: string[] = [];
      report = await mergeReportFiles(
        fs,
        merge.map((file) => resolve(io.cwd, file)),
        { onMissing: (path) => empty.push(path) },
      );
      for (const path of empty) {
        io.stderr.write(
          `warning: no report file ${relative(io.cwd, path) || path}: taken as a shard that ran nothing (a shard holding none of the selected units writes no report); merged the ${merge.length - empty.length} other${merge.length - empty.length === 1 ? "" : "s"}\n`,
        );
      }
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
