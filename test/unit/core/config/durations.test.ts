import assert from "node:assert/strict";
import { test } from "node:test";
import { durationSeconds } from "../../../../src/core/config/durations.ts";

test("durations convert to seconds", () => {
  assert.equal(durationSeconds("0s"), 0);
  assert.equal(durationSeconds("30s"), 30);
  assert.equal(durationSeconds("15m"), 900);
  assert.equal(durationSeconds("1h"), 3600);
  assert.equal(durationSeconds("250ms"), 0.25);
});

test("text that is not a duration throws (the schema refuses it first)", () => {
  assert.throws(() => durationSeconds("1 hour"), /not a duration/);
  assert.throws(() => durationSeconds("1d"), /not a duration/);
  assert.throws(() => durationSeconds("h"), /not a duration/);
});
