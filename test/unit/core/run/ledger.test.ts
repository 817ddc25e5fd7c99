import assert from "node:assert/strict";
import { test } from "node:test";
import { emptyCounts } from "../../../../src/core/report/run-report.ts";
import { journalLine, readJournal } from "../../../../src/core/run/ledger.ts";
import type { JournalEntry } from "../../../../src/core/run/ledger.ts";

const unit = (id: string) => ({
  id,
  stack: "app",
  account: id.split("/")[1] ?? "dev",
  account_id: "111111111111",
  region: "us-east-1",
  wave: 0,
  approval: false,
  log_path: `.crossform/runs/r/units/${id}/log`,
});

const header: JournalEntry = {
  type: "run",
  v: 1,
  id: "r",
  command: "apply",
  started_at: "2026-01-15T10:00:00.000Z",
  terraform_version: "1.11.4",
  selection: { stacks: [], targets: [], all: true },
  process: { pid: 1 },
  units: [unit("app/dev/us-east-1"), unit("app/prod/us-east-1")],
  git_commit: "4f2a9c1e8b7d6a5f4e3d2c1b0a9f8e7d6c5b4a39",
  source: "commit",
};

test("a journal read back: a running terraform keeps the time of its start; `recovered` lines name the settled units and change no record", () => {
  const lines: JournalEntry[] = [
    header,
    {
      type: "unit",
      at: "2026-01-15T10:00:01.000Z",
      unit: "app/dev/us-east-1",
      event: "started",
      step: "apply",
    },
    {
      type: "unit",
      at: "2026-01-15T10:00:02.000Z",
      unit: "app/dev/us-east-1",
      event: "planned",
      has_changes: true,
      counts: { ...emptyCounts(), add: 1 },
    },
    { type: "unit", at: "2026-01-15T10:00:03.000Z", unit: "app/dev/us-east-1", event: "applying" },
    {
      type: "unit",
      at: "2026-01-15T10:00:04.000Z",
      unit: "app/dev/us-east-1",
      event: "terraform-started",
      command: "apply",
      pid: 4242,
      started: "boot:123",
    },
    {
      type: "recovered",
      at: "2026-01-15T11:00:00.000Z",
      units: ["app/dev/us-east-1"],
      findings: ["app/dev/us-east-1: crossform stopped ..."],
    },
  ];
  const contents = readJournal(lines.map(journalLine).join(""));
  assert.equal(contents.header?.source, "commit");
  const record = contents.records.get("app/dev/us-east-1");
  assert.equal(record?.state, "applying");
  assert.deepEqual(record?.children, [
    {
      command: "apply",
      pid: 4242,
      started: "boot:123",
      since: Date.parse("2026-01-15T10:00:04.000Z"),
    },
  ]);
  assert.deepEqual([...contents.recovered], ["app/dev/us-east-1"]);
  assert.equal(
    contents.lastAt,
    "2026-01-15T10:00:04.000Z",
    "a recovery is not the crashed run's time",
  );
  assert.equal(contents.end, undefined);
  assert.equal(readJournal(journalLine(header)).recovered.size, 0);
});
