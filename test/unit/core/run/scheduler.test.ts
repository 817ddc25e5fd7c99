import assert from "node:assert/strict";
import { test } from "node:test";
import { CrossformError } from "../../../../src/core/errors.ts";
import { startSchedule } from "../../../../src/core/run/scheduler.ts";
import type { SchedulerEvent } from "../../../../src/core/run/scheduler.ts";
import { FakeClock } from "../../../helpers/fake-clock.ts";
import { fake, runFake, startFake } from "../../../helpers/fake-tasks.ts";
import type { FakeTask } from "../../../helpers/fake-tasks.ts";

const fail = (error = "boom") => ({ status: "failed" as const, error });

test("a sliding window: a short task's slot is refilled at once, never batch by batch", async () => {
  // Batches of two would take 50 + 10 + 10 = 70 ms; the window takes the ideal 50 ms.
  const tasks = [
    fake("long", 50),
    fake("a", 10),
    fake("b", 10),
    fake("c", 10),
    fake("d", 10),
    fake("e", 10),
  ];
  const { result, log } = await runFake(tasks, { parallel: 2, policy: "continue" });
  assert.equal(result.finishedAt - result.startedAt, 50);
  assert.deepEqual(
    ["long", "a", "b", "c", "d", "e"].map((id) => log.starts.get(id)),
    [0, 0, 10, 20, 30, 40],
  );
  assert.equal(log.maxRunning, 2);
  assert.ok(result.tasks.every((t) => t.outcome.status === "succeeded"));
});

test("a task starts the moment its dependencies in the same wave succeed", async () => {
  const tasks = [
    fake("network", 30),
    fake("filler-1", 100),
    fake("app", 20, { dependsOn: ["network"] }),
    fake("dns", 10, { dependsOn: ["app", "network"] }),
  ];
  const { log } = await runFake(tasks, { parallel: 3, policy: "continue" });
  assert.equal(log.starts.get("app"), 30);
  assert.equal(log.starts.get("dns"), 50);
});

test("waves are the outer loop: a later wave starts only when the earlier one has ended", async () => {
  const tasks = [
    fake("dev-a", 40, { wave: 0 }),
    fake("dev-b", 10, { wave: 0 }),
    fake("prod-a", 10, { wave: 1 }),
    fake("prod-b", 10, { wave: 1 }),
  ];
  const { log, result } = await runFake(tasks, { parallel: 4, policy: "continue" });
  assert.equal(log.starts.get("prod-a"), 40);
  assert.equal(log.starts.get("prod-b"), 40);
  assert.deepEqual(
    result.waves.map((w) => [w.wave, w.status]),
    [
      [0, "completed"],
      [1, "completed"],
    ],
  );
});

test("continue: a failure skips its dependents (transitively) and nothing else", async () => {
  const tasks = [
    fake("network/dev", 10, { outcome: fail("network exploded") }),
    fake("app/dev", 10, { dependsOn: ["network/dev"] }),
    fake("dns/dev", 10, { dependsOn: ["app/dev"] }),
    fake("network/stg", 10),
    fake("network/prod", 10, { wave: 1 }),
    fake("app/prod", 10, { wave: 1, dependsOn: ["network/dev"] }),
  ];
  const { outcome, log } = await runFake(tasks, { parallel: 2, policy: "continue" });
  assert.deepEqual(outcome("network/dev"), { status: "failed", error: "network exploded" });
  assert.deepEqual(outcome("app/dev"), {
    status: "skipped",
    reason: "dependency network/dev failed",
    dependency: "network/dev",
  });
  assert.deepEqual(outcome("dns/dev"), {
    status: "skipped",
    reason: "dependency app/dev was skipped (dependency network/dev failed)",
    dependency: "app/dev",
  });
  assert.equal(outcome("network/stg")?.status, "succeeded");
  assert.equal(outcome("network/prod")?.status, "succeeded");
  assert.equal(outcome("app/prod")?.status, "skipped");
  assert.equal(log.starts.has("app/dev"), false);
  const notRun = log.events.filter((e) => e.type === "task-not-run").map((e) => e.taskId);
  assert.deepEqual(notRun, ["app/dev", "dns/dev", "app/prod"]);
});

