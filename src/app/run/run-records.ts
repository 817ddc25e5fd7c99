/**
 * Run records under `.crossform/runs/<run-id>/` (docs/contract.md, "Files"): `journal.jsonl` (the
 * ledger's journal, written as the run goes), `run.json` (the run report), and per unit
 * `units/<stack>/<account>/<region>/{log, plan.tfplan, summary.json, binding.json,
 * errored.tfstate}`. Directories 0700, files 0600.
 */
import { createHash } from "node:crypto";
import { join } from "node:path";
import { CrossformError } from "../../core/errors.ts";
import { parseRunReport } from "../../core/report/run-report.ts";
import type { RunReport } from "../../core/report/run-report.ts";
import type { FileSystem } from "../../ports/file-system.ts";
import type { FileWriter } from "../../ports/file-writer.ts";

/** The `.crossform/` directory of a configuration directory. */
export function crossformDir(configDir: string): string {
  return join(configDir, ".crossform");
}

/** The shared provider plugin cache (`TF_PLUGIN_CACHE_DIR`) of a configuration directory. */
export function pluginCacheDirOf(configDir: string): string {
  return join(crossformDir(configDir), "plugin-cache");
}

/** The directory of all run records. */
export function runsDir(configDir: string): string {
  return join(crossformDir(configDir), "runs");
}

/** The journal's file name in a run's record directory (run-ledger.ts). */
export const JOURNAL_FILE = "journal.jsonl";

/** The directory of one run. */
export function runDir(configDir: string, runId: string): string {
  return join(runsDir(configDir), runId);
}

/** The record directory of one unit in one run. */
export function unitRecordDir(configDir: string, runId: string, unitId: string): string {
  return join(runDir(configDir, runId), "units", ...unitId.split("/"));
}

/** A run id: sortable by time, unique by a random suffix: `20261124-101500-a1b2c3`. */
export function newRunId(nowMs: number, suffix: string): string {
  const d = new Date(nowMs);
  const pad = (n: number): string => String(n).padStart(2, "0");
  return `${d.getUTCFullYear()}${pad(d.getUTCMonth() + 1)}${pad(d.getUTCDate())}-${pad(d.getUTCHours())}${pad(d.getUTCMinutes())}${pad(d.getUTCSeconds())}-${suffix}`;
}

/** What binds a saved plan to its unit (docs/contract.md section 7). */
export interface PlanBinding {
  version: 1;
  unit: string;
  plan_sha256: string;
  inputs_sha256: string;
  terraform_version: string;
  /** Whether the plan has changes. */
  has_changes: boolean;
  /**
   * The flags passed to the plan after `--` (`-target`, `-replace`, `-var`, ...), `-var` values
   * left out; absent (as in bindings written before) when there were none.
   */
  pass_through?: string[];
  /** SHA-256 of the flags as terraform got them ({@link passThroughSha256}); absent: none. */
  pass_through_sha256?: string;
}

/** SHA-256 of pass-through flags as terraform gets them (values included), for a plan's binding. */
export function passThroughSha256(args: readonly string[]): string {
  return createHash("sha256").update(JSON.stringify(args)).digest("hex");
}

/** Writes a JSON file 0600. */
export async function writeJson(writer: FileWriter, path: string, value: unknown): Promise<void> {
  await writer.writeAtomic(path, `${JSON.stringify(value, null, 2)}\n`, {
    mode: 0o600,
    directoryMode: 0o700,
  });
}

/** Saves the run report as `run.json` of its record. */
export async function saveRunReport(
  writer: FileWriter,
  configDir: string,
  report: RunReport,
): Promise<string> {
  const path = join(runDir(configDir, report.run.id), "run.json");
  await writeJson(writer, path, report);
  return path;
}

/** Loads the report of a recorded run; a user error names the run when it is missing or unreadable. */
export async function loadRunReport(
  fs: FileSystem,
  configDir: string,
  runId: string,
): Promise<RunReport> {
  if (!/^[A-Za-z0-9._-]+$/.test(runId)) {
    throw new CrossformError("run/unknown-run", "user", `"${runId}" is not a run id`, {
      hint: "`crossform runs` lists the recorded runs",
    });
  }
  const path = join(runDir(configDir, runId), "run.json");
  if (!(await fs.exists(path))) {
    throw new CrossformError("run/unknown-run", "user", `no recorded run ${runId} (no ${path})`, {
      hint: "`crossform runs` lists the recorded runs",
    });
  }
  let data: unknown;
  try {
    data = JSON.parse(await fs.readText(path));
  } catch (error) {
    throw new CrossformError(
      "run/unreadable-record",
      "user",
      `${path} is not JSON: ${String(error)}`,
      {
        hint: "the record was damaged; run the command again",
      },
    );
  }
  return parseRunReport(data, path);
}

/**
 * Every recorded run, newest first, each read with `load` (by default its `run.json`: runs that
 * ended); unreadable records are skipped and named.
 */
export async function listRunReports(
  fs: FileSystem,
  configDir: string,
  load: (runId: string) => Promise<RunReport> = (runId) => loadRunReport(fs, configDir, runId),
): Promise<{ reports: RunReport[]; unreadable: string[] }> {
  const dir = runsDir(configDir);
  if (!(await fs.exists(dir))) return { reports: [], unreadable: [] };
  const reports: RunReport[] = [];
  const unreadable: string[] = [];
  for (const entry of await fs.listDir(dir)) {
    // `.<id>.removing`: a record being pruned (prune-runs.ts).
    if (!entry.isDirectory || entry.name.startsWith(".")) continue;
    try {
      reports.push(await load(entry.name));
    } catch {
      unreadable.push(entry.name);
    }
  }
  reports.sort((a, b) => (a.run.id < b.run.id ? 1 : a.run.id > b.run.id ? -1 : 0));
  return { reports, unreadable };
}

/** Loads a plan binding; undefined when the unit has none in that run. */
export async function loadBinding(fs: FileSystem, dir: string): Promise<PlanBinding | undefined> {
  const path = join(dir, "binding.json");
  if (!(await fs.exists(path))) return undefined;
  try {
    return JSON.parse(await fs.readText(path)) as PlanBinding;
  } catch {
    return undefined;
  }
}

/**
 * How long a run is expected to take (docs/contract.md section 5): the duration of the newest recorded,
 * uninterrupted run of the same command and selection; undefined when there is none (the session
 * check then assumes 30 minutes).
 */
export async function expectedRunSeconds(
  fs: FileSystem,
  configDir: string,
  command: string,
  selection: { stacks: string[]; targets: string[]; all: boolean },
): Promise<number | undefined> {
  const key = (s: { stacks: string[]; targets: string[]; all: boolean }): string =>
    JSON.stringify([[...s.stacks].sort(), [...s.targets].sort(), s.all]);
  const wanted = key(selection);
  const { reports } = await listRunReports(fs, configDir);
  const last = reports.find(
    (r) => r.run.command === command && !r.run.interrupted && key(r.run.selection) === wanted,
  );
  return last === undefined ? undefined : Math.ceil(last.run.duration_ms / 1000);
}
