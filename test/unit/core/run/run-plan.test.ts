import assert from "node:assert/strict";
import { test } from "node:test";
import { planRun } from "../../../../src/core/run/run-plan.ts";
import type { SchedulerTask } from "../../../../src/core/run/run-plan.ts";

const t = (
  id: string,
  wave: number,
  dependsOn: string[] = [],
  account = id.split("/")[1],
): SchedulerTask => ({ id, wave, dependsOn, account });

test("waves ascend forward and descend in reverse; empty wave indexes are not planned", () => {
  const tasks = [t("network/dev", 0), t("network/prod", 2), t("network/stg", 0)];
  const forward = planRun(tasks, { policy: "continue" });
  assert.deepEqual(
    forward.waves.map((w) => [w.wave, w.name, w.steps.map((s) => s.taskIds)]),
    [
      [0, "1", [["network/dev", "network/stg"]]],
      [2, "3", [["network/prod"]]],
    ],
  );
  const reverse = planRun(tasks, { policy: "continue", order: "reverse" });
  assert.deepEqual(
    reverse.waves.map((w) => w.wave),
    [2, 0],
  );
});

test("reverse inverts every dependency inside the run and drops those outside it", () => {
  const tasks = [
    t("network/dev", 0),
    t("app/dev", 0, ["network/dev", "iam/dev"]),
    t("dns/dev", 0, ["app/dev", "network/dev"]),
  ];
  const forward = planRun(tasks, { policy: "continue" });
  assert.deepEqual(Object.fromEntries(forward.dependencies), {
    "network/dev": [],
    "app/dev": ["network/dev"],
    "dns/dev": ["app/dev", "network/dev"],
  });
  const reverse = planRun(tasks, { policy: "continue", order: "reverse" });
  assert.deepEqual(Object.fromEntries(reverse.dependencies), {
    "network/dev": ["app/dev", "dns/dev"],
    "app/dev": ["dns/dev"],
    "dns/dev": [],
  });
});

test("canary: the first N distinct accounts of the wave, in task order, make the first step", () => {
  const tasks = [
    t("network/p1", 0),
    t("network/p2", 0),
    t("network/p3", 0),
    t("app/p1", 0, ["network/p1"]),
    t("app/p3", 0, ["network/p3"]),
  ];
  const plan = planRun(tasks, {
    policy: "halt-wave",
    waves: [{ wave: 0, name: "prod", canary: 2, tolerance: 1 }],
  });
  assert.deepEqual(plan.waves[0], {
    wave: 0,
    name: "prod",
    tolerance: 1,
    steps: [
      { kind: "canary", taskIds: ["network/p1", "network/p2", "app/p1"], accounts: ["p1", "p2"] },
      { kind: "rest", taskIds: ["network/p3", "app/p3"], accounts: ["p3"] },
    ],
  });
});

test("canary: a canary task that needs a task of the rest moves to the rest", () => {
  // dns lives in p1 but reads the shared account's state, which is not a canary account.
  const tasks = [t("network/p1", 0), t("network/shared", 0), t("dns/p1", 0, ["network/shared"])];
  const plan = planRun(tasks, { policy: "halt-wave", waves: [{ wave: 0, canary: 1 }] });
  assert.deepEqual(
    plan.waves[0]?.steps.map((s) => [s.kind, s.taskIds]),
    [
      ["canary", ["network/p1"]],
      ["rest", ["network/shared", "dns/p1"]],
    ],
  );
});

test("canary covering every account, canary 0, or continue: one step", () => {
  const tasks = [t("network/p1", 0), t("network/p2", 0)];
  for (const [policy, canary] of [
    ["halt-wave", 2],
    ["halt-wave", 5],
    ["halt-wave", 0],
    ["continue", 1],
  ] as const) {
    const plan = planRun(tasks, { policy, waves: [{ wave: 0, canary }] });
    assert.deepEqual(
      plan.waves[0]?.steps.map((s) => s.kind),
      ["all"],
      `${policy} canary ${canary}`,
    );
  }
});

test("a task without an account counts as its own account", () => {
  const plan = planRun(
    [
      { id: "a", wave: 0, dependsOn: [] },
      { id: "b", wave: 0, dependsOn: [] },
    ],
    { policy: "halt-wave", waves: [{ wave: 0, canary: 1 }] },
  );
  assert.deepEqual(
    plan.waves[0]?.steps.map((s) => s.accounts),
    [["a"], ["b"]],
  );
});