test("blocked is not a failure: dependents are skipped, the wave does not halt", async () => {
  const tasks = [
    fake("network/dev", 10, {
      outcome: { status: "blocked", reason: "network/dev has no state yet" },
    }),
    fake("app/dev", 10, { dependsOn: ["network/dev"] }),
    fake("network/prod", 10, { wave: 1 }),
  ];
  const { outcome, result } = await runFake(tasks, { parallel: 2, policy: "halt-wave" });
  assert.equal(outcome("network/dev")?.status, "blocked");
  assert.deepEqual(outcome("app/dev"), {
    status: "skipped",
    reason: "dependency network/dev is blocked: network/dev has no state yet",
    dependency: "network/dev",
  });
  assert.equal(outcome("network/prod")?.status, "succeeded");
  assert.equal(result.halted, undefined);
});

test("halt-wave: independent tasks of the failed wave finish, later waves do not start", async () => {
  const tasks = [
    fake("network/dev", 10, { outcome: fail() }),
    fake("network/stg", 40),
    fake("app/dev", 10, { dependsOn: ["network/dev"] }),
    // Queued behind the window when the failure happens: it still runs.
    fake("dns/dev", 10),
    fake("network/prod", 10, { wave: 1 }),
    fake("network/shared", 10, { wave: 2 }),
  ];
  const { outcome, result, log } = await runFake(tasks, { parallel: 2, policy: "halt-wave" });
  assert.equal(outcome("network/stg")?.status, "succeeded");
  assert.equal(outcome("dns/dev")?.status, "succeeded");
  assert.equal(log.starts.get("dns/dev"), 10);
  assert.equal(outcome("app/dev")?.status, "skipped");
  assert.deepEqual(outcome("network/prod"), {
    status: "not-started",
    reason: "wave 1 halted: 1 failed account (network/dev), tolerance 0",
  });
  assert.equal(outcome("network/shared")?.status, "not-started");
  assert.deepEqual(result.halted, {
    wave: 0,
    name: "1",
    failedAccounts: ["network/dev"],
    tolerance: 0,
  });
  assert.deepEqual(
    result.waves.map((w) => w.status),
    ["halted", "not-started", "not-started"],
  );
  assert.equal(log.starts.has("network/prod"), false);
});

test("tolerance counts failed accounts, not tasks: within it the next wave runs, above it halts", async () => {
  const wave0 = (failing: string[]) => [
    fake("network/a", 10, { account: "a", outcome: failing.includes("a") ? fail() : undefined }),
    fake("app/a", 10, { account: "a", outcome: failing.includes("a") ? fail() : undefined }),
    fake("network/b", 10, { account: "b", outcome: failing.includes("b") ? fail() : undefined }),
    fake("network/c", 10, { account: "c" }),
    fake("network/d", 10, { account: "d", wave: 1 }),
  ];
  const waves = [{ wave: 0, name: "prod", tolerance: 1 }];

  const one = await runFake(wave0(["a"]), { parallel: 4, policy: "halt-wave", waves });
  assert.deepEqual(one.result.waves[0]?.failedAccounts, ["a"]);
  assert.equal(one.result.waves[0]?.status, "completed");
  assert.equal(one.outcome("network/d")?.status, "succeeded");

  const two = await runFake(wave0(["a", "b"]), { parallel: 4, policy: "halt-wave", waves });
  assert.equal(two.result.waves[0]?.status, "halted");
  assert.deepEqual(two.outcome("network/d"), {
    status: "not-started",
    reason: "wave prod halted: 2 failed accounts (a, b), tolerance 1",
  });
});

