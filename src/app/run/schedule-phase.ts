/**
 * One phase of a run (plan, apply, ...) over the scheduler: each selected unit a task, its
 * runner the task's work. The scheduler's events become progress events with stable codes, and
 * what it decides for tasks it never starts (skipped behind a failed dependency, not started
 * after a halt or a stop) goes into the ledger. The phase's waves are recorded when it ends.
 */
import { wavesFromSchedule } from "../../core/report/run-report.ts";
import type { RunOrder, SchedulerTask, FailurePolicy } from "../../core/run/run-plan.ts";
import { runSchedule } from "../../core/run/scheduler.ts";
import type { ScheduleResult, SchedulerEvent, TaskControl } from "../../core/run/scheduler.ts";
import type { ExecuteOutcome } from "../../core/run/task-outcome.ts";
import type { Unit } from "../../core/units/units.ts";
import type { RunSession } from "./session.ts";
import type { UnitRunner } from "./unit-runner.ts";

/** A scheduler task that carries its unit. */
interface UnitTask extends SchedulerTask {
  unit: Unit;
}

/** How a phase runs. */
export interface PhaseOptions {
  /** Its name in progress lines: `plan`, `plan -destroy`, `apply`, `drift`, ... */
  name: string;
  policy: FailurePolicy;
  /** @default "forward" */
  order?: RunOrder;
  /** `one`: a single window across the waves, for a phase that changes nothing. @default "per-wave" */
  window?: "per-wave" | "one";
  /** Provider-set groups: the first unit of a group runs alone until it says the group is ready. */
  groups?: ReadonlyMap<string, string>;
  /** Units at once. @default --parallel, else run.parallel */
  parallel?: number;
  /**
   * The units' work does not depend on each other's (`crossform exec`): `depends_on` neither orders
   * them nor skips a dependent whose dependency failed. @default false
   */
  independent?: boolean;
  /**
   * Every unit in one window, whatever its wave (a read-only `crossform exec`: nothing is promoted
   * from wave to wave). @default false: waves are the outer loop
   */
  oneWave?: boolean;
  /** The work of one unit. */
  work: (runner: UnitRunner, control: TaskControl) => Promise<ExecuteOutcome>;
}

/** Runs one phase over the session's units. */
export async function schedulePhase(
  session: RunSession,
  phase: PhaseOptions,
): Promise<ScheduleResult<UnitTask>> {
  const { config, options, deps } = session;
  const tasks: UnitTask[] = session.units.map((unit) => {
    const group = phase.groups?.get(unit.id);
    return {
      id: unit.id,
      wave: phase.oneWave === true ? 0 : unit.wave,
      dependsOn: phase.independent === true ? [] : unit.dependsOn,
      account: unit.account,
      ...(group !== undefined ? { group } : {}),
      unit,
    };
  });
  const result = await runSchedule(tasks, {
    parallel: phase.parallel ?? options.parallel ?? config.run.parallel,
    policy: phase.policy,
    order: phase.order ?? "forward",
    window: phase.window ?? "per-wave",
    waves:
      phase.oneWave === true
        ? [{ wave: 0, name: "all units", tolerance: 0 }]
        : config.waves.map((w, i) => ({
            wave: i,
            name: w.name,
            ...(w.canary !== undefined ? { canary: w.canary } : {}),
            tolerance: w.tolerance,
          })),
    execute: (task, _signal, control) => phase.work(session.runner(task.unit), control),
    now: () => deps.clock.now(),
    onEvent: (event) => forward(session, phase.name, phase.policy, event),
    signal: session.signal,
  });
  await session.ledger.setWaves(phase.name, wavesFromSchedule(result.waves));
  return result;
}

/** One scheduler event: into the ledger (tasks never started) and onto the progress stream. */
function forward(
  session: RunSession,
  phase: string,
  policy: FailurePolicy,
  event: SchedulerEvent,
): void {
  const events = session.deps.events;
  const id = "taskId" in event ? `${phase}/${event.taskId}` : "";
  switch (event.type) {
    case "task-started":
      events?.emit({
        type: "task-started",
        code: "run.unit-started",
        id,
        label: `${phase} ${event.taskId}`,
      });
      return;
    case "task-finished": {
      const o = event.outcome;
      const label = session.runnerOf(event.taskId)?.label;
      events?.emit({
        type: "task-finished",
        code: "run.unit-finished",
        id,
        label: `${phase} ${event.taskId}`,
        status:
          o.status === "succeeded"
            ? "ok"
            : o.status === "failed"
              ? "failed"
              : o.status === "blocked"
                ? "warning"
                : "skipped",
        detail:
          o.status === "succeeded"
            ? (label ?? (o.changes ? "changes" : "no changes"))
            : o.status === "failed"
              ? (o.error.split("\n")[0] ?? "failed")
              : `${o.status}: ${"reason" in o ? o.reason : ""}`,
      });
      return;
    }
    case "task-not-run": {
      const o = event.outcome;
      const record = session.ledger.get(event.taskId);
      // A unit the apply phase never reached keeps what its plan said when that was `blocked`.
      if (o.status === "not-started" && record?.state === "blocked") return;
      void session.ledger.record(event.taskId, { event: o.status, reason: o.reason });
      if (o.status === "skipped") {
        events?.emit({
          type: "task-finished",
          code: "run.unit-skipped",
          id,
          label: `${phase} ${event.taskId}`,
          status: "skipped",
          detail: `skipped: ${o.reason}`,
        });
      }
      return;
    }
    case "wave-started":
      events?.emit({
        type: "message",
        code: "run.wave-started",
        level: "info",
        text: `${phase}: wave ${event.name}`,
      });
      return;
    case "wave-finished":
      if (event.status === "halted") {
        const accounts = `account${event.failedAccounts.length === 1 ? "" : "s"} ${event.failedAccounts.join(", ")}`;
        events?.emit({
          type: "message",
          code: "run.wave-halted",
          level: "error",
          text:
            policy === "halt-run"
              ? `${phase}: stopped at the first failure (failed ${accounts}); no other unit starts`
              : `${phase}: wave ${event.name} halted: failed ${accounts} over its tolerance; no later wave starts`,
        });
      }
      return;
    case "cancel-requested":
      events?.emit({
        type: "message",
        code: "run.cancel-requested",
        level: "warning",
        text: `${phase}: stop requested (${event.reason}); ${event.running.length} unit${event.running.length === 1 ? "" : "s"} running, none starts`,
      });
      return;
    case "step-started":
      return;
  }
}
