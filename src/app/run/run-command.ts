/**
 * The run commands (docs/contract.md, "Run commands"): plan, apply, destroy, drift, output across
 * units, as named stages (docs/decisions/0019-run-stages-and-ledger.md). Each stage has one job and
 * returns its result or a `Stop`; the ledger of the session is the only place outcomes live, and
 * the report is rendered from it. Emits progress events; returns a report; never prints.
 */
import type { LoadedConfig } from "../load-config.ts";
import { decideStage } from "./decide-stage.ts";
import { execPhase, execStage } from "./exec-stage.ts";
import { finishStage } from "./finish-stage.ts";
import { guardStage } from "./guard-stage.ts";
import { applyPhase, applyReviewedPhase, applySavedPhase, planPhase } from "./phases.ts";
import { preflightStage } from "./preflight-stage.ts";
import type { RunDeps, RunOptions, RunResult } from "./run-types.ts";
import { savedRunStage } from "./saved-run-stage.ts";
import { selectStage } from "./select-stage.ts";
import { sourceStage } from "./source-stage.ts";
import { openSession } from "./session.ts";
import { isStop } from "./stop.ts";
import type { Stop } from "./stop.ts";

/** The result of a run that ended at a stage, before (or instead of) running units. */
function stopped(stop: Stop): RunResult {
  return {
    report: undefined,
    recordDir: undefined,
    diagnostics: [...stop.diagnostics],
    exit: stop.exit,
  };
}

/** Runs a command end to end: one call per stage. */
export async function runCommand(
  deps: RunDeps,
  loaded: LoadedConfig,
  options: RunOptions,
): Promise<RunResult> {
  const selected = await selectStage(deps, loaded, options);
  if (isStop(selected)) return stopped(selected);
  const { units } = selected;
  const refused =
    execStage(deps, loaded, units, options) ?? (await guardStage(deps, loaded, units, options));
  if (refused) return stopped(refused);
  const preflight = await preflightStage(deps, loaded, units, options);
  if (isStop(preflight)) return stopped(preflight);
  // The accounts are still being verified: a run that ends before its session waits for that.
  const verifiedThen = async (s: Stop): Promise<RunResult> => {
    preflight.verification.cancel();
    await preflight.verification.report;
    return stopped(s);
  };
  const saved = await savedRunStage(deps, loaded, units, options);
  if (isStop(saved)) return verifiedThen(saved);
  const source = await sourceStage(deps, loaded, units, options);
  if (isStop(source)) return verifiedThen(source);
  const session = await openSession(deps, loaded, units, options, preflight, source);
  if (isStop(session)) return verifiedThen(session);
  try {
    if (options.exec) {
      await execPhase(session, options.exec);
    } else if (saved) {
      await applySavedPhase(session, saved);
    } else if (options.reviewedPlans === true && options.command === "apply") {
      await applyReviewedPhase(session);
    } else {
      await planPhase(session);
      if ((await decideStage(session)) === "apply") await applyPhase(session);
    }
    return await finishStage(session);
  } finally {
    session.close();
  }
}
