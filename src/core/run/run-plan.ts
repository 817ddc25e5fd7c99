/**
 * The shape of a run before anything starts: the waves in the order they run, each wave split into
 * its steps (a canary step, then the rest), and every task's effective dependencies (inverted for
 * destroy). Pure and synchronous; the scheduler executes what this plans.
 */
import { CrossformError } from "../errors.ts";

/** What the scheduler knows about a piece of work. Callers may pass richer objects. */
export interface SchedulerTask {
  /** Unique within the run, e.g. a unit id `app/dev/us-east-1`. */
  id: string;
  /** Index of the task's wave; waves run in ascending order (descending for `reverse`). */
  wave: number;
  /**
   * Ids of the tasks whose success this one needs. They may be in the same or an earlier wave;
   * an id that is not part of the run is outside it and treated as satisfied.
   */
  dependsOn: readonly string[];
  /**
   * Tasks sharing a group (e.g. one provider set of the shared plugin cache) start one at a time
   * until one of them signals `groupReady()` or succeeds; after that they run in parallel.
   */
  group?: string;
  /** Account the task deploys to: what canary counts and tolerance counts. @default the task id */
  account?: string;
}

/** How a failed task affects the rest of the run. */
export type FailurePolicy =
  /** Every task runs and is reported; a failure only skips the tasks that depend on it (plan, drift, output). */
  | "continue"
  /**
   * A wave whose failed accounts exceed its tolerance halts: the tasks of its current step that do
   * not depend on a failure still finish, its later steps and the later waves do not start
   * (apply, destroy).
   */
  | "halt-wave"
  /**
   * The first failed task stops the run: no other task starts, whatever its wave (`crossform exec`
   * of a state-changing subcommand, one unit at a time).
   */
  | "halt-run";

/** Which way dependencies and waves run. */
export type RunOrder =
  /** Dependencies before dependents, waves ascending. */
  | "forward"
  /** Dependents before dependencies, waves descending (destroy). */
  | "reverse";

/** Rollout-ring settings of one wave (docs/contract.md section 1 `waves`), used with `halt-wave`. */
export interface WaveSettings {
  /** The wave index these settings belong to. */
  wave: number;
  /** Name for messages. @default the 1-based wave number */
  name?: string;
  /** Run the tasks of the wave's first N accounts first, then the rest. @default no canary step */
  canary?: number;
  /** Failed accounts allowed before the wave halts. @default 0 */
  tolerance?: number;
}

/** The kind of a wave's step: the whole wave, or the canary accounts then the rest. */
export type StepKind = "all" | "canary" | "rest";

/** One step of a wave: its tasks start only after the previous step has finished entirely. */
export interface PlannedStep {
  kind: StepKind;
  /** Task ids, in input order. */
  taskIds: string[];
  /** Distinct accounts of the step's tasks, in input order. */
  accounts: string[];
}

/** One wave as it will run. */
export interface PlannedWave {
  wave: number;
  name: string;
  tolerance: number;
  steps: PlannedStep[];
}

/** What the scheduler runs. */
export interface RunPlan {
  /** Waves in the order they run (descending for `reverse`), only waves that hold tasks. */
  waves: PlannedWave[];
  /** Effective dependencies per task id (inside the run; inverted for `reverse`). */
  dependencies: Map<string, string[]>;
}

/** Options of {@link planRun}. */
export interface PlanRunOptions {
  /** @default "forward" */
  order?: RunOrder;
  /** Failure policy: rings (canary steps) apply to `halt-wave` only. */
  policy: FailurePolicy;
  /** Ring settings per wave; waves not listed have no canary and tolerance 0. */
  waves?: readonly WaveSettings[];
}

/** The account a task counts as for canary and tolerance. */
export function accountOf(task: SchedulerTask): string {
  return task.account ?? task.id;
}

/**
 * Plans the waves and steps of a run. Throws a `run/invalid-tasks` error (internal: the caller
 * built the tasks) on duplicate ids, a dependency that runs after its dependent, or a cycle.
 */