test("canary: the first N accounts of a wave run first; the rest waits for them", async () => {
  const tasks = [
    fake("network/p1", 30, { account: "p1" }),
    fake("app/p1", 10, { account: "p1", dependsOn: ["network/p1"] }),
    fake("network/p2", 10, { account: "p2" }),
    fake("network/p3", 10, { account: "p3" }),
    fake("network/s", 10, { account: "s", wave: 1 }),
  ];
  const { log, result } = await runFake(tasks, {
    parallel: 4,
    policy: "halt-wave",
    waves: [{ wave: 0, name: "prod", canary: 1 }],
  });
  assert.equal(log.starts.get("network/p2"), 40);
  assert.equal(log.starts.get("network/p3"), 40);
  assert.equal(log.starts.get("network/s"), 50);
  assert.deepEqual(
    result.waves[0]?.steps.map((s) => [s.kind, s.accounts, s.status]),
    [
      ["canary", ["p1"], "completed"],
      ["rest", ["p2", "p3"], "completed"],
    ],
  );
  const steps = log.events.filter((e) => e.type === "step-started");
  assert.deepEqual(
    steps.map((e) => e.type === "step-started" && [e.wave, e.step, e.at]),
    [
      [0, "canary", 0],
      [0, "rest", 40],
      [1, "all", 50],
    ],
  );
});

test("canary: a failed canary stops the rest of its wave and every later wave", async () => {
  const tasks = [
    fake("network/p1", 10, { account: "p1", outcome: fail() }),
    fake("network/p2", 10, { account: "p2" }),
    fake("network/s", 10, { account: "s", wave: 1 }),
  ];
  const { outcome, result, log } = await runFake(tasks, {
    parallel: 4,
    policy: "halt-wave",
    waves: [{ wave: 0, name: "prod", canary: 1, tolerance: 0 }],
  });
  assert.deepEqual(outcome("network/p2"), {
    status: "not-started",
    reason: "wave prod halted: 1 failed account (p1), tolerance 0",
  });
  assert.equal(outcome("network/s")?.status, "not-started");
  assert.equal(log.starts.size, 1);
  assert.deepEqual(
    result.waves[0]?.steps.map((s) => s.status),
    ["completed", "not-started"],
  );
});

test("canary steps apply to halt-wave only: a plan runs the whole wave at once", async () => {
  const tasks = [
    fake("network/p1", 10, { account: "p1" }),
    fake("network/p2", 10, { account: "p2" }),
  ];
  const { log, result } = await runFake(tasks, {
    parallel: 4,
    policy: "continue",
    waves: [{ wave: 0, canary: 1 }],
  });
  assert.equal(log.starts.get("network/p2"), 0);
  assert.deepEqual(
    result.waves[0]?.steps.map((s) => s.kind),
    ["all"],
  );
});

test("cancel: running tasks get one abort each and end interrupted; nothing else starts", async () => {
  const tasks = [
    fake("a", 100),
    fake("b", 100),
    fake("c", 100),
    fake("d", 100),
    fake("e", 100, { wave: 1 }),
  ];
  const { clock, log, handle } = startFake(tasks, { parallel: 2, policy: "halt-wave" });
  await clock.run({ until: 30 });
  handle.cancel("SIGINT received");
  handle.cancel("SIGTERM received");
  const provisional = handle.snapshot();
  assert.deepEqual(
    provisional.map((t) => [t.id, t.state, t.outcome?.status]),
    [
      ["a", "running", undefined],
      ["b", "running", undefined],
      ["c", "done", "not-started"],
      ["d", "done", "not-started"],
      ["e", "pending", undefined],
    ],
  );
  await clock.run();
  const result = await handle.result;
  assert.equal(result.cancelled, true);
  assert.equal(result.cancelReason, "SIGINT received");
  assert.deepEqual(Object.fromEntries(log.aborts), { a: 1, b: 1 });
  assert.deepEqual(
    result.tasks.map((t) => t.outcome),
    [
      { status: "interrupted", reason: "interrupted by signal" },
      { status: "interrupted", reason: "interrupted by signal" },
      { status: "not-started", reason: "run cancelled: SIGINT received" },
      { status: "not-started", reason: "run cancelled: SIGINT received" },
      { status: "not-started", reason: "run cancelled: SIGINT received" },
    ],
  );
  assert.equal(result.tasks[0]?.durationMs, 35);
  assert.deepEqual(
    result.waves.map((w) => w.status),
    ["interrupted", "not-started"],
  );
  const cancels = log.events.filter((e) => e.type === "cancel-requested");
  assert.deepEqual(cancels, [
    { type: "cancel-requested", at: 30, reason: "SIGINT received", running: ["a", "b"] },
  ]);
  assert.equal(log.starts.size, 2);
});

