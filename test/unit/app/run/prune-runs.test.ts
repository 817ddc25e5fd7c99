/**
 * Pruning run records on a real directory: what protects a record (an errored.tfstate in it, the
 * journal of a crashed or still running run), what an interrupted removal leaves, and what is
 * never touched (a directory that is not a run).
 */
import assert from "node:assert/strict";
import { mkdir, readdir, writeFile } from "node:fs/promises";
import { join } from "node:path";
import { test } from "node:test";
import { AtomicFileWriter } from "../../../../src/adapters/fs/atomic-write.ts";
import { NodeFileSystem } from "../../../../src/adapters/fs/node-file-system.ts";
import { NodeProcessTable } from "../../../../src/adapters/system/node-process-table.ts";
import { pruneRuns } from "../../../../src/app/run/prune-runs.ts";
import { listRuns } from "../../../../src/app/run/run-history.ts";
import { makeTempDir } from "../../../helpers/temp-dir.ts";

const processes = new NodeProcessTable();
const deps = { fs: new NodeFileSystem(), remover: new AtomicFileWriter(), processes };

/** A journal header of a run owned by `process`, with no end. */
function journal(id: string, process: { pid: number; started?: string }): string {
  return `${JSON.stringify({
    type: "run",
    v: 1,
    id,
    command: "apply",
    started_at: "2026-12-01T12:00:00.000Z",
    terraform_version: "1.11.4",
    selection: { stacks: [], targets: [], all: true },
    process,
    units: [],
  })}\n`;
}

async function records(): Promise<{ dir: string; runs: string }> {
  const dir = await makeTempDir("prune-runs");
  const runs = join(dir, ".crossform", "runs");
  const ended = async (id: string): Promise<void> => {
    await mkdir(join(runs, id), { recursive: true });
    await writeFile(join(runs, id, "run.json"), "{}");
  };
  await ended("20261201-120000-aaaaaa");
  await ended("20261202-120000-bbbbbb");
  await mkdir(join(runs, "20261202-120000-bbbbbb", "units", "app", "dev", "us-east-1"), {
    recursive: true,
  });
  await writeFile(
    join(runs, "20261202-120000-bbbbbb", "units", "app", "dev", "us-east-1", "errored.tfstate"),
    "{}",
  );
  await mkdir(join(runs, "20261203-120000-cccccc"), { recursive: true });
  await writeFile(
    join(runs, "20261203-120000-cccccc", "journal.jsonl"),
    journal("20261203-120000-cccccc", { pid: 2 ** 30, started: "gone:1" }),
  );
  await mkdir(join(runs, "20261204-120000-dddddd"), { recursive: true });
  await writeFile(
    join(runs, "20261204-120000-dddddd", "journal.jsonl"),
    journal("20261204-120000-dddddd", await processes.self()),
  );
  await ended("20261205-120000-eeeeee");
  await ended("20261206-120000-ffffff");
  await mkdir(join(runs, ".20261130-120000-zzzzzz.removing", "units"), { recursive: true });
  await mkdir(join(runs, "notes"));
  return { dir, runs };
}

test("--keep 1: the older ended runs go; errored state, crashed and running records stay; a leftover removal is finished; other directories are left alone", async () => {
  const { dir, runs } = await records();
  // A record half removed is no run to list.
  const listed = await listRuns(deps.fs, processes, dir);
  assert.ok(!listed.unreadable.some((id) => id.includes("removing")), listed.unreadable.join());
  const report = await pruneRuns(deps, dir, { keep: 1, now: Date.now() });
  assert.deepEqual(report.removed, ["20261205-120000-eeeeee", "20261201-120000-aaaaaa"]);
  assert.deepEqual(report.protected, [
    { id: "20261204-120000-dddddd", reason: "running" },
    { id: "20261203-120000-cccccc", reason: "crashed" },
    { id: "20261202-120000-bbbbbb", reason: "errored-state" },
  ]);
  assert.equal(report.total, 6);
  assert.deepEqual((await readdir(runs)).sort(), [
    "20261202-120000-bbbbbb",
    "20261203-120000-cccccc",
    "20261204-120000-dddddd",
    "20261206-120000-ffffff",
    "notes",
  ]);
});

test("--dry-run removes nothing and says the same", async () => {
  const { dir, runs } = await records();
  const before = (await readdir(runs)).sort();
  const report = await pruneRuns(deps, dir, { keep: 1, now: Date.now() }, { dryRun: true });
  assert.deepEqual(report.removed, ["20261205-120000-eeeeee", "20261201-120000-aaaaaa"]);
  assert.equal(report.dryRun, true);
  assert.deepEqual((await readdir(runs)).sort(), before);
});

test("no record directory: nothing to prune", async () => {
  const dir = await makeTempDir("prune-runs-empty");
  assert.deepEqual(await pruneRuns(deps, dir, { keep: 1, now: Date.now() }), {
    removed: [],
    protected: [],
    total: 0,
    dryRun: false,
  });
});
