/**
 * The run scheduler (docs/contract.md section 2): waves are the outer loop, each wave runs its steps
 * (a canary step, then the rest) one after the other, and inside a step a sliding window of
 * `parallel` tasks starts a task the moment its dependencies have succeeded. A run that changes
 * nothing (plan, drift, output) may use one window across all its waves instead
 * (docs/decisions/0032-units-start-as-early-as-safe.md). It knows only tasks and an `execute`
 * callback; it never touches terraform, a clock or a process itself.
 */
import { CrossformError } from "../errors.ts";
import { accountOf, planRun } from "./run-plan.ts";
import type {
  FailurePolicy,
  PlannedStep,
  PlannedWave,
  RunOrder,
  SchedulerTask,
  StepKind,
  WaveSettings,
} from "./run-plan.ts";
import type {
  ExecuteOutcome,
  NotStartedOutcome,
  SkippedOutcome,
  TaskOutcome,
} from "./task-outcome.ts";

/** What a running task may tell the scheduler besides its outcome. */
export interface TaskControl {
  /**
   * The shared resource of the task's group is ready (e.g. `terraform init` filled the plugin
   * cache): the other tasks of the group may start now, before this one ends. Idempotent.
   */
  groupReady(): void;
}

/** Runs one task. Must settle; a rejection counts as a failed task. */
export type ExecuteTask<T extends SchedulerTask> = (
  task: T,
  signal: AbortSignal,
  control: TaskControl,
) => Promise<ExecuteOutcome>;

/** Options of {@link startSchedule}. */
export interface ScheduleOptions<T extends SchedulerTask> {
  /** Size of the sliding window: how many tasks run at once. */
  parallel: number;
  /** `continue` for plan, drift and output; `halt-wave` for apply and destroy. */
  policy: FailurePolicy;
  /** @default "forward"; `reverse` for destroy */
  order?: RunOrder;
  /**
   * `per-wave`: a wave starts when the one before it has ended (apply, destroy). `one`: a single
   * window over the tasks of every wave, those of earlier waves first; a task still waits for its
   * dependencies, and a failure still skips its dependents, but never for a wave to end (plan,
   * drift, output: what they read does not depend on the waves before). Only with `continue`.
   * @default "per-wave"
   */
  window?: "per-wave" | "one";
  /** Ring settings (canary, tolerance) and names per wave index. */
  waves?: readonly WaveSettings[];
  execute: ExecuteTask<T>;
  /** The clock, in milliseconds (the core reads no clock itself). */
  now: () => number;
  /** Receives every event, synchronously, in order. An exception it throws is ignored. */
  onEvent?: (event: SchedulerEvent) => void;
  /** Aborting it is the same as calling `cancel()` with the abort reason. */
  signal?: AbortSignal;
}

/** A wave begins. */
export interface WaveStartedEvent {
  type: "wave-started";
  wave: number;
  name: string;
  at: number;
  taskIds: string[];
}

/** A step of a wave begins (always emitted, `all` when the wave has no canary). */
export interface StepStartedEvent {
  type: "step-started";
  wave: number;
  step: StepKind;
  at: number;
  taskIds: string[];
  accounts: string[];
}

/** A task was handed to `execute`. */
export interface TaskStartedEvent {
  type: "task-started";
  taskId: string;
  wave: number;
  step: StepKind;
  at: number;
  /** Tasks running now, this one included. */
  running: number;
}

/** A started task ended. */
export interface TaskFinishedEvent {
  type: "task-finished";
  taskId: string;
  wave: number;
  step: StepKind;
  at: number;
  outcome: TaskOutcome;
  durationMs: number;
  /** Tasks still running. */
  running: number;
}

/** The scheduler decided a task's outcome without starting it (skipped or not started). */
export interface TaskNotRunEvent {
  type: "task-not-run";
  taskId: string;
  wave: number;
  step: StepKind;
  at: number;
  outcome: SkippedOutcome | NotStartedOutcome;
}

/** A wave ended (or was never started). */
export interface WaveFinishedEvent {
  type: "wave-finished";
  wave: number;
  name: string;
  at: number;
  status: WaveStatus;
  failedAccounts: string[];
}

/** Cancellation was requested: no task starts any more; running tasks got the abort signal. */
export interface CancelRequestedEvent {
  type: "cancel-requested";
  at: number;
  reason: string;
  /** Ids of the tasks running at that moment. */
  running: string[];
}

