/**
 * Pruning run records (`crossform runs prune`, and `run.keep` after each run): which records under
 * `.crossform/runs/` go is core/run/prune-policy.ts's decision; here each record is read for what
 * protects it (an `errored.tfstate` anywhere in it, a journal without an end whose process is gone
 * or still runs) and the chosen ones are removed. A directory whose name is not a run id is never
 * touched, except what an interrupted removal left (`.<id>.removing`), which goes first.
 */
import { join } from "node:path";
import { decidePrune, runIdTime } from "../../core/run/prune-policy.ts";
import type { PrunePolicy, ProtectedReason, RunRecordEntry } from "../../core/run/prune-policy.ts";
import type { FileSystem } from "../../ports/file-system.ts";
import type { DirectoryRemover } from "../../ports/file-writer.ts";
import type { ProcessTable } from "../../ports/process-table.ts";
import { readJournaledRun } from "./run-history.ts";
import { runDir, runsDir } from "./run-records.ts";

/** What pruning needs. */
export interface PruneRunsDeps {
  fs: FileSystem;
  remover: DirectoryRemover;
  processes: ProcessTable;
}

/** What pruning did (or, with `dryRun`, would do). */
export interface PruneReport {
  /** Run ids removed (or to remove), newest first. */
  removed: string[];
  /** Records the policy reached but that stay, with why. */
  protected: { id: string; reason: ProtectedReason }[];
  /** How many run records there were. */
  total: number;
  dryRun: boolean;
}

const LEFTOVER = /^\..+\.removing$/;

/** Whether the record of `runId` holds an `errored.tfstate` anywhere below it. */
async function holdsErroredState(fs: FileSystem, dir: string, depth = 0): Promise<boolean> {
  if (depth > 6) return false;
  let entries;
  try {
    entries = await fs.listDir(dir);
  } catch {
    return false;
  }
  for (const entry of entries) {
    if (entry.isFile && entry.name === "errored.tfstate") return true;
    if (entry.isDirectory && (await holdsErroredState(fs, join(dir, entry.name), depth + 1)))
      return true;
  }
  return false;
}

/** Why a record must stay whatever its age, or undefined. */
async function protection(
  deps: PruneRunsDeps,
  configDir: string,
  runId: string,
): Promise<ProtectedReason | undefined> {
  const dir = runDir(configDir, runId);
  if (await holdsErroredState(deps.fs, join(dir, "units"))) return "errored-state";
  if (await deps.fs.exists(join(dir, "run.json"))) return undefined;
  const journaled = await readJournaledRun(deps.fs, deps.processes, configDir, runId).catch(
    () => undefined,
  );
  const state = journaled?.report.run.state;
  return state === "crashed" || state === "running" ? state : undefined;
}

/** Prunes the run records of `configDir` by `policy`; see the module comment. */
export async function pruneRuns(
  deps: PruneRunsDeps,
  configDir: string,
  policy: PrunePolicy,
  options: { dryRun?: boolean } = {},
): Promise<PruneReport> {
  const dryRun = options.dryRun === true;
  const dir = runsDir(configDir);
  if (!(await deps.fs.exists(dir))) return { removed: [], protected: [], total: 0, dryRun };
  const entries = (await deps.fs.listDir(dir)).filter((e) => e.isDirectory);
  if (!dryRun) {
    for (const leftover of entries.filter((e) => LEFTOVER.test(e.name)))
      await deps.remover.removeDirectory(join(dir, leftover.name));
  }
  const records: RunRecordEntry[] = [];
  for (const entry of entries) {
    const startedAt = runIdTime(entry.name);
    if (startedAt === undefined) continue;
    const protectedBy = await protection(deps, configDir, entry.name);
    records.push({
      id: entry.name,
      startedAt,
      ...(protectedBy ? { protectedBy } : {}),
    });
  }
  const decision = decidePrune(records, policy);
  if (!dryRun) {
    for (const id of decision.remove) await deps.remover.removeDirectory(runDir(configDir, id));
  }
  return { removed: decision.remove, protected: decision.protected, total: records.length, dryRun };
}
