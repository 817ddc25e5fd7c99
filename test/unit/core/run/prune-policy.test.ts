import assert from "node:assert/strict";
import { test } from "node:test";
import { ageSeconds, decidePrune, runIdTime } from "../../../../src/core/run/prune-policy.ts";
import type { RunRecordEntry } from "../../../../src/core/run/prune-policy.ts";

const DAY = 86_400_000;
const NOW = Date.UTC(2026, 11, 10, 12, 0, 0);
const record = (id: string, protectedBy?: RunRecordEntry["protectedBy"]): RunRecordEntry => ({
  id,
  startedAt: runIdTime(id),
  ...(protectedBy ? { protectedBy } : {}),
});
// Newest last, days 1 to 6 of December 2026.
const RECORDS = [
  record("20261201-120000-aaaaaa"),
  record("20261202-120000-bbbbbb", "errored-state"),
  record("20261203-120000-cccccc", "crashed"),
  record("20261204-120000-dddddd"),
  record("20261205-120000-eeeeee"),
  record("20261206-120000-ffffff"),
];

test("runIdTime reads the UTC start of a run id; anything else has none", () => {
  assert.equal(runIdTime("20261124-101500-a1b2c3"), Date.UTC(2026, 10, 24, 10, 15, 0));
  assert.equal(runIdTime("notes"), undefined);
  assert.equal(runIdTime("20261124-1015-a1"), undefined);
});

test("--keep N: everything beyond the N newest goes, except protected records", () => {
  assert.deepEqual(decidePrune(RECORDS, { keep: 2, now: NOW }), {
    remove: ["20261204-120000-dddddd", "20261201-120000-aaaaaa"],
    protected: [
      { id: "20261203-120000-cccccc", reason: "crashed" },
      { id: "20261202-120000-bbbbbb", reason: "errored-state" },
    ],
  });
  assert.deepEqual(decidePrune(RECORDS, { keep: 10, now: NOW }), { remove: [], protected: [] });
});

test("--older-than D: only records that started before now - D; with --keep both must hold", () => {
  const olderThan4Days = { olderThanSeconds: (4 * DAY) / 1000, now: NOW };
  // Started before 2026-12-06T12:00: days 1 to 5.
  assert.deepEqual(decidePrune(RECORDS, olderThan4Days).remove, [
    "20261205-120000-eeeeee",
    "20261204-120000-dddddd",
    "20261201-120000-aaaaaa",
  ]);
  assert.deepEqual(decidePrune(RECORDS, { ...olderThan4Days, keep: 2 }).remove, [
    "20261204-120000-dddddd",
    "20261201-120000-aaaaaa",
  ]);
  // A record whose age is unknown is never removed by age.
  assert.deepEqual(decidePrune([{ id: "x", startedAt: undefined }], olderThan4Days).remove, []);
});

test("ageSeconds: minutes, hours, days and weeks", () => {
  assert.equal(ageSeconds("90m"), 5400);
  assert.equal(ageSeconds("12h"), 43_200);
  assert.equal(ageSeconds("14d"), 1_209_600);
  assert.equal(ageSeconds("2w"), 1_209_600);
  assert.equal(ageSeconds("2 weeks"), undefined);
  assert.equal(ageSeconds("30s"), undefined);
});