/** Everything the scheduler reports while it runs; views and logs are drawn from these. */
export type SchedulerEvent =
  | WaveStartedEvent
  | StepStartedEvent
  | TaskStartedEvent
  | TaskFinishedEvent
  | TaskNotRunEvent
  | WaveFinishedEvent
  | CancelRequestedEvent;

/**
 * How a wave ended. `completed`: every step ran (failures within tolerance, or under `continue`);
 * `halted`: its failed accounts exceeded its tolerance under `halt-wave`; `interrupted`: the run
 * was cancelled while it ran; `not-started`: the run was cancelled or halted before it.
 */
export type WaveStatus = "completed" | "halted" | "interrupted" | "not-started";

/** How one step of a wave ended. */
export interface StepResult {
  kind: StepKind;
  taskIds: string[];
  accounts: string[];
  status: "completed" | "interrupted" | "not-started";
}

/** One wave of the result, in run order. */
export interface WaveResult {
  wave: number;
  name: string;
  status: WaveStatus;
  tolerance: number;
  /** Distinct accounts with a failed task, in the order they failed. */
  failedAccounts: string[];
  steps: StepResult[];
}

/** One task of the result. */
export interface TaskResult<T extends SchedulerTask> {
  task: T;
  step: StepKind;
  outcome: TaskOutcome;
  /** Clock value when it started; undefined when it never did. */
  startedAt: number | undefined;
  finishedAt: number | undefined;
  /** 0 for a task that never started. */
  durationMs: number;
}

/** What a run did. */
export interface ScheduleResult<T extends SchedulerTask> {
  /** Every task, in input order. */
  tasks: TaskResult<T>[];
  /** Every wave that holds tasks, in run order. */
  waves: WaveResult[];
  /** Whether cancellation was requested. */
  cancelled: boolean;
  cancelReason: string | undefined;
  /** The wave that halted the run under `halt-wave`, if one did. */
  halted: { wave: number; name: string; failedAccounts: string[]; tolerance: number } | undefined;
  startedAt: number;
  finishedAt: number;
}

/** Where a task stands at a moment of the run (for a provisional summary). */
export interface TaskSnapshot {
  id: string;
  state: "pending" | "running" | "done";
  outcome: TaskOutcome | undefined;
  startedAt: number | undefined;
}

/** A run in progress. */
export interface ScheduleHandle<T extends SchedulerTask> {
  /** Settles when every running task has ended and every task has an outcome; never rejects. */
  result: Promise<ScheduleResult<T>>;
  /**
   * Stops starting tasks, aborts the signal every running task got, and marks what has not
   * started `not-started`. Later calls are ignored (one request, however many signals).
   */
  cancel(reason?: string): void;
  /** Every task's state now, in input order. */
  snapshot(): TaskSnapshot[];
}

/** The wave that halted a run, if one did. */
type Halted = ScheduleResult<SchedulerTask>["halted"];

interface TaskRecord<T extends SchedulerTask> {
  task: T;
  step: StepKind;
  state: "pending" | "running" | "done";
  outcome: TaskOutcome | undefined;
  startedAt: number | undefined;
  finishedAt: number | undefined;
}

/** The tasks the window takes from now: a step, or with one window every task of the run. */
interface ActiveStep {
  /** Tasks not started nor settled, in the order they start when ready. */
  pending: Set<string>;
  /** A task of the step ended badly since the pending tasks were last checked for skips. */
  recheck: boolean;
  resolve: () => void;
}

/**
 * Starts a run of `tasks`. Throws a `run/invalid-tasks` error synchronously when the tasks are
 * inconsistent (duplicate ids, a cycle, a dependency in a later wave) or `parallel` is not a
 * positive integer; after that, the result promise never rejects.
 */
