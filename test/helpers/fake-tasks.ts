import type { SchedulerTask } from "../../src/core/run/run-plan.ts";
import type { ExecuteTask, ScheduleOptions, SchedulerEvent } from "../../src/core/run/scheduler.ts";
import { startSchedule } from "../../src/core/run/scheduler.ts";
import type { ExecuteOutcome } from "../../src/core/run/task-outcome.ts";
import { FakeClock } from "./fake-clock.ts";

/** A task that sleeps on the fake clock, then returns its outcome. */
export interface FakeTask extends SchedulerTask {
  /** How long it runs. */
  ms: number;
  /** @default succeeded without changes */
  outcome?: ExecuteOutcome;
  /** Calls `groupReady()` after this many ms. */
  readyAfter?: number;
  /** What it does when aborted: stop 5 ms later with a failure (like terraform), or ignore it. @default "stop" */
  onAbort?: "stop" | "ignore";
  /** Throws instead of returning. */
  throws?: string;
}

/** Shorthand for a fake task. */
export function fake(
  id: string,
  ms: number,
  extra: Partial<Omit<FakeTask, "id" | "ms">> = {},
): FakeTask {
  return { id, ms, wave: 0, dependsOn: [], ...extra };
}

/** What the fake tasks saw. */
export interface FakeLog {
  starts: Map<string, number>;
  ends: Map<string, number>;
  running: Set<string>;
  maxRunning: number;
  /** How many times each task's abort listener ran. */
  aborts: Map<string, number>;
  events: SchedulerEvent[];
}

/** An `execute` over fake tasks on `clock`, recording into `log`. */
export function fakeExecute(clock: FakeClock, log: FakeLog): ExecuteTask<FakeTask> {
  return async (task, signal, control) => {
    log.starts.set(task.id, clock.time);
    log.running.add(task.id);
    log.maxRunning = Math.max(log.maxRunning, log.running.size);
    let aborted = false;
    let wake: () => void = () => {};
    const abortedWait = new Promise<void>((resolve) => (wake = resolve));
    signal.addEventListener(
      "abort",
      () => {
        log.aborts.set(task.id, (log.aborts.get(task.id) ?? 0) + 1);
        aborted = true;
        wake();
      },
      { once: true },
    );
    try {
      if (task.readyAfter !== undefined) {
        await clock.sleep(task.readyAfter);
        control.groupReady();
        await clock.sleep(task.ms - task.readyAfter);
      } else if (task.onAbort === "ignore") {
        await clock.sleep(task.ms);
      } else {
        await Promise.race([clock.sleep(task.ms), abortedWait.then(() => clock.sleep(5))]);
      }
    } finally {
      log.running.delete(task.id);
      log.ends.set(task.id, clock.time);
    }
    if (task.throws !== undefined) throw new Error(task.throws);
    if (aborted && task.onAbort !== "ignore") {
      return { status: "failed", error: "interrupted by signal" };
    }
    return task.outcome ?? { status: "succeeded", changes: false };
  };
}

/** Starts a schedule of fake tasks on a fresh fake clock. */
export function startFake(
  tasks: FakeTask[],
  options: Omit<ScheduleOptions<FakeTask>, "execute" | "now" | "onEvent">,
) {
  const clock = new FakeClock();
  const log: FakeLog = {
    starts: new Map(),
    ends: new Map(),
    running: new Set(),
    maxRunning: 0,
    aborts: new Map(),
    events: [],
  };
  const handle = startSchedule(tasks, {
    ...options,
    execute: fakeExecute(clock, log),
    now: clock.now,
    onEvent: (e) => log.events.push(e),
  });
  return { clock, log, handle };
}

/** Runs fake tasks to the end; returns the result with the log. */
export async function runFake(
  tasks: FakeTask[],
  options: Omit<ScheduleOptions<FakeTask>, "execute" | "now" | "onEvent">,
) {
  const { clock, log, handle } = startFake(tasks, options);
  await clock.run();
  const result = await handle.result;
  const outcome = (id: string) => result.tasks.find((t) => t.task.id === id)?.outcome;
  return { clock, log, result, outcome };
}
