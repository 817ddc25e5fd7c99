/**
 * The recovery of crashed runs (the preflight's last step) on in-memory terraform and AWS, with a
 * real journal of a crashed run and real processes standing in for the terraform it left running:
 * a unit still running is refused (the others go on) or waited for with --wait; a gone one is
 * reported once with how it ended, its held lock and its errored.tfstate.
 */
import assert from "node:assert/strict";
import { spawn } from "node:child_process";
import type { ChildProcess } from "node:child_process";
import { mkdir, readFile, stat, writeFile } from "node:fs/promises";
import { join } from "node:path";
import { describe, test } from "node:test";
import { NodeProcessTable } from "../../../../src/adapters/system/node-process-table.ts";
import { runCommand } from "../../../../src/app/run/run-command.ts";
import { readJournal } from "../../../../src/core/run/ledger.ts";
import type { JournalEntry } from "../../../../src/core/run/ledger.ts";
import { emptyCounts } from "../../../../src/core/report/run-report.ts";
import {
  APP_DEV,
  NETWORK_DEV,
  WEB_DEV,
  harness,
  options,
  statuses,
  unit,
} from "../../../helpers/run-harness.ts";
import type { Harness } from "../../../helpers/run-harness.ts";

const CRASHED = "20260115-090000-dead";

/** A live process standing in for a terraform a crashed run left running. */
function liveProcess(): ChildProcess {
  return spawn("sleep", ["60"], { stdio: "ignore" });
}

/**
 * Writes the journal of a run whose crossform is gone: it was applying `unitId`, whose terraform
 * apply is `pid` (with `started`, its start time as the process table tells it).
 */
async function crashedRun(
  h: Harness,
  unitId: string,
  child: { pid: number; started?: string },
): Promise<string> {
  const dir = join(h.loaded.dir, ".crossform", "runs", CRASHED);
  await mkdir(dir, { recursive: true });
  const at = (s: number) => new Date(Date.UTC(2026, 0, 15, 9, 0, s)).toISOString();
  const logPath = `.crossform/runs/${CRASHED}/units/${unitId}/log`;
  const lines: JournalEntry[] = [
    {
      type: "run",
      v: 1,
      id: CRASHED,
      command: "apply",
      started_at: at(0),
      terraform_version: "1.11.4",
      selection: { stacks: [], targets: ["dev"], all: false },
      process: { pid: 2 ** 30, started: "gone:1" },
      units: [
        {
          id: unitId,
          stack: unitId.split("/")[0]!,
          account: "dev",
          account_id: "111111111111",
          region: "us-east-1",
          wave: 0,
          approval: false,
          log_path: logPath,
        },
      ],
    },
    { type: "unit", at: at(1), unit: unitId, event: "started", step: "apply" },
    {
      type: "unit",
      at: at(2),
      unit: unitId,
      event: "planned",
      has_changes: true,
      counts: { ...emptyCounts(), add: 1 },
    },
    { type: "unit", at: at(3), unit: unitId, event: "applying" },
    {
      type: "unit",
      at: at(4),
      unit: unitId,
      event: "terraform-started",
      command: "apply",
      ...child,
    },
  ];
  const journal = join(dir, "journal.jsonl");
  await writeFile(journal, `${lines.map((l) => JSON.stringify(l)).join("\n")}\n`);
  return journal;
}

async function identityOf(pid: number): Promise<{ pid: number; started?: string }> {
  const identity = await new NodeProcessTable().identify(pid);
  assert.ok(identity, `process ${pid} runs`);
  return identity;
}

function recoveredLines(text: string): { units: string[]; findings: string[] }[] {
  return text
    .trim()
    .split("\n")
    .map((l) => JSON.parse(l) as { type: string; units: string[]; findings: string[] })
    .filter((e) => e.type === "recovered");
}