test("cancel: a task that still succeeds after the abort is reported as succeeded", async () => {
  const tasks = [
    fake("a", 50, { onAbort: "ignore", outcome: { status: "succeeded", changes: true } }),
  ];
  const { clock, handle } = startFake(tasks, { parallel: 1, policy: "halt-wave" });
  await clock.run({ until: 10 });
  handle.cancel();
  await clock.run();
  const result = await handle.result;
  assert.deepEqual(result.tasks[0]?.outcome, { status: "succeeded", changes: true });
  assert.equal(result.cancelled, true);
});

test("an AbortSignal cancels like cancel(), with its reason", async () => {
  const controller = new AbortController();
  const { clock, handle } = startFake([fake("a", 50), fake("b", 50)], {
    parallel: 1,
    policy: "continue",
    signal: controller.signal,
  });
  await clock.run({ until: 20 });
  controller.abort("pipeline cancelled");
  await clock.run();
  const result = await handle.result;
  assert.equal(result.cancelReason, "pipeline cancelled");
  assert.deepEqual(
    result.tasks.map((t) => t.outcome.status),
    ["interrupted", "not-started"],
  );
});

test("an already aborted signal starts nothing", async () => {
  const controller = new AbortController();
  controller.abort();
  const { result, log } = await runFake([fake("a", 10)], {
    parallel: 1,
    policy: "continue",
    signal: controller.signal,
  });
  assert.equal(log.starts.size, 0);
  assert.deepEqual(result.tasks[0]?.outcome, {
    status: "not-started",
    reason: "run cancelled: cancelled",
  });
});

test("reverse (destroy): waves descend and dependents go before their dependencies", async () => {
  const tasks = [
    fake("network/dev", 10, { wave: 0 }),
    fake("app/dev", 20, { wave: 0, dependsOn: ["network/dev"] }),
    fake("network/prod", 10, { wave: 1 }),
    fake("app/prod", 10, { wave: 1, dependsOn: ["network/prod"] }),
  ];
  const { log, result } = await runFake(tasks, {
    parallel: 4,
    policy: "halt-wave",
    order: "reverse",
  });
  assert.deepEqual(
    result.waves.map((w) => w.wave),
    [1, 0],
  );
  assert.equal(log.starts.get("app/prod"), 0);
  assert.equal(log.starts.get("network/prod"), 10);
  assert.equal(log.starts.get("app/dev"), 20);
  assert.equal(log.starts.get("network/dev"), 40);
});

test("reverse: a dependent that fails to destroy keeps its dependency (skipped)", async () => {
  const tasks = [
    fake("network/dev", 10),
    fake("app/dev", 10, { dependsOn: ["network/dev"], outcome: fail("cannot destroy") }),
  ];
  const { outcome } = await runFake(tasks, { parallel: 2, policy: "halt-wave", order: "reverse" });
  assert.deepEqual(outcome("network/dev"), {
    status: "skipped",
    reason: "dependency app/dev failed",
    dependency: "app/dev",
  });
});

test("group: the first task of a group runs alone, the rest start when it succeeds", async () => {
  const tasks = [
    fake("aws-1", 30, { group: "aws" }),
    fake("aws-2", 10, { group: "aws" }),
    fake("aws-3", 10, { group: "aws" }),
    fake("other", 10, { group: "null" }),
  ];
  const { log } = await runFake(tasks, { parallel: 4, policy: "continue" });
  assert.equal(log.starts.get("aws-1"), 0);
  assert.equal(log.starts.get("other"), 0);
  assert.equal(log.starts.get("aws-2"), 30);
  assert.equal(log.starts.get("aws-3"), 30);
});

