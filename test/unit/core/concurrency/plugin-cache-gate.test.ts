import assert from "node:assert/strict";
import { test } from "node:test";
import { PluginCacheGate } from "../../../../src/core/concurrency/plugin-cache-gate.ts";

/** An init that logs its start and end and ends when the test says so. */
function controlled(log: string[], name: string): { run: () => Promise<string>; end: () => void } {
  let end = (): void => undefined;
  const finished = new Promise<void>((resolve) => (end = resolve));
  return {
    run: async () => {
      log.push(`start ${name}`);
      await finished;
      log.push(`end ${name}`);
      return name;
    },
    end: () => end(),
  };
}

const tick = (): Promise<void> => new Promise((resolve) => setImmediate(resolve));

test("leaders run one at a time; a follower waits for its own leader only", async () => {
  const gate = new PluginCacheGate();
  const log: string[] = [];
  const a = controlled(log, "a (lock x, leader)");
  const b = controlled(log, "b (no lock file)");
  const c = controlled(log, "c (lock y, leader)");
  const a2 = controlled(log, "a2 (lock x, follower)");
  const runs = [
    gate.run("x", a.run),
    gate.run(undefined, b.run),
    gate.run("y", c.run),
    gate.run("x", a2.run),
  ];
  await tick();
  assert.deepEqual(log, ["start a (lock x, leader)"], "one leader at a time, followers wait");
  a.end();
  await tick();
  await tick();
  assert.equal(log[1], "end a (lock x, leader)");
  assert.deepEqual(
    log.slice(2).sort(),
    ["start a2 (lock x, follower)", "start b (no lock file)"],
    "the next leader and a's follower start together; c waits for b",
  );
  a2.end();
  b.end();
  await tick();
  await tick();
  assert.ok(log.includes("start c (lock y, leader)"), "the next leader starts after b");
  c.end();
  assert.deepEqual(await Promise.all(runs), [
    "a (lock x, leader)",
    "b (no lock file)",
    "c (lock y, leader)",
    "a2 (lock x, follower)",
  ]);
});

test("a failed leader releases the gate and its followers", async () => {
  const gate = new PluginCacheGate();
  await assert.rejects(
    gate.run("x", async () => {
      throw new Error("init failed");
    }),
    /init failed/,
  );
  assert.equal(await gate.run("x", async () => "follower"), "follower");
  assert.equal(await gate.run(undefined, async () => "next leader"), "next leader");
});
