import assert from "node:assert/strict";
import { test } from "node:test";
import { pluginCacheWriters } from "../../../../src/core/concurrency/plugin-cache-writers.ts";

test("the first init of each lock file and every init without one may write the cache", () => {
  assert.deepEqual(
    [...pluginCacheWriters(["x", undefined, "y", "x", undefined, "y", "z"])],
    [0, 1, 2, 4, 6],
  );
});

test("no inits, no writers; one lock file shared by all: one writer", () => {
  assert.deepEqual([...pluginCacheWriters([])], []);
  assert.deepEqual([...pluginCacheWriters(["x", "x", "x"])], [0]);
});
