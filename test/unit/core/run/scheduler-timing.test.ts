import assert from "node:assert/strict";
import { test } from "node:test";
import { setTimeout as sleep } from "node:timers/promises";
import { runSchedule } from "../../../../src/core/run/scheduler.ts";
import type { TaskOutcome } from "../../../../src/core/run/task-outcome.ts";
import type { FakeTask } from "../../../helpers/fake-tasks.ts";
import { fake, startFake } from "../../../helpers/fake-tasks.ts";

/** A small deterministic PRNG (mulberry32), so a failing seed can be replayed. */
function random(seed: number): () => number {
  let a = seed;
  return () => {
    a = (a + 0x6d2b79f5) | 0;
    let t = Math.imul(a ^ (a >>> 15), 1 | a);
    t = (t + Math.imul(t ^ (t >>> 7), 61 | t)) ^ t;
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

function randomTasks(seed: number, withGroups: boolean): { tasks: FakeTask[]; parallel: number } {
  const rnd = random(seed);
  const pick = (n: number) => Math.floor(rnd() * n);
  const waves = 1 + pick(3);
  const tasks: FakeTask[] = [];
  const count = 8 + pick(30);
  for (let i = 0; i < count; i += 1) {
    const wave = Math.min(waves - 1, Math.floor((i / count) * waves));
    const earlier = tasks.filter((t) => t.wave <= wave);
    const dependsOn = earlier.filter(() => rnd() < 0.12).map((t) => t.id);
    const outcome = rnd() < 0.08 ? { status: "failed" as const, error: "x" } : undefined;
    const group = withGroups && rnd() < 0.4 ? `g${pick(3)}` : undefined;
    tasks.push(fake(`t${i}`, 5 + pick(46), { wave, dependsOn, outcome, group }));
  }
  return { tasks, parallel: 1 + pick(6) };
}

/** At a settled moment: how many not-yet-started tasks could start now, by the scheduler's rules. */
function readyWaiting(
  tasks: FakeTask[],
  started: Set<string>,
  running: Set<string>,
  outcomes: Map<string, TaskOutcome>,
  oneWindow = false,
): number {
  const unsettled = tasks.filter((t) => !outcomes.has(t.id)).map((t) => t.wave);
  const current = oneWindow ? Math.max(...unsettled) : Math.min(...unsettled);
  const openGroups = new Set(
    tasks.filter((t) => t.group && outcomes.get(t.id)?.status === "succeeded").map((t) => t.group),
  );
  const busyGroups = new Set(tasks.filter((t) => running.has(t.id) && t.group).map((t) => t.group));
  const ready = tasks.filter(
    (t) =>
      (oneWindow ? t.wave <= current : t.wave === current) &&
      !started.has(t.id) &&
      !outcomes.has(t.id) &&
      t.dependsOn.every((d) => outcomes.get(d)?.status === "succeeded"),
  );
  let count = ready.filter((t) => !t.group || openGroups.has(t.group)).length;
  const closed = new Set(
    ready.filter((t) => t.group && !openGroups.has(t.group)).map((t) => t.group),
  );
  for (const group of closed) if (!busyGroups.has(group)) count += 1;
  return count;
}

for (const window of ["per-wave", "one"] as const) {
  test(`the window never idles while a task is ready (200 random runs, fake clock, ${window} window)`, async () => {
    for (let seed = 1; seed <= 200; seed += 1) {
      const { tasks, parallel } = randomTasks(seed, seed % 2 === 0);
      const { clock, log, handle } = startFake(tasks, { parallel, policy: "continue", window });
      const outcomes = new Map<string, TaskOutcome>();
      let checks = 0;
      await clock.run({
        onSettled: () => {
          outcomes.clear();
          for (const e of log.events) {
            if (e.type === "task-finished" || e.type === "task-not-run")
              outcomes.set(e.taskId, e.outcome);
          }
          const started = new Set(log.starts.keys());
          const running = log.running.size;
          const waiting = readyWaiting(tasks, started, log.running, outcomes, window === "one");
          assert.ok(
            running <= parallel,
            `seed ${seed} at ${clock.time}: ${running} running > ${parallel}`,
          );
          assert.equal(
            running,
            Math.min(parallel, running + waiting),
            `seed ${seed} at ${clock.time}: ${running} running with ${waiting} ready waiting (parallel ${parallel})`,
          );
          checks += 1;
        },
      });
      const result = await handle.result;
      assert.ok(checks > 1);
      assert.ok(result.tasks.every((t) => t.outcome !== undefined));
    }
  });
}

test("without groups and failures the makespan stays within list scheduling's bound per wave", async () => {
  for (let seed = 1; seed <= 100; seed += 1) {
    const { tasks: raw, parallel } = randomTasks(seed, false);
    const tasks = raw.map((t) => ({ ...t, outcome: undefined }));
    const { clock, handle } = startFake(tasks, { parallel, policy: "halt-wave" });
    await clock.run();
    const result = await handle.result;
    let bound = 0;
    for (const wave of new Set(tasks.map((t) => t.wave))) {
      const members = tasks.filter((t) => t.wave === wave);
      const finish = new Map<string, number>();
      for (const t of members) {
        const deps = t.dependsOn.filter((d) => members.some((m) => m.id === d));
        finish.set(t.id, t.ms + Math.max(0, ...deps.map((d) => finish.get(d) ?? 0)));
      }
      const work = members.reduce((sum, t) => sum + t.ms, 0);
      const critical = Math.max(...finish.values());
      // Graham's bound for greedy list scheduling with precedence: work / p + critical path.
      bound += work / parallel + critical;
      assert.ok(critical <= bound);
    }
    const makespan = result.finishedAt - result.startedAt;
    assert.ok(makespan <= bound, `seed ${seed}: makespan ${makespan} > bound ${bound}`);
  }
});

test("24 tasks of 30 ms with --parallel 8 take exactly the ideal 90 ms (fake clock)", async () => {
  const tasks = Array.from({ length: 24 }, (_, i) => fake(`u${i}`, 30));
  const { clock, handle, log } = startFake(tasks, { parallel: 8, policy: "halt-wave" });
  await clock.run();
  const result = await handle.result;
  assert.equal(result.finishedAt - result.startedAt, 90);
  assert.equal(log.maxRunning, 8);
});

test("real timers: one 100 ms task and fifteen 20 ms tasks on 4 slots end near the ideal 100 ms", async () => {
  // Batches of four would take 100 + 3 x 20 = 160 ms; the sliding window's ideal is 100 ms. Timers
  // run late on a busy machine, so the ideal is computed from the durations the tasks really had.
  const durations = [100, ...Array.from({ length: 15 }, () => 20)];
  const tasks = durations.map((ms, i) => ({ id: `u${i}`, wave: 0, dependsOn: [], ms }));
  const spans: { start: number; end: number }[] = [];
  let running = 0;
  let maxRunning = 0;
  const result = await runSchedule(tasks, {
    parallel: 4,
    policy: "continue",
    now: () => performance.now(),
    execute: async (task) => {
      const start = performance.now();
      running += 1;
      maxRunning = Math.max(maxRunning, running);
      await sleep(task.ms);
      running -= 1;
      spans.push({ start, end: performance.now() });
      return { status: "succeeded", changes: false };
    },
  });
  const makespan = result.finishedAt - result.startedAt;
  const real = spans.map((s) => s.end - s.start);
  const ideal = Math.max(Math.max(...real), real.reduce((a, b) => a + b, 0) / 4);
  assert.equal(maxRunning, 4);
  assert.ok(
    makespan >= 99,
    `makespan ${makespan} ms is below the ideal: tasks overlapped too much`,
  );
  assert.ok(
    makespan <= ideal * 1.15 + 5,
    `makespan ${makespan.toFixed(1)} ms is more than 1.15 x the ideal ${ideal.toFixed(1)} ms`,
  );
  // Every task after the first four started in the same turn as the task whose slot it took.
  const ends = spans.map((s) => s.end).sort((a, b) => a - b);
  const starts = spans.map((s) => s.start).sort((a, b) => a - b);
  for (const start of starts.slice(4)) {
    const freed = Math.max(...ends.filter((end) => end <= start + 0.001));
    assert.ok(start - freed < 5, `a slot stayed idle for ${(start - freed).toFixed(1)} ms`);
  }
});
