/**
 * `crossform report --merge a.json b.json ...`: reads the JSON reports that the jobs of a sharded
 * run wrote (`--report FILE.json`) and merges them into one (docs/contract.md section 9).
 */
import { CrossformError } from "../../core/errors.ts";
import { mergeRunReports } from "../../core/report/merge-reports.ts";
import { parseRunReport } from "../../core/report/run-report.ts";
import type { RunReport } from "../../core/report/run-report.ts";
import type { FileSystem } from "../../ports/file-system.ts";

/** Reads one JSON run report; a user error names the file when it is missing or not a report. */
export async function readRunReportFile(fs: FileSystem, path: string): Promise<RunReport> {
  if (!(await fs.exists(path))) {
    throw new CrossformError("report/missing-file", "user", `no report file ${path}`, {
      hint: "name the JSON reports the jobs wrote with --report FILE.json",
    });
  }
  let data: unknown;
  try {
    data = JSON.parse(await fs.readText(path));
  } catch (error) {
    throw new CrossformError(
      "report/invalid",
      "user",
      `${path} is not JSON: ${error instanceof Error ? error.message : String(error)}`,
      { hint: "merge the .json reports (--report FILE.json), not the Markdown or HTML ones" },
    );
  }
  return parseRunReport(data, path);
}

/** Options of {@link mergeReportFiles}. */
export interface MergeReportFilesOptions {
  /**
   * Told of each named file that does not exist, taken as the report of a shard that ran nothing
   * (a shard that holds none of the selected units exits 0 and writes no report); without it a
   * missing file is an error.
   */
  onMissing?: (path: string) => void;
}

/**
 * Reads and merges the reports of one sharded run, in the order given. With `onMissing`, the files
 * that exist are merged, and a user error says so when none does.
 */
export async function mergeReportFiles(
  fs: FileSystem,
  paths: readonly string[],
  options: MergeReportFilesOptions = {},
): Promise<RunReport> {
  const inputs = [];
  const missing: string[] = [];
  for (const path of paths) {
    if (options.onMissing && !(await fs.exists(path))) {
      missing.push(path);
      continue;
    }
    inputs.push({ report: await readRunReportFile(fs, path), source: path });
  }
  if (inputs.length === 0 && missing.length > 0) {
    throw new CrossformError(
      "report/nothing-to-merge",
      "user",
      `no report to merge: none of the ${missing.length} named files exists (${missing.join(", ")})`,
      {
        hint: "a shard that holds none of the selected units writes no report; check the paths the jobs wrote with --report FILE.json",
      },
    );
  }
  for (const path of missing) options.onMissing?.(path);
  return mergeRunReports(inputs);
}
