/**
 * The phases of a run, each one schedule over the session's units: the plan phase (plan, plan
 * -destroy, drift, output), the apply phase after a confirmed plan (reverse order for destroy),
 * and the apply of a plan run's saved plans (`apply --run`).
 */
import type { RunCommand } from "../../core/report/run-report.ts";
import type { SavedRun } from "./saved-run-stage.ts";
import { ReviewedPlans } from "./reviewed-plans.ts";
import { schedulePhase } from "./schedule-phase.ts";
import type { RunSession } from "./session.ts";

const PLAN_PHASE_NAMES: Record<RunCommand, string> = {
  plan: "plan",
  apply: "plan",
  destroy: "plan -destroy",
  drift: "drift",
  output: "output",
  exec: "exec",
};

/**
 * Stage 5: every unit planned (or its outputs read); failures do not stop the others. Plans change
 * nothing, so the waves do not hold them back: one window across all of them, dependencies still
 * first (docs/decisions/0032-units-start-as-early-as-safe.md).
 */
export async function planPhase(session: RunSession): Promise<void> {
  const store = session.options.storePlans === true ? new ReviewedPlans(session) : undefined;
  await schedulePhase(session, {
    name: PLAN_PHASE_NAMES[session.options.command],
    policy: "continue",
    window: "one",
    groups: session.groups,
    work: (runner, control) => runner.planPhase(control, store),
  });
}

/**
 * `apply --reviewed-plans`: each unit applies its reviewed plan when it holds, wave by wave
 * (docs/ci.md, "Applying what was reviewed").
 */
export async function applyReviewedPhase(session: RunSession): Promise<void> {
  const store = new ReviewedPlans(session);
  await schedulePhase(session, {
    name: "apply",
    policy: "halt-wave",
    groups: session.groups,
    work: (runner, control) => runner.applyReviewed(store, control),
  });
}

/** Stage 7: the confirmed plans applied, wave by wave; a wave over its tolerance halts the rest. */
export async function applyPhase(session: RunSession): Promise<void> {
  const { command } = session.options;
  await schedulePhase(session, {
    name: command,
    policy: "halt-wave",
    order: command === "destroy" ? "reverse" : "forward",
    work: (runner) => runner.applyPhase(),
  });
}

/** `apply --run <id>`: the saved plans of a plan run whose binding holds, wave by wave. */
export async function applySavedPhase(session: RunSession, saved: SavedRun): Promise<void> {
  await schedulePhase(session, {
    name: "apply",
    policy: "halt-wave",
    work: (runner) => runner.applySaved(saved.unit(runner.unit)),
  });
}