export function startSchedule<T extends SchedulerTask>(
  tasks: readonly T[],
  options: ScheduleOptions<T>,
): ScheduleHandle<T> {
  const parallel = options.parallel;
  const oneWindow = options.window === "one";
  if (oneWindow && options.policy !== "continue") {
    throw new CrossformError(
      "run/invalid-tasks",
      "internal",
      "one window across waves is for runs that change nothing (the continue policy)",
    );
  }
  if (!Number.isInteger(parallel) || parallel < 1) {
    throw new CrossformError(
      "run/invalid-tasks",
      "internal",
      `parallel must be a positive integer, got ${parallel}`,
      { hint: "pass --parallel 1 or more" },
    );
  }
  const plan = planRun(tasks, options);
  const { now } = options;
  const byId = new Map(tasks.map((t) => [t.id, t]));
  const records = new Map<string, TaskRecord<T>>();
  for (const wave of plan.waves) {
    for (const step of wave.steps) {
      for (const id of step.taskIds) {
        const task = byId.get(id) as T;
        records.set(id, {
          task,
          step: step.kind,
          state: "pending",
          outcome: undefined,
          startedAt: undefined,
          finishedAt: undefined,
        });
      }
    }
  }
  const record = (id: string): TaskRecord<T> => records.get(id) as TaskRecord<T>;
  const controller = new AbortController();
  const running = new Set<string>();
  const openGroups = new Set<string>();
  let cancelReason: string | undefined;
  /** `halt-run`: why no task starts any more (the first failure). */
  let haltReason: string | undefined;
  let active: ActiveStep | undefined;
  /** Distinct accounts with a failed task, per wave, in the order they failed. */
  const failedByWave = new Map(plan.waves.map((w) => [w.wave, [] as string[]]));
  const waveTracker = oneWindow ? trackWaves(plan.waves, failedByWave, emit) : undefined;
  let pumping = false;
  let pumpAgain = false;

  function emit(event: SchedulerEvent): void {
    try {
      options.onEvent?.(event);
    } catch {
      // The run's correctness must not depend on a view: a failing listener is not a failing task.
    }
  }

  const settleNotRun = (id: string, outcome: SkippedOutcome | NotStartedOutcome): void => {
    const rec = record(id);
    rec.state = "done";
    rec.outcome = outcome;
    if (cancelReason === undefined) waveTracker?.touched(rec.task.wave, now());
    emit({
      type: "task-not-run",
      taskId: id,
      wave: rec.task.wave,
      step: rec.step,
      at: now(),
      outcome,
    });
    waveTracker?.settled(rec.task.wave, now(), cancelReason !== undefined);
  };

  /** `ready`, `wait`, or the outcome the task gets without running. */
  const verdict = (id: string): "ready" | "wait" | SkippedOutcome | NotStartedOutcome => {
    let waiting = false;
    for (const dep of plan.dependencies.get(id) ?? []) {
      const rec = record(dep);
      if (rec.state !== "done" || rec.outcome === undefined) {
        waiting = true;
        continue;
      }
      const outcome = rec.outcome;
      switch (outcome.status) {
        case "succeeded":
          break;
        case "failed":
          return { status: "skipped", reason: `dependency ${dep} failed`, dependency: dep };
        case "blocked":
          return {
            status: "skipped",
            reason: `dependency ${dep} is blocked: ${outcome.reason}`,
            dependency: dep,
          };
        case "skipped":
          return {
            status: "skipped",
            reason: `dependency ${dep} was skipped (${outcome.reason})`,
            dependency: dep,
          };
        case "interrupted":
        case "not-started":
          return {
            status: "not-started",
            reason: `dependency ${dep} did not finish (${outcome.status})`,
          };
      }
    }
    return waiting ? "wait" : "ready";
  };

  const groupAllows = (task: T): boolean => {
    if (task.group === undefined || openGroups.has(task.group)) return true;
    for (const id of running) if (record(id).task.group === task.group) return false;
    return true;
  };

  const finish = (id: string, raw: ExecuteOutcome | TaskOutcome): void => {
    const rec = record(id);
    let outcome = normalize(raw);
    if (cancelReason !== undefined && outcome.status === "failed") {
      outcome = { status: "interrupted", reason: outcome.error };
    }
    rec.finishedAt = now();
    rec.state = "done";
    rec.outcome = outcome;
    running.delete(id);
    if (outcome.status === "succeeded" && rec.task.group !== undefined) {
      openGroups.add(rec.task.group);
    }
    const failed = failedByWave.get(rec.task.wave);
    if (outcome.status === "failed" && failed !== undefined) {
      const account = accountOf(rec.task);
      if (!failed.includes(account)) failed.push(account);
    }
    if (outcome.status !== "succeeded" && active !== undefined) active.recheck = true;
    if (outcome.status === "failed" && options.policy === "halt-run")
      haltReason ??= `${id} failed: no other unit starts`;
    emit({
      type: "task-finished",
      taskId: id,
      wave: rec.task.wave,
      step: rec.step,
      at: rec.finishedAt,
      outcome,
      durationMs: rec.finishedAt - (rec.startedAt ?? rec.finishedAt),
      running: running.size,
    });
    waveTracker?.settled(rec.task.wave, rec.finishedAt, cancelReason !== undefined);
    pump();
  };

  const normalize = (raw: ExecuteOutcome | TaskOutcome): TaskOutcome => {
    switch (raw?.status) {
      case "succeeded":
        return { status: "succeeded", changes: raw.changes === true };
      case "failed":
        return { status: "failed", error: String(raw.error) };
      case "blocked":
        return { status: "blocked", reason: String(raw.reason) };
      case "interrupted":
        return { status: "interrupted", reason: raw.reason ?? cancelReason ?? "interrupted" };
      default:
        return {
          status: "failed",
          error: `internal error: the task returned an unknown outcome ${JSON.stringify(raw)}`,
        };
    }
  };

  const start = (id: string): void => {
    const rec = record(id);
    rec.state = "running";
    rec.startedAt = now();
    running.add(id);
    waveTracker?.touched(rec.task.wave, rec.startedAt);
    emit({
      type: "task-started",
      taskId: id,
      wave: rec.task.wave,
      step: rec.step,
      at: rec.startedAt,
      running: running.size,
    });
    const group = rec.task.group;
    const control: TaskControl = {
      groupReady: () => {
        if (group === undefined || openGroups.has(group)) return;
        openGroups.add(group);
        pump();
      },
    };
    let promise: Promise<ExecuteOutcome>;
    try {
      promise = Promise.resolve(options.execute(rec.task, controller.signal, control));
    } catch (error) {
      promise = Promise.reject(error);
    }
    promise.then(
      (outcome) => finish(id, outcome),
      (error: unknown) =>
        finish(id, {
          status: "failed",
          error: `internal error: the task threw: ${error instanceof Error ? error.message : String(error)}`,
        }),
    );
  };

  const pumpOnce = (): void => {
    const step = active;
    if (step === undefined) return;
    const stopped = cancelReason !== undefined ? `run cancelled: ${cancelReason}` : haltReason;
    if (stopped !== undefined) {
      for (const id of step.pending) settleNotRun(id, { status: "not-started", reason: stopped });
      step.pending.clear();
    } else {
      // Skips first (not bounded by the window), repeated because one skip may cause another; only
      // after a task ended badly, since nothing else makes one.
      while (step.recheck) {
        step.recheck = false;
        for (const id of step.pending) {
          const v = verdict(id);
          if (v === "ready" || v === "wait") continue;
          step.pending.delete(id);
          settleNotRun(id, v);
          step.recheck = true;
        }
      }
      for (const id of step.pending) {
        if (running.size >= parallel || cancelReason !== undefined) break;
        if (verdict(id) !== "ready" || !groupAllows(record(id).task)) continue;
        step.pending.delete(id);
        start(id);
      }
    }
    if (running.size === 0 && step.pending.size > 0 && cancelReason === undefined) {
      // Unreachable with a valid plan (planRun refuses cycles and later-wave dependencies);
      // ending the step beats hanging the run forever.
      for (const id of step.pending) {
        settleNotRun(id, {
          status: "not-started",
          reason: "internal error: no task of the step could start",
        });
      }
      step.pending.clear();
    }
    if (running.size === 0 && step.pending.size === 0 && active === step) {
      active = undefined;
      step.resolve();
    }
  };

  const pump = (): void => {
    if (pumping) {
      pumpAgain = true;
      return;
    }
    pumping = true;
    try {
      do {
        pumpAgain = false;
        pumpOnce();
      } while (pumpAgain);
    } finally {
      pumping = false;
    }
  };

  let finished = false;
  const cancel = (reason = "cancelled"): void => {
    if (cancelReason !== undefined || finished) return;
    cancelReason = reason;
    emit({ type: "cancel-requested", at: now(), reason, running: [...running] });
    controller.abort(reason);
    pump();
  };

  const runTasks = (taskIds: readonly string[]) =>
    new Promise<void>((resolve) => {
      active = { pending: new Set(taskIds), recheck: true, resolve };
      pump();
    });

  /** Waves as the outer loop: each wave's steps in turn, the next wave after this one ended. */
  const waveByWave = async (): Promise<{ waves: WaveResult[]; halted: Halted }> => {
    const waves: WaveResult[] = [];
    let halted: Halted;
    for (const wave of plan.waves) {
      const failedAccounts = failedByWave.get(wave.wave) ?? [];
      const steps: StepResult[] = [];
      const notStarted = (step: PlannedStep, reason: string): void => {
        for (const id of step.taskIds) {
          if (record(id).state === "pending") settleNotRun(id, { status: "not-started", reason });
        }
        steps.push({ ...stepInfo(step), status: "not-started" });
      };
      if (cancelReason !== undefined || halted !== undefined || haltReason !== undefined) {
        const reason =
          cancelReason !== undefined
            ? `run cancelled: ${cancelReason}`
            : (haltReason ??
              `wave ${halted?.name} halted: ${haltDetail(halted?.failedAccounts ?? [], halted?.tolerance ?? 0)}`);
        for (const step of wave.steps) notStarted(step, reason);
        waves.push(waveResult(wave, "not-started", failedAccounts, steps));
        emit({
          type: "wave-finished",
          wave: wave.wave,
          name: wave.name,
          at: now(),
          status: "not-started",
          failedAccounts: [],
        });
        continue;
      }
      emit({
        type: "wave-started",
        wave: wave.wave,
        name: wave.name,
        at: now(),
        taskIds: wave.steps.flatMap((s) => s.taskIds),
      });
      let haltedHere = false;
      for (const step of wave.steps) {
        if (cancelReason !== undefined) {
          notStarted(step, `run cancelled: ${cancelReason}`);
          continue;
        }
        if (haltedHere) {
          notStarted(
            step,
            `wave ${wave.name} halted: ${haltDetail(failedAccounts, wave.tolerance)}`,
          );
          continue;
        }
        emit({
          type: "step-started",
          wave: wave.wave,
          step: step.kind,
          at: now(),
          taskIds: [...step.taskIds],
          accounts: [...step.accounts],
        });
        const cancelledBefore = cancelReason !== undefined;
        await runTasks(step.taskIds);
        const interrupted = !cancelledBefore && cancelReason !== undefined;
        steps.push({ ...stepInfo(step), status: interrupted ? "interrupted" : "completed" });
        haltedHere =
          (options.policy === "halt-wave" && failedAccounts.length > wave.tolerance) ||
          (options.policy === "halt-run" && haltReason !== undefined);
      }
      const status: WaveStatus =
        steps.some((s) => s.status === "interrupted") || cancelReason !== undefined
          ? "interrupted"
          : haltedHere
            ? "halted"
            : "completed";
      if (status === "halted") {
        halted = {
          wave: wave.wave,
          name: wave.name,
          failedAccounts: [...failedAccounts],
          tolerance: wave.tolerance,
        };
      }
      waves.push(waveResult(wave, status, failedAccounts, steps));
      emit({
        type: "wave-finished",
        wave: wave.wave,
        name: wave.name,
        at: now(),
        status,
        failedAccounts: [...failedAccounts],
      });
    }
    return { waves, halted };
  };

  /** One window over every wave's tasks; each wave's result from its own tasks. */
  const inOneWindow = async (): Promise<{ waves: WaveResult[]; halted: Halted }> => {
    await runTasks(plan.waves.flatMap((w) => w.steps.flatMap((step) => step.taskIds)));
    const waves = plan.waves.map((wave) => {
      const status = waveTracker?.status(wave.wave) ?? "completed";
      const steps = wave.steps.map((step) => ({
        ...stepInfo(step),
        status: status === "halted" ? "completed" : status,
      }));
      return waveResult(wave, status, failedByWave.get(wave.wave) ?? [], steps);
    });
    return { waves, halted: undefined };
  };

  const run = async (): Promise<ScheduleResult<T>> => {
    const startedAt = now();
    const { waves, halted } = oneWindow ? await inOneWindow() : await waveByWave();
    options.signal?.removeEventListener("abort", onAbort);
    finished = true;
    return {
      tasks: tasks.map((task) => {
        const rec = record(task.id);
        return {
          task,
          step: rec.step,
          outcome: rec.outcome as TaskOutcome,
          startedAt: rec.startedAt,
          finishedAt: rec.finishedAt,
          durationMs:
            rec.startedAt !== undefined && rec.finishedAt !== undefined
              ? rec.finishedAt - rec.startedAt
              : 0,
        };
      }),
      waves,
      cancelled: cancelReason !== undefined,
      cancelReason,
      halted,
      startedAt,
      finishedAt: now(),
    };
  };

  const onAbort = (): void => cancel(abortReason(options.signal?.reason));
  if (options.signal?.aborted) cancel(abortReason(options.signal.reason));
  else options.signal?.addEventListener("abort", onAbort, { once: true });

  return {
    result: run(),
    cancel,
    snapshot: () =>
      tasks.map((task) => {
        const rec = record(task.id);
        return { id: task.id, state: rec.state, outcome: rec.outcome, startedAt: rec.startedAt };
      }),
  };
}

