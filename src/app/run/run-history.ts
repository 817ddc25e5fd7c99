/**
 * The recorded runs as `crossform runs` and `crossform report <run>` show them: a run that ended
 * has its `run.json`; a run without one is read back from its journal. Such a run is `running`
 * while the crossform process that wrote the journal still runs, `crashed` once it is gone (the
 * journal says which units it was running, and which terraform processes); a journal with an end
 * but no `run.json` (the disk refused it) is a finished run.
 */
import { join } from "node:path";
import type { RunReport, RunState } from "../../core/report/run-report.ts";
import { readJournal } from "../../core/run/ledger.ts";
import type { JournalContents } from "../../core/run/ledger.ts";
import { reportFromLedger } from "../../core/run/ledger-report.ts";
import type { FileSystem } from "../../ports/file-system.ts";
import type { ProcessTable } from "../../ports/process-table.ts";
import { JOURNAL_FILE, listRunReports, loadRunReport, runDir } from "./run-records.ts";

/** A run read back from its journal. */
export interface JournaledRun {
  report: RunReport;
  journal: JournalContents;
}

/** Whether the process that wrote a journal without an end still runs. */
async function stateOf(journal: JournalContents, processes: ProcessTable): Promise<RunState> {
  const owner = journal.header?.process;
  if (owner === undefined) return "crashed";
  return (await processes.isRunning(owner)) ? "running" : "crashed";
}

/** A run read back from its journal; undefined when it has none (or no header). */
export async function readJournaledRun(
  fs: FileSystem,
  processes: ProcessTable,
  configDir: string,
  runId: string,
): Promise<JournaledRun | undefined> {
  const path = join(runDir(configDir, runId), JOURNAL_FILE);
  if (!(await fs.exists(path))) return undefined;
  const journal = readJournal(await fs.readText(path));
  const header = journal.header;
  if (header === undefined) return undefined;
  const state = journal.end === undefined ? await stateOf(journal, processes) : undefined;
  const report = reportFromLedger({
    header,
    records: journal.records,
    waves: journal.waves,
    interrupted: journal.interrupted !== undefined,
    finishedAt: journal.end?.at ?? journal.lastAt ?? header.started_at,
    ...(state !== undefined ? { state } : {}),
  });
  return { report, journal };
}

/**
 * A recorded run: its `run.json`, or else what its journal says. A user error names the run when
 * it has neither.
 */
export async function loadRun(
  fs: FileSystem,
  processes: ProcessTable,
  configDir: string,
  runId: string,
): Promise<RunReport> {
  if (
    /^[A-Za-z0-9._-]+$/.test(runId) &&
    !(await fs.exists(join(runDir(configDir, runId), "run.json")))
  ) {
    const journaled = await readJournaledRun(fs, processes, configDir, runId);
    if (journaled) return journaled.report;
  }
  return loadRunReport(fs, configDir, runId);
}

/** Every recorded run, ended or not, newest first; unreadable records are skipped and named. */
export function listRuns(
  fs: FileSystem,
  processes: ProcessTable,
  configDir: string,
): Promise<{ reports: RunReport[]; unreadable: string[] }> {
  return listRunReports(fs, configDir, (runId) => loadRun(fs, processes, configDir, runId));
}
