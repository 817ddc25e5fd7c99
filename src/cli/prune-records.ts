/**
 * `run.keep` after each recorded run (docs/commands/run.md, "Run records"): the records beyond the newest `keep`
 * are removed, never one that holds an errored.tfstate, a crashed run's journal or a running run.
 */
import { AtomicFileWriter } from "../adapters/fs/atomic-write.ts";
import { NodeProcessTable } from "../adapters/system/node-process-table.ts";
import { pruneRuns } from "../app/run/prune-runs.ts";
import type { Adapters } from "./context.ts";
import type { CliIo } from "./run-cli.ts";

/**
 * `run.keep`: the run records beyond the newest `keep` are removed after each run (never one that
 * holds an errored.tfstate, a crashed run's journal or a running run). A failure is a warning: the
 * run is over and recorded.
 */
export async function pruneRecords(
  adapters: Adapters,
  configDir: string,
  keep: number | undefined,
  io: CliIo,
): Promise<void> {
  if (keep === undefined) return;
  try {
    const pruned = await pruneRuns(
      { fs: adapters.fs, remover: new AtomicFileWriter(), processes: new NodeProcessTable() },
      configDir,
      { keep, now: Date.now() },
    );
    const n = pruned.removed.length;
    if (n > 0)
      io.stderr.write(
        `removed ${n} old run record${n === 1 ? "" : "s"} (run.keep: ${keep}): ${pruned.removed.join(", ")}\n`,
      );
  } catch (error) {
    io.stderr.write(
      `warning: old run records were not pruned: ${error instanceof Error ? error.message : String(error)}\n`,
    );
  }
}