/** What {@link trackWaves} tells and keeps. */
interface WaveTracker {
  /** A task of `wave` started or was skipped: the wave has begun. */
  touched(wave: number, at: number): void;
  /** A task of `wave` settled (`cancelled`: after a stop request); the last one ends the wave. */
  settled(wave: number, at: number, cancelled: boolean): void;
  /** How the wave ended. */
  status(wave: number): WaveStatus;
}

/**
 * With one window, waves overlap: a wave begins when its first task starts (or is skipped) and
 * ends when its last task has settled; a wave none of whose tasks began is `not-started`, one a
 * stop request cut short is `interrupted`.
 */
function trackWaves(
  waves: readonly PlannedWave[],
  failedByWave: ReadonlyMap<number, readonly string[]>,
  emit: (event: SchedulerEvent) => void,
): WaveTracker {
  const byIndex = new Map(waves.map((w) => [w.wave, w]));
  const left = new Map(waves.map((w) => [w.wave, w.steps.flatMap((s) => s.taskIds).length]));
  const begun = new Set<number>();
  const cut = new Set<number>();
  const statuses = new Map<number, WaveStatus>();
  return {
    touched(wave, at) {
      const planned = byIndex.get(wave);
      if (begun.has(wave) || planned === undefined) return;
      begun.add(wave);
      const taskIds = planned.steps.flatMap((s) => s.taskIds);
      emit({ type: "wave-started", wave, name: planned.name, at, taskIds });
    },
    settled(wave, at, cancelled) {
      if (cancelled) cut.add(wave);
      const remaining = (left.get(wave) ?? 1) - 1;
      left.set(wave, remaining);
      if (remaining > 0) return;
      const status: WaveStatus = !begun.has(wave)
        ? "not-started"
        : cut.has(wave)
          ? "interrupted"
          : "completed";
      statuses.set(wave, status);
      const failedAccounts = [...(failedByWave.get(wave) ?? [])];
      emit({
        type: "wave-finished",
        wave,
        name: byIndex.get(wave)?.name ?? "",
        at,
        status,
        failedAccounts,
      });
    },
    status: (wave) => statuses.get(wave) ?? "completed",
  };
}

/** {@link startSchedule}, awaited: cancel through `options.signal`. */
export function runSchedule<T extends SchedulerTask>(
  tasks: readonly T[],
  options: ScheduleOptions<T>,
): Promise<ScheduleResult<T>> {
  return startSchedule(tasks, options).result;
}

function stepInfo(step: PlannedStep): { kind: StepKind; taskIds: string[]; accounts: string[] } {
  return { kind: step.kind, taskIds: [...step.taskIds], accounts: [...step.accounts] };
}

function waveResult(
  wave: PlannedWave,
  status: WaveStatus,
  failedAccounts: string[],
  steps: StepResult[],
): WaveResult {
  return {
    wave: wave.wave,
    name: wave.name,
    status,
    tolerance: wave.tolerance,
    failedAccounts: [...failedAccounts],
    steps,
  };
}

function haltDetail(failedAccounts: string[], tolerance: number): string {
  const n = failedAccounts.length;
  return `${n} failed account${n === 1 ? "" : "s"} (${failedAccounts.join(", ")}), tolerance ${tolerance}`;
}

function abortReason(reason: unknown): string {
  if (typeof reason === "string") return reason;
  if (reason instanceof Error && reason.name !== "AbortError") return reason.message;
  return "cancelled";
}
