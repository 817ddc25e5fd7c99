/**
 * One report from the reports of a sharded run (`crossform report --merge`, docs/contract.md section
 * 9): the JSON reports that the jobs of one pipeline wrote, each over its own shard of units,
 * become one report over all of them, which the formatters render like any other (one
 * pull-request comment). Reports that cannot belong to one run are refused: another command,
 * another git commit, or a unit in two of them.
 */
import { CrossformError } from "../errors.ts";
import { createRunReport } from "./run-report.ts";
import type { RunReport, UnitReport, WaveReport } from "./run-report.ts";

/** A report and the file it came from (for messages). */
export interface MergeInput {
  report: RunReport;
  source: string;
}

/** How bad a wave's status is: the merged wave takes the worst of its shards. */
const WAVE_SEVERITY: Record<WaveReport["status"], number> = {
  "not-started": 0,
  completed: 1,
  interrupted: 2,
  halted: 3,
};

function refuse(message: string, hint: string): never {
  throw new CrossformError("report/merge", "user", message, { hint });
}

/** "a plan", "an apply". */
function withArticle(word: string): string {
  return `${/^[aeiou]/.test(word) ? "an" : "a"} ${word}`;
}

function distinct(values: readonly (string | undefined)[]): string[] {
  return [...new Set(values.filter((v): v is string => v !== undefined))];
}

function union(lists: readonly (readonly string[])[]): string[] {
  return [...new Set(lists.flat())];
}

/**
 * Merges the reports of one sharded run. The merged run starts with the earliest and ends with
 * the latest; its id joins the ids with `+`; users and Terraform versions that differ are listed;
 * a wave's status is the worst of its shards' (halted, interrupted, completed, not started) and
 * its failed accounts are the union. Units keep their order within a wave, waves run in order.
 */
export function mergeRunReports(inputs: readonly MergeInput[]): RunReport {
  const first = inputs[0];
  if (first === undefined) refuse("--merge needs at least one report", "name the JSON reports");
  for (const input of inputs) {
    if (input.report.run.command !== first.report.run.command) {
      refuse(
        `${first.source} is ${withArticle(first.report.run.command)} report and ${input.source} ${withArticle(input.report.run.command)} report`,
        "merge the reports of one run: the shards of one command",
      );
    }
    const a = first.report.run.git_commit;
    const b = input.report.run.git_commit;
    if (a !== undefined && b !== undefined && a !== b) {
      refuse(
        `${first.source} ran at commit ${a.slice(0, 12)} and ${input.source} at ${b.slice(0, 12)}`,
        "merge the reports of one pipeline: its jobs run at one commit",
      );
    }
  }
  const seen = new Map<string, string>();
  const units: UnitReport[] = [];
  for (const input of inputs) {
    for (const unit of input.report.units) {
      const other = seen.get(unit.id);
      if (other !== undefined) {
        refuse(
          `unit ${unit.id} is in both ${other} and ${input.source}`,
          "merge the reports of disjoint shards (--shard i/n of one n), each once",
        );
      }
      seen.set(unit.id, input.source);
      units.push(unit);
    }
  }
  // Array.prototype.sort is stable: units keep their order within a wave.
  units.sort((x, y) => x.wave - y.wave);

  const waves = new Map<number, WaveReport>();
  for (const input of inputs) {
    for (const wave of input.report.waves) {
      const merged = waves.get(wave.index);
      if (merged === undefined) {
        waves.set(wave.index, {
          ...wave,
          canary_accounts: [...wave.canary_accounts],
          failed_accounts: [...wave.failed_accounts],
        });
        continue;
      }
      if (WAVE_SEVERITY[wave.status] > WAVE_SEVERITY[merged.status]) merged.status = wave.status;
      merged.canary_accounts = union([merged.canary_accounts, wave.canary_accounts]);
      merged.failed_accounts = union([merged.failed_accounts, wave.failed_accounts]);
    }
  }

  const runs = inputs.map((i) => i.report.run);
  const started = runs.map((r) => r.started_at).sort()[0] ?? first.report.run.started_at;
  const finished =
    runs
      .map((r) => r.finished_at)
      .sort()
      .at(-1) ?? first.report.run.finished_at;
  const users = distinct(runs.map((r) => r.user));
  const versions = distinct(runs.map((r) => r.terraform_version));
  const commit = distinct(runs.map((r) => r.git_commit))[0];
  const duration = Date.parse(finished) - Date.parse(started);
  return createRunReport({
    run: {
      id: runs.map((r) => r.id).join("+"),
      command: first.report.run.command,
      started_at: started,
      finished_at: finished,
      duration_ms: Number.isFinite(duration) && duration >= 0 ? duration : 0,
      ...(users.length > 0 ? { user: users.join(", ") } : {}),
      ...(commit !== undefined ? { git_commit: commit } : {}),
      ...(versions.length > 0 ? { terraform_version: versions.join(", ") } : {}),
      selection: {
        stacks: union(runs.map((r) => r.selection.stacks)),
        targets: union(runs.map((r) => r.selection.targets)),
        all: runs.some((r) => r.selection.all),
      },
      interrupted: runs.some((r) => r.interrupted),
    },
    units,
    waves: [...waves.values()].sort((x, y) => x.index - y.index),
  });
}