export function planRun(tasks: readonly SchedulerTask[], options: PlanRunOptions): RunPlan {
  const order = options.order ?? "forward";
  const byId = new Map<string, SchedulerTask>();
  for (const task of tasks) {
    if (byId.has(task.id)) invalid(`task id ${task.id} appears twice in the run`);
    if (!Number.isInteger(task.wave) || task.wave < 0) {
      invalid(`task ${task.id} has wave ${task.wave}; a wave is a non-negative integer index`);
    }
    byId.set(task.id, task);
  }

  const dependencies = new Map<string, string[]>(tasks.map((t) => [t.id, []]));
  for (const task of tasks) {
    for (const dep of new Set(task.dependsOn)) {
      const target = byId.get(dep);
      if (!target || dep === task.id) {
        if (dep === task.id) invalid(`task ${task.id} depends on itself`);
        continue;
      }
      if (target.wave > task.wave) {
        invalid(
          `task ${task.id} (wave ${task.wave}) depends on ${dep}, which is in the later wave ${target.wave}`,
        );
      }
      if (order === "forward") dependencies.get(task.id)?.push(dep);
      else dependencies.get(dep)?.push(task.id);
    }
  }
  const topo = topologicalOrder(tasks, dependencies);

  const settings = new Map((options.waves ?? []).map((w) => [w.wave, w]));
  const waveIndexes = [...new Set(tasks.map((t) => t.wave))].sort((a, b) =>
    order === "forward" ? a - b : b - a,
  );
  const waves = waveIndexes.map((wave): PlannedWave => {
    const ring = settings.get(wave);
    const members = tasks.filter((t) => t.wave === wave);
    const canary = options.policy === "halt-wave" ? (ring?.canary ?? 0) : 0;
    return {
      wave,
      name: ring?.name ?? String(wave + 1),
      tolerance: ring?.tolerance ?? 0,
      steps: splitSteps(members, canary, dependencies, topo),
    };
  });
  return { waves, dependencies };
}

function splitSteps(
  members: SchedulerTask[],
  canary: number,
  dependencies: Map<string, string[]>,
  topo: Map<string, number>,
): PlannedStep[] {
  const accounts = distinct(members.map(accountOf));
  const canaryAccounts = new Set(accounts.slice(0, canary));
  if (canaryAccounts.size === 0 || canaryAccounts.size === accounts.length) {
    return [step("all", members)];
  }
  // A canary task that needs a task of the rest joins the rest: a step never waits on a later one.
  const inRest = new Set<string>();
  const memberIds = new Set(members.map((t) => t.id));
  const byTopo = [...members].sort((a, b) => (topo.get(a.id) ?? 0) - (topo.get(b.id) ?? 0));
  for (const task of byTopo) {
    const needsRest = (dependencies.get(task.id) ?? []).some(
      (dep) => memberIds.has(dep) && inRest.has(dep),
    );
    if (!canaryAccounts.has(accountOf(task)) || needsRest) inRest.add(task.id);
  }
  const first = members.filter((t) => !inRest.has(t.id));
  const rest = members.filter((t) => inRest.has(t.id));
  if (first.length === 0) return [step("all", members)];
  return [step("canary", first), step("rest", rest)];
}

function step(kind: StepKind, members: SchedulerTask[]): PlannedStep {
  return { kind, taskIds: members.map((t) => t.id), accounts: distinct(members.map(accountOf)) };
}

function distinct(values: string[]): string[] {
  return [...new Set(values)];
}

/** Kahn's algorithm over the effective dependencies; a leftover task is on a cycle. */
function topologicalOrder(
  tasks: readonly SchedulerTask[],
  dependencies: Map<string, string[]>,
): Map<string, number> {
  const remaining = new Map(tasks.map((t) => [t.id, dependencies.get(t.id)?.length ?? 0]));
  const dependents = new Map<string, string[]>(tasks.map((t) => [t.id, []]));
  for (const [id, deps] of dependencies) {
    for (const dep of deps) dependents.get(dep)?.push(id);
  }
  const queue = tasks.filter((t) => remaining.get(t.id) === 0).map((t) => t.id);
  const position = new Map<string, number>();
  for (let i = 0; i < queue.length; i += 1) {
    const id = queue[i] as string;
    position.set(id, i);
    for (const next of dependents.get(id) ?? []) {
      const left = (remaining.get(next) ?? 0) - 1;
      remaining.set(next, left);
      if (left === 0) queue.push(next);
    }
  }
  if (position.size < tasks.length) {
    const cycle = tasks.filter((t) => !position.has(t.id)).map((t) => t.id);
    invalid(`tasks ${cycle.join(", ")} depend on each other in a cycle`);
  }
  return position;
}

function invalid(message: string): never {
  throw new CrossformError("run/invalid-tasks", "internal", message, {
    hint: "the run's tasks come from the units: check depends_on and waves with crossform validate",
  });
}