test("group: groupReady() lets the rest start before the first task ends", async () => {
  const tasks = [
    fake("aws-1", 50, { group: "aws", readyAfter: 5 }),
    fake("aws-2", 10, { group: "aws" }),
    fake("aws-3", 10, { group: "aws" }),
  ];
  const { log } = await runFake(tasks, { parallel: 4, policy: "continue" });
  assert.equal(log.starts.get("aws-2"), 5);
  assert.equal(log.starts.get("aws-3"), 5);
});

test("group: when the first task fails, the next one runs alone in its place", async () => {
  const tasks = [
    fake("aws-1", 10, { group: "aws", outcome: fail("provider download failed") }),
    fake("aws-2", 10, { group: "aws" }),
    fake("aws-3", 10, { group: "aws" }),
  ];
  const { log, outcome } = await runFake(tasks, { parallel: 4, policy: "continue" });
  assert.deepEqual(
    ["aws-1", "aws-2", "aws-3"].map((id) => log.starts.get(id)),
    [0, 10, 20],
  );
  assert.equal(outcome("aws-3")?.status, "succeeded");
});

test("a task that throws is a failed task, not a crashed run", async () => {
  const tasks = [fake("a", 10, { throws: "spawn ENOENT" }), fake("b", 10)];
  const { outcome } = await runFake(tasks, { parallel: 1, policy: "continue" });
  assert.deepEqual(outcome("a"), {
    status: "failed",
    error: "internal error: the task threw: spawn ENOENT",
  });
  assert.equal(outcome("b")?.status, "succeeded");
});

test("a dependency outside the run is treated as satisfied", async () => {
  const { outcome } = await runFake([fake("app/dev", 10, { dependsOn: ["network/dev"] })], {
    parallel: 1,
    policy: "continue",
  });
  assert.equal(outcome("app/dev")?.status, "succeeded");
});

test("events: each task starts and finishes once, with durations from the given clock", async () => {
  const tasks = [
    fake("a", 10, { outcome: { status: "succeeded", changes: true } }),
    fake("b", 25, { dependsOn: ["a"] }),
  ];
  const { log, result } = await runFake(tasks, { parallel: 2, policy: "continue" });
  const byType = (type: SchedulerEvent["type"]) => log.events.filter((e) => e.type === type);
  assert.deepEqual(
    log.events.map((e) => e.type),
    [
      "wave-started",
      "step-started",
      "task-started",
      "task-finished",
      "task-started",
      "task-finished",
      "wave-finished",
    ],
  );
  assert.deepEqual(byType("task-finished"), [
    {
      type: "task-finished",
      taskId: "a",
      wave: 0,
      step: "all",
      at: 10,
      outcome: { status: "succeeded", changes: true },
      durationMs: 10,
      running: 0,
    },
    {
      type: "task-finished",
      taskId: "b",
      wave: 0,
      step: "all",
      at: 35,
      outcome: { status: "succeeded", changes: false },
      durationMs: 25,
      running: 0,
    },
  ]);
  assert.deepEqual(
    result.tasks.map((t) => [t.startedAt, t.finishedAt, t.durationMs]),
    [
      [0, 10, 10],
      [10, 35, 25],
    ],
  );
});

test("a listener that throws does not break the run", async () => {
  const clock = new FakeClock();
  const handle = startSchedule([fake("a", 10)], {
    parallel: 1,
    policy: "continue",
    now: clock.now,
    execute: async (t) => {
      await clock.sleep(t.ms);
      return { status: "succeeded", changes: false };
    },
    onEvent: () => {
      throw new Error("view crashed");
    },
  });
  await clock.run();
  assert.equal((await handle.result).tasks[0]?.outcome.status, "succeeded");
});