describe("recovery of crashed runs", { concurrency: true }, () => {
  test("a terraform of a crashed run still running: its unit is refused with its pid, the other units go on, and the run is not marked recovered", async () => {
    const h = await harness();
    const sleeper = liveProcess();
    try {
      const journal = await crashedRun(h, WEB_DEV, await identityOf(sleeper.pid!));
      for (let i = 0; i < 2; i += 1) {
        const result = await runCommand(h.deps, h.loaded, options({ targets: ["dev"] }));
        assert.equal(result.exit, "problems");
        assert.deepEqual(statuses(result), {
          [NETWORK_DEV]: "succeeded",
          [APP_DEV]: "succeeded",
          [WEB_DEV]: "failed",
        });
        assert.match(
          unit(result, WEB_DEV).error?.message ?? "",
          new RegExp(
            `^terraform apply of crashed run ${CRASHED} is still running since 2026-01-15T09:00:04\\.000Z, pid ${sleeper.pid}; .*run again with --wait.*kill -INT -${sleeper.pid}$`,
          ),
        );
        assert.ok(!h.runner.calls.some((c) => c.unit === WEB_DEV), "web never ran terraform");
      }
      assert.deepEqual(recoveredLines(await readFile(journal, "utf8")), []);
      // A run that does not select the unit warns and goes on.
      const other = await runCommand(h.deps, h.loaded, options({ stacks: ["network"] }));
      assert.equal(other.exit, "ok");
      const warning = other.diagnostics.find((d) => d.code === "run/crashed-run-still-running");
      assert.match(
        warning?.message ?? "",
        new RegExp(`^${WEB_DEV}: terraform apply .* pid ${sleeper.pid}$`),
      );
    } finally {
      sleeper.kill("SIGKILL");
    }
  });

  test("--wait: the run waits for the crashed run's terraform to end, then reports it and runs the unit", async () => {
    const h = await harness();
    h.deps.waitPollMs = 20;
    const sleeper = liveProcess();
    const journal = await crashedRun(h, WEB_DEV, await identityOf(sleeper.pid!));
    const running = runCommand(h.deps, h.loaded, options({ targets: ["dev"], wait: true }));
    const waiting = (): boolean =>
      h.events.some(
        (e) =>
          e.type === "message" &&
          e.code === "run.waiting-for-crashed-run" &&
          e.text.includes(`pid ${sleeper.pid}`),
      );
    for (let i = 0; i < 300 && !waiting(); i += 1) await new Promise((r) => setTimeout(r, 50));
    assert.ok(waiting(), "the run says what it waits for");
    await new Promise((r) => setTimeout(r, 200));
    assert.deepEqual(h.runner.calls, [], "nothing ran while it waited");
    sleeper.kill("SIGKILL");
    const result = await running;
    assert.equal(result.exit, "ok", JSON.stringify(result.diagnostics));
    assert.equal(unit(result, WEB_DEV).status, "succeeded");
    const found = result.diagnostics.find((d) => d.code === "run/crashed-run");
    assert.match(
      found?.message ?? "",
      /that terraform is gone and left no exit status \(it was killed, or the machine stopped\)/,
    );
    assert.deepEqual(
      recoveredLines(await readFile(journal, "utf8")).map((e) => e.units),
      [[WEB_DEV]],
    );
  });

  test("--wait interrupted: the run stops, nothing ran", async () => {
    const h = await harness();
    h.deps.waitPollMs = 20;
    const sleeper = liveProcess();
    try {
      await crashedRun(h, WEB_DEV, await identityOf(sleeper.pid!));
      const stop = new AbortController();
      const running = runCommand(
        h.deps,
        h.loaded,
        options({ targets: ["dev"], wait: true, signal: stop.signal }),
      );
      for (
        let i = 0;
        i < 300 &&
        !h.events.some((e) => e.type === "message" && e.code === "run.waiting-for-crashed-run");
        i += 1
      )
        await new Promise((r) => setTimeout(r, 50));
      stop.abort();
      const result = await running;
      assert.equal(result.exit, "interrupted");
      assert.equal(result.report, undefined);
      assert.deepEqual(h.runner.calls, []);
    } finally {
      sleeper.kill("SIGKILL");
    }
  });

  test("a terraform that went on after crossform died and ended: reported once with its exit, its released lock checked; later runs say nothing", async () => {
    const h = await harness();
    // A pid that runs, but not the process the journal names (another start time): a reused pid.
    const journal = await crashedRun(h, WEB_DEV, { pid: process.pid, started: "other-boot:1" });
    h.runner.endedCommands.set(
      join(h.loaded.dir, ".crossform", "runs", CRASHED, "units", ...WEB_DEV.split("/"), "log"),
      { exitCode: 0, signal: null, endedAt: "2026-01-15T09:00:30.000Z" },
    );
    const first = await runCommand(h.deps, h.loaded, options({ targets: ["dev"] }));
    assert.equal(first.exit, "ok", JSON.stringify(first.diagnostics));
    assert.equal(unit(first, WEB_DEV).status, "succeeded", "the unit was not refused");
    const found = first.diagnostics.filter((d) => d.code === "run/crashed-run");
    assert.equal(found.length, 1);
    assert.equal(
      found[0]?.message,
      `${WEB_DEV}: crossform stopped (run ${CRASHED}) while terraform apply ran (pid ${process.pid}, since 2026-01-15T09:00:04.000Z); terraform went on without it and ended at 2026-01-15T09:00:30.000Z with exit 0; its log: .crossform/runs/${CRASHED}/units/${WEB_DEV}/log`,
    );
    assert.ok(
      h.events.some(
        (e) =>
          e.type === "message" &&
          e.code === "run.lock-released" &&
          e.text.includes("s3://tfstate-111111111111/web/terraform.tfstate.tflock is not held"),
      ),
    );
    const recovered = recoveredLines(await readFile(journal, "utf8"));
    assert.deepEqual(
      recovered.map((e) => e.units),
      [[WEB_DEV]],
    );
    assert.equal(readJournal(await readFile(journal, "utf8")).recovered.has(WEB_DEV), true);
    const second = await runCommand(h.deps, h.loaded, options({ targets: ["dev"] }));
    assert.deepEqual(
      second.diagnostics.filter((d) => d.code.startsWith("run/crashed-run")),
      [],
      "reported once",
    );
  });

  test("a gone terraform that held its lock and left errored.tfstate: the force-unlock command, the state kept in the crashed run's record, the unit refused this once", async () => {
    const h = await harness();
    await crashedRun(h, WEB_DEV, { pid: 2 ** 30 - 1 });
    const lockId = "0b5f8e1e-6a38-4d0c-9d4e-3f2a1c0b9a87";
    h.aws.objects.set(
      "tfstate-111111111111/web/terraform.tfstate.tflock",
      JSON.stringify({
        ID: lockId,
        Operation: "OperationTypeApply",
        Who: "ci@runner",
        Created: "2026-01-15T09:00:04Z",
      }),
    );
    const location = await h.runner.locateUnit({
      unitId: WEB_DEV,
      stack: "web",
      account: "dev",
      region: "us-east-1",
      stackPath: "stacks/web",
      fileStem: "dev",
    });
    await mkdir(location.stackDir, { recursive: true });
    await writeFile(location.erroredStateFile, '{"version":4,"serial":7}\n');
    const first = await runCommand(h.deps, h.loaded, options({ targets: ["dev"] }));
    assert.equal(unit(first, WEB_DEV).status, "failed");
    const kept = join(
      h.loaded.dir,
      ".crossform",
      "runs",
      CRASHED,
      "units",
      ...WEB_DEV.split("/"),
      "errored.tfstate",
    );
    assert.match(
      unit(first, WEB_DEV).error?.message ?? "",
      new RegExp(
        `^terraform apply of crashed run ${CRASHED} could not save the state; .*kept in ${kept}.*terraform state push ${kept}; push it before this unit runs again$`,
      ),
    );
    assert.equal(await readFile(kept, "utf8"), '{"version":4,"serial":7}\n');
    assert.equal((await stat(kept)).mode & 0o777, 0o600);
    await assert.rejects(stat(location.erroredStateFile), { code: "ENOENT" });
    const held = first.diagnostics.filter((d) => d.code === "run/lock-possibly-held");
    assert.equal(held.length, 1);
    assert.match(
      held[0]?.message ?? "",
      new RegExp(
        `^${WEB_DEV}: terraform apply of crashed run ${CRASHED} \\(pid ${2 ** 30 - 1}\\) is gone and may hold its state lock s3://tfstate-111111111111/web/terraform\\.tfstate\\.tflock \\(lock id ${lockId}, OperationTypeApply by ci@runner`,
      ),
    );
    assert.ok(held[0]?.hint?.endsWith(`terraform force-unlock -force ${lockId}`), held[0]?.hint);
    assert.ok(held[0]?.hint?.includes(location.dataDir), held[0]?.hint);
    h.aws.objects.delete("tfstate-111111111111/web/terraform.tfstate.tflock");
    const second = await runCommand(h.deps, h.loaded, options({ targets: ["dev"] }));
    assert.equal(unit(second, WEB_DEV).status, "succeeded", "refused once, not forever");
  });
});
