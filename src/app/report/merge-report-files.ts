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

/** Reads and merges the reports of one sharded run, in the order given. */
export async function mergeReportFiles(
  fs: FileSystem,
  paths: readonly string[],
): Promise<RunReport> {
  const inputs = [];
  for (const path of paths)
    inputs.push({ report: await readRunReportFile(fs, path), source: path });
  return mergeRunReports(inputs);
}