test("inconsistent tasks are refused before anything starts", () => {
  const options = {
    parallel: 2,
    policy: "continue" as const,
    now: () => 0,
    execute: async () => ({ status: "succeeded" as const, changes: false }),
  };
  const refused = (tasks: FakeTask[], message: RegExp, parallel = 2) =>
    assert.throws(
      () => startSchedule(tasks, { ...options, parallel }),
      (error: unknown) =>
        error instanceof CrossformError &&
        error.code === "run/invalid-tasks" &&
        message.test(error.message),
    );
  refused([fake("a", 1), fake("a", 1)], /task id a appears twice/);
  refused(
    [fake("a", 1, { dependsOn: ["b"] }), fake("b", 1, { dependsOn: ["a"] })],
    /tasks a, b depend on each other in a cycle/,
  );
  refused(
    [fake("a", 1, { dependsOn: ["b"] }), fake("b", 1, { wave: 1 })],
    /task a \(wave 0\) depends on b, which is in the later wave 1/,
  );
  refused([fake("a", 1, { dependsOn: ["a"] })], /task a depends on itself/);
  refused([fake("a", 1)], /parallel must be a positive integer, got 0/, 0);
});

test("cancel after the run ended changes nothing", async () => {
  const events: SchedulerEvent[] = [];
  const handle = startSchedule([fake("a", 0)], {
    parallel: 1,
    policy: "continue",
    now: () => 0,
    execute: async () => ({ status: "succeeded", changes: false }),
    onEvent: (e) => events.push(e),
  });
  const result = await handle.result;
  handle.cancel();
  assert.equal(result.cancelled, false);
  assert.ok(!events.some((e) => e.type === "cancel-requested"));
  assert.deepEqual(handle.snapshot()[0]?.outcome, { status: "succeeded", changes: false });
});

test("one window: 4 tasks in 4 waves run at once; per wave they take four times as long", async () => {
  const tasks = ["dev", "staging", "prod", "shared"].map((id, wave) => fake(id, 10, { wave }));
  const one = await runFake(tasks, { parallel: 4, policy: "continue", window: "one" });
  assert.equal(one.result.finishedAt - one.result.startedAt, 10);
  assert.deepEqual([...one.log.starts.values()], [0, 0, 0, 0]);
  const waves = await runFake(tasks, { parallel: 4, policy: "continue" });
  assert.equal(waves.result.finishedAt - waves.result.startedAt, 40);
});

test("one window: earlier waves' tasks take the free slots first", async () => {
  const tasks = [
    fake("prod-a", 10, { wave: 1 }),
    fake("dev-a", 10, { wave: 0 }),
    fake("prod-b", 10, { wave: 1 }),
    fake("dev-b", 10, { wave: 0 }),
  ];
  const { log } = await runFake(tasks, { parallel: 1, policy: "continue", window: "one" });
  assert.deepEqual([...log.starts.keys()], ["dev-a", "dev-b", "prod-a", "prod-b"]);
});

test("one window: a task in a later wave still waits for its dependency, and only for it", async () => {
  const tasks = [
    fake("network/dev", 30, { wave: 0 }),
    fake("filler/dev", 5, { wave: 0 }),
    fake("app/prod", 10, { wave: 1, dependsOn: ["network/dev"] }),
    fake("network/prod", 10, { wave: 1 }),
  ];
  const { log } = await runFake(tasks, { parallel: 4, policy: "continue", window: "one" });
  assert.equal(log.starts.get("network/prod"), 0, "no wait for wave 0 to end");
  assert.equal(log.starts.get("app/prod"), 30, "started when its dependency succeeded");
});

test("one window: failed and blocked dependencies still skip their dependents in later waves", async () => {
  const tasks = [
    fake("network/dev", 10, { outcome: fail("network exploded") }),
    fake("network/stg", 10, { outcome: { status: "blocked", reason: "no state yet" } }),
    fake("app/dev", 10, { wave: 1, dependsOn: ["network/dev"] }),
    fake("app/stg", 10, { wave: 2, dependsOn: ["network/stg"] }),
    fake("dns/stg", 10, { wave: 2, dependsOn: ["app/stg"] }),
    fake("network/prod", 10, { wave: 2 }),
  ];
  const { outcome, log } = await runFake(tasks, { parallel: 2, policy: "continue", window: "one" });
  assert.deepEqual(outcome("app/dev"), {
    status: "skipped",
    reason: "dependency network/dev failed",
    dependency: "network/dev",
  });
  assert.equal(outcome("app/stg")?.status, "skipped");
  assert.equal(outcome("dns/stg")?.status, "skipped");
  assert.equal(outcome("network/prod")?.status, "succeeded");
  assert.deepEqual([...log.starts.keys()].sort(), ["network/dev", "network/prod", "network/stg"]);
});

