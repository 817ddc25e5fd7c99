import assert from "node:assert/strict";
import { test } from "node:test";
import { mapWithWindow } from "../../../../src/core/concurrency/sliding-window.ts";

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

test("results keep the input order whatever the finishing order", async () => {
  const out = await mapWithWindow([30, 5, 20, 1], 4, async (ms, i) => {
    await sleep(ms);
    return `${i}:${ms}`;
  });
  assert.deepEqual(out, ["0:30", "1:5", "2:20", "3:1"]);
});

test("never more than the limit at once, and a slot is refilled as soon as one frees", async () => {
  let running = 0;
  let peak = 0;
  const started: number[] = [];
  const finished: number[] = [];
  // Item 0 holds its slot until item 5 has finished: no timing, so no flakiness under load.
  let releaseFirst: () => void = () => undefined;
  const firstHeld = new Promise<void>((resolve) => (releaseFirst = resolve));
  await mapWithWindow([0, 1, 2, 3, 4, 5], 2, async (_item, i) => {
    running += 1;
    peak = Math.max(peak, running);
    started.push(i);
    if (i === 0) await firstHeld;
    else await sleep(1);
    running -= 1;
    finished.push(i);
    if (i === 5) releaseFirst();
  });
  assert.equal(peak, 2);
  // Items 1..5 pass through the second slot while item 0 still holds the first: no batches.
  assert.deepEqual(finished, [1, 2, 3, 4, 5, 0]);
  assert.deepEqual(started, [0, 1, 2, 3, 4, 5]);
});

test("an empty input resolves at once; a bad limit is refused", async () => {
  assert.deepEqual(await mapWithWindow([], 3, async () => 1), []);
  await assert.rejects(
    mapWithWindow([1], 0, async () => 1),
    /positive integer, got 0/,
  );
  await assert.rejects(
    mapWithWindow([1], 1.5, async () => 1),
    RangeError,
  );
});

test("a throwing task rejects the call and no new task starts after it", async () => {
  const started: number[] = [];
  await assert.rejects(
    mapWithWindow([1, 2, 3, 4, 5], 1, async (n) => {
      started.push(n);
      if (n === 2) throw new Error("boom");
      return n;
    }),
    /boom/,
  );
  assert.deepEqual(started, [1, 2]);
});
