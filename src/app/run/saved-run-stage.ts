/**
 * `apply --run <id>`, before its session: the plan run it names (a plan run, not another
 * command's), and in a terminal the operator's confirmation of its saved plans.
 */
import { approvalAccountsOf } from "../../core/run/approvals.ts";
import { createRunReport } from "../../core/report/run-report.ts";
import type { RunReport } from "../../core/report/run-report.ts";
import type { Unit } from "../../core/units/units.ts";
import type { LoadedConfig } from "../load-config.ts";
import { loadRunReport } from "./run-records.ts";
import type { RunDeps, RunOptions } from "./run-types.ts";
import { badInput, isStop, orStop, stop } from "./stop.ts";
import type { Stop } from "./stop.ts";
import type { SavedUnit } from "./unit-runner.ts";

/** The plan run whose saved plans an `apply --run` applies. */
export interface SavedRun {
  runId: string;
  report: RunReport;
  /** What that run recorded of a unit. */
  unit(unit: Unit): SavedUnit;
}

/** The saved run of `apply --run`, undefined for any other run, or why the run ends here. */
export async function savedRunStage(
  deps: Pick<RunDeps, "fs" | "confirm">,
  loaded: LoadedConfig,
  units: readonly Unit[],
  options: RunOptions,
): Promise<SavedRun | undefined | Stop> {
  const runId = options.fromRun;
  if (options.command !== "apply" || runId === undefined) return undefined;
  const report = await orStop(loadRunReport(deps.fs, loaded.dir, runId));
  if (isStop(report)) return report;
  if (report.run.command !== "plan") {
    return badInput(
      "run/not-a-plan-run",
      `run ${runId} is a ${report.run.command} run; apply --run takes the id of a plan run`,
      "`crossform runs` lists the runs; plan first with `crossform plan`",
    );
  }
  const byId = new Map(report.units.map((u) => [u.id, u]));
  const saved: SavedRun = {
    runId,
    report,
    unit: (unit) => ({
      runId,
      report: byId.get(unit.id),
      changedDependency: unit.dependsOn.find((d) => byId.get(d)?.has_changes),
    }),
  };
  if (deps.confirm && !(await confirmed(deps.confirm, loaded, units, saved))) {
    return stop("problems", [
      {
        severity: "error",
        code: "run/not-confirmed",
        message: `apply of run ${runId} not confirmed; nothing was changed`,
        hint: "run it again and confirm, or pass --auto-approve (and --approve) when not interactive",
      },
    ]);
  }
  return saved;
}

/** In a terminal the operator sees the saved plans and confirms, as for a plain apply. */
async function confirmed(
  confirm: NonNullable<RunDeps["confirm"]>,
  loaded: LoadedConfig,
  units: readonly Unit[],
  saved: SavedRun,
): Promise<boolean> {
  const selected = new Set(units.map((u) => u.id));
  const changing = units.filter((u) => saved.unit(u).report?.has_changes);
  if (changing.length === 0) return true;
  const shown = createRunReport({
    run: saved.report.run,
    units: saved.report.units.filter((u) => selected.has(u.id)),
    waves: saved.report.waves,
  });
  const approvalAccounts = [
    ...new Set(changing.flatMap((u) => approvalAccountsOf(loaded.config, u))),
  ];
  return confirm({ command: "apply", plan: shown, approvalAccounts });
}