test("one window: a wave begins with its first task and ends with its last, in the results too", async () => {
  const tasks = [fake("dev", 30, { wave: 0 }), fake("prod", 10, { wave: 1, outcome: fail() })];
  const { log, result } = await runFake(tasks, { parallel: 2, policy: "continue", window: "one" });
  assert.deepEqual(
    log.events
      .filter((e) => e.type !== "task-started" && e.type !== "task-finished")
      .map((e) => [e.type, "wave" in e ? e.wave : undefined, "at" in e ? e.at : undefined]),
    [
      ["wave-started", 0, 0],
      ["wave-started", 1, 0],
      ["wave-finished", 1, 10],
      ["wave-finished", 0, 30],
    ],
  );
  assert.deepEqual(
    result.waves.map((w) => [w.wave, w.status, w.failedAccounts, w.steps.map((s) => s.status)]),
    [
      [0, "completed", [], ["completed"]],
      [1, "completed", ["prod"], ["completed"]],
    ],
  );
});

test("one window: a stop interrupts the waves under way; waves not begun are not started", async () => {
  const tasks = [
    fake("a", 100, { wave: 0 }),
    fake("b", 100, { wave: 1 }),
    fake("c", 100, { wave: 2 }),
  ];
  const { clock, handle } = startFake(tasks, { parallel: 2, policy: "continue", window: "one" });
  await clock.run({ until: 30 });
  handle.cancel("SIGINT received");
  await clock.run();
  const result = await handle.result;
  assert.deepEqual(
    result.waves.map((w) => w.status),
    ["interrupted", "interrupted", "not-started"],
  );
  assert.deepEqual(
    result.tasks.map((t) => t.outcome.status),
    ["interrupted", "interrupted", "not-started"],
  );
});

test("one window is refused for a run that changes something (halt-wave)", () => {
  assert.throws(
    () => startFake([fake("a", 1)], { parallel: 1, policy: "halt-wave", window: "one" }),
    (error: unknown) => error instanceof CrossformError && error.code === "run/invalid-tasks",
  );
});

test("halt-run: the first failure starts no other task, in its wave or later, whatever the tolerance", async () => {
  const tasks = [
    fake("network/dev", 10),
    fake("network/qa", 10, { outcome: fail() }),
    fake("network/stg", 10),
    fake("network/prod", 10, { wave: 1 }),
  ];
  const { outcome, result, log } = await runFake(tasks, {
    parallel: 1,
    policy: "halt-run",
    waves: [{ wave: 0, tolerance: 5 }],
  });
  assert.equal(outcome("network/dev")?.status, "succeeded");
  assert.equal(outcome("network/qa")?.status, "failed");
  assert.deepEqual(outcome("network/stg"), {
    status: "not-started",
    reason: "network/qa failed: no other unit starts",
  });
  assert.deepEqual(outcome("network/prod"), {
    status: "not-started",
    reason: "network/qa failed: no other unit starts",
  });
  assert.equal(log.starts.has("network/stg"), false);
  assert.deepEqual(
    result.waves.map((w) => w.status),
    ["halted", "not-started"],
  );
});

test("halt-run: without a failure every task runs, one after the other with a window of one", async () => {
  const tasks = [fake("a", 10), fake("b", 10), fake("c", 10, { wave: 1 })];
  const { outcome, log } = await runFake(tasks, { parallel: 1, policy: "halt-run" });
  assert.deepEqual(
    ["a", "b", "c"].map((id) => [outcome(id)?.status, log.starts.get(id)]),
    [
      ["succeeded", 0],
      ["succeeded", 10],
      ["succeeded", 20],
    ],
  );
  assert.equal(log.maxRunning, 1);
});
