/**
 * `crossform adopt` (docs/commands/adopt.md): brings existing states (a Terraform workspace per
 * account, per-account keys in a shared bucket, a unit's earlier address) into crossform's one
 * state per unit. One move at a time: the checks of check-move.ts, then, with `apply`, the copy of
 * copy-state.ts; a dry run stops after the checks. Recorded in the run records like a run. Emits
 * progress events; returns a report; never prints.
 */
import type { AdoptMove } from "../../core/adopt/adopt-moves.ts";
import { adoptExit } from "../../core/adopt/adopt-report.ts";
import type { AdoptReport, AdoptUnitReport } from "../../core/adopt/adopt-report.ts";
import { describeAccess, s3Url, sourceUrl } from "../../core/adopt/state-source.ts";
import type { Diagnostic } from "../../core/errors.ts";
import type { ExitName } from "../../core/exit-codes.ts";
import { emptyCounts } from "../../core/report/run-report.ts";
import type { RunReport } from "../../core/report/run-report.ts";
import type { AwsSessions } from "../../ports/aws.ts";
import type { EventSink } from "../../ports/event-sink.ts";
import type { LoadedConfig } from "../load-config.ts";
import { AdoptRecord } from "./adopt-record.ts";
import type { AdoptRecordDeps } from "./adopt-record.ts";
import { checkMove, occupiedProblem } from "./check-move.ts";
import type { MoveContext, MoveStop } from "./check-move.ts";
import { copyState } from "./copy-state.ts";

/** The ports of adopt. */
export interface AdoptDeps extends AdoptRecordDeps {
  aws: AwsSessions;
  events?: EventSink;
}

/** What the operator asked for. */
export interface AdoptOptions {
  moves: AdoptMove[];
  /** `--apply`: write; without it, a dry run that only reads. */
  apply: boolean;
  /** `--force`: replace a state the unit's address holds (kept in the run record first). */
  force: boolean;
  /** The operator's name, for session names, the lock info and the record. */
  user: string;
}

/** The outcome of an adopt run. */
export interface AdoptResult {
  report: AdoptReport | undefined;
  /** The run report of its record (`crossform runs`). */
  run: RunReport | undefined;
  /** Its record directory (absolute). */
  recordDir: string | undefined;
  /** Problems that stopped it before any move, or warnings about its record. */
  diagnostics: Diagnostic[];
  exit: ExitName;
}

/** Runs the moves; see the module comment. */
export async function adopt(
  deps: AdoptDeps,
  loaded: LoadedConfig,
  options: AdoptOptions,
): Promise<AdoptResult> {
  const record = await AdoptRecord.open(
    deps,
    loaded.config,
    loaded.dir,
    options.moves.map((m) => m.unit),
    options.user,
  );
  if (!("runId" in record)) {
    return {
      report: undefined,
      run: undefined,
      recordDir: undefined,
      diagnostics: [record],
      exit: "problems",
    };
  }
  const ctx: MoveContext = { aws: deps.aws, config: loaded.config, user: options.user, record };
  const units: AdoptUnitReport[] = [];
  for (const move of options.moves) {
    const report = await runMove(deps, ctx, move, options);
    units.push(report);
    deps.events?.emit({
      type: "message",
      code: "adopt.unit",
      level: report.outcome === "refused" || report.outcome === "failed" ? "warning" : "info",
      text: `${move.unit.id}: ${report.outcome}`,
    });
  }
  const report: AdoptReport = {
    version: 1,
    run_id: record.runId,
    apply: options.apply,
    force: options.force,
    units,
  };
  const finished = await record.finish(report);
  return {
    report,
    run: finished.run,
    recordDir: record.dir,
    diagnostics: [...finished.warnings],
    exit: adoptExit(report),
  };
}

/** One move: checks, then the copy or the dry run's verdict, each step journaled. */
async function runMove(
  deps: AdoptDeps,
  ctx: MoveContext,
  move: AdoptMove,
  options: AdoptOptions,
): Promise<AdoptUnitReport> {
  const { unit } = move;
  const account = ctx.config.accounts.get(unit.account);
  const report: AdoptUnitReport = {
    unit: unit.id,
    account: unit.account,
    account_id: account?.id ?? "",
    from: sourceUrl(move.source),
    read_as: describeAccess(move.source.access),
    to: s3Url(unit.state.bucket, unit.state.key),
    outcome: "refused",
    accounts: [],
    without_account_evidence: 0,
    problems: [],
  };
  const record = ctx.record;
  await record.step(unit.id, { event: "started", step: "plan" });
  const checked = await checkMove(ctx, move, report);
  const stopWith = async (stopped: MoveStop): Promise<AdoptUnitReport> => {
    report.outcome = stopped.outcome;
    report.problems.push(stopped.problem);
    await record.step(unit.id, { event: "failed", error: stopped.problem.message });
    return report;
  };
  if ("outcome" in checked) return stopWith(checked);
  if (report.destination === "same") {
    report.outcome = "already-adopted";
    await record.step(unit.id, { event: "planned", has_changes: false, counts: emptyCounts() });
    return report;
  }
  if (report.destination === "other" && !options.force) {
    return stopWith({
      outcome: "refused",
      problem: occupiedProblem(unit.id, report.to, checked.existing ?? ""),
    });
  }
  await record.step(unit.id, { event: "planned", has_changes: true, counts: emptyCounts() });
  if (!options.apply) {
    report.outcome = "would-adopt";
    await record.step(unit.id, {
      event: "not-applied",
      reason: "dry run: nothing was written (run again with --apply)",
    });
    return report;
  }
  await record.step(unit.id, { event: "applying" });
  const copied = await copyState(record, move, checked, report, {
    user: options.user,
    now: () => deps.clock.now(),
  });
  if (!copied.ok) return stopWith({ outcome: "failed", problem: copied.problem });
  report.outcome = "adopted";
  await record.step(unit.id, { event: "applied", changes: true });
  return report;
}
