// Faults that take crossform away mid-apply, with the built CLI, real terraform and one moto_server
// (docs/commands/run.md, "When crossform, the terminal or the machine dies"). Each unit's apply
// creates two resources whose provisioners append a line to a side-effect file when their work is
// done, so that anything created twice shows as a line written twice:
//   1. kill -9 of crossform mid-apply of 4 units: each terraform finishes on its own, every resource
//      is in its state once, no lock is left, the next apply creates nothing, and `runs prune`
//      never removes the crashed run's record;
//   2. SIGHUP (the terminal gone) mid-apply: one interrupt per terraform, exit 130 and the summary
//      as for Ctrl-C, no lock left, and the next apply completes what was interrupted, once;
//   3. a crashed run whose terraform still runs: the next run refuses the unit naming its pid, and
//      with --wait waits for it; once that terraform is gone (killed), the next run prints the
//      force-unlock command of the lock it left, and the command works.
import assert from "node:assert/strict";
import { execFile } from "node:child_process";
import { cp, readFile, readdir, writeFile } from "node:fs/promises";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import { promisify } from "node:util";
import { after, before, describe, test } from "node:test";
import { parseRunReport } from "../../src/core/report/run-report.ts";
import type { RunReport } from "../../src/core/report/run-report.ts";
import { getStateObject, listStateObjects } from "../helpers/aws-accounts.ts";
import { emulatorCliEnv, runBuiltCli, showResult, startBuiltCli } from "../helpers/cli.ts";
import type { CliResult, RunningCli } from "../helpers/cli.ts";
import { startMoto } from "../helpers/moto.ts";
import type { MotoServer } from "../helpers/moto.ts";
import { makeTempDir } from "../helpers/temp-dir.ts";
import { terraformEnv } from "../helpers/terraform.ts";

const exec = promisify(execFile);
const fixture = fileURLToPath(new URL("../fixtures/run/crash/", import.meta.url));
const root = await makeTempDir("run-crash");
const home = join(root, "home");
const show = showResult;

let moto: MotoServer;
before(async () => {
  moto = await startMoto();
});
after(() => moto?.stop());

const ACCOUNTS = ["dev", "staging", "qa", "prod"];
const UNITS = ACCOUNTS.map((a) => `work/${a}/us-east-1`);

interface Scenario {
  dir: string;
  ids: string[];
  env: NodeJS.ProcessEnv;
  /** The side-effect file. */
  effects: string;
  /** Lets every waiting `slow` provisioner finish. */
  go(): Promise<void>;
  run(args: string[]): Promise<CliResult>;
  start(args: string[]): RunningCli;
}

/**
 * A copy of the fixture with its own account ids (prefix `79<n>0`), generated, and bootstrapped in
 * `accounts`; each `slow` provisioner waits for the file `go` in the scenario's directory.
 */
async function scenario(n: number, accounts: readonly string[] = ACCOUNTS): Promise<Scenario> {
  const dir = join(root, `s${n}`);
  await cp(fixture, dir, { recursive: true });
  const effects = join(dir, "effects");
  const go = join(dir, "go");
  const file = join(dir, "crossform.yaml");
  await writeFile(
    file,
    (await readFile(file, "utf8"))
      .replaceAll('"7900', `"79${n}0`)
      .replace("effects: EFFECTS", `effects: "${effects}"`)
      .replace("wait: WAIT", `wait: "while [ ! -f ${go} ]; do sleep 0.1; done"`),
  );
  await writeFile(effects, "");
  const env = terraformEnv(emulatorCliEnv(moto.env, { home, root }));
  const run = (args: string[]) => runBuiltCli(args, { cwd: dir, env });
  for (const args of [["generate"], ["bootstrap", "--create-role", accounts.join(",")]]) {
    const result = await run(args);
    assert.equal(result.code, 0, `${args[0]}: ${show(result)}`);
  }
  return {
    dir,
    ids: [1, 2, 3, 4].map((i) => `79${n}00000000${i}`),
    env,
    effects,
    go: () => writeFile(go, ""),
    run,
    start: (args) => startBuiltCli(args, { cwd: dir, env }),
  };
}

const APPLY = ["apply", "--all", "--allow-dirty", "--auto-approve", "--format", "json"];

/** Waits until `read` gives text matching `pattern`; returns it. */
async function waitFor(
  read: () => Promise<string>,
  pattern: RegExp,
  what: string,
  timeoutMs = 90_000,
): Promise<string> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const text = await read().catch(() => "");
    if (pattern.test(text)) return text;
    if (Date.now() > deadline) assert.fail(`${what}: never saw ${pattern}; last:\n${text}`);
    await new Promise((r) => setTimeout(r, 100));
  }
}

/** The record directory of the scenario's first run, once it exists. */
async function firstRun(dir: string): Promise<string> {
  const ids = await waitFor(
    async () => (await readdir(join(dir, ".crossform", "runs"))).sort().join("\n"),
    /\d{8}-\d{6}-/,
    "a run record",
  );
  return join(dir, ".crossform", "runs", ids.split("\n")[0]!);
}

function logOf(record: string, unit: string): string {
  return join(record, "units", ...unit.split("/"), "log");
}

/** Waits until each unit's apply is in its `slow` provisioner. */
async function allWaiting(record: string, units: readonly string[]): Promise<void> {
  await Promise.all(
    units.map((u) =>
      waitFor(() => readFile(logOf(record, u), "utf8"), /\(local-exec\): slow-started/, u),
    ),
  );
}

function bucketOf(s: Scenario, i: number) {
  return {
    bucket: `run-crash-${s.ids[i]}-us-east-1`,
    accountId: s.ids[i] as string,
    region: "us-east-1",
  };
}

/** The side-effect lines, sorted. */
async function effects(s: Scenario): Promise<string[]> {
  return (await readFile(s.effects, "utf8"))
    .split("\n")
    .filter((l) => l !== "")
    .sort();
}

/** Each account's `first` and `slow` once. */
function once(accounts: readonly string[]): string[] {
  return accounts.flatMap((a) => [`first ${a}`, `slow ${a}`]).sort();
}

/** The resources of a unit's state, with their status (tainted or not). */
async function stateResources(s: Scenario, i: number): Promise<string[]> {
  const state = JSON.parse(
    await getStateObject(moto.env, { ...bucketOf(s, i), key: "work/terraform.tfstate" }),
  ) as { resources: { type: string; name: string; instances: { status?: string }[] }[] };
  return state.resources
    .map(
      (r) =>
        `${r.type}.${r.name}${r.instances.some((x) => x.status === "tainted") ? " (tainted)" : ""}`,
    )
    .sort();
}

async function locks(s: Scenario, i: number): Promise<string[]> {
  return (await listStateObjects(moto.env, bucketOf(s, i))).filter((k) => k.endsWith(".tflock"));
}

function reportOf(result: CliResult): RunReport {
  return parseRunReport(JSON.parse(result.stdout), "stdout");
}

/** Whether the process group led by `pid` still has a live process. */
function groupAlive(pid: number): boolean {
  try {
    process.kill(-pid, 0);
    return true;
  } catch {
    return false;
  }
}

describe("crossform dies mid-apply; terraform does not", { concurrency: 4 }, () => {
  test("1. kill -9 of crossform mid-apply of 4 units: every terraform finishes on its own, every resource is in its state once, no lock is left, the next apply creates nothing twice, and runs prune keeps the crashed run's record", async () => {
    const s = await scenario(1);
    const cli = s.start(APPLY);
    const record = await firstRun(s.dir);
    await allWaiting(record, UNITS);
    cli.signal("SIGKILL");
    assert.equal((await cli.done).code, null);
    // The applies were mid-provisioner when crossform died; they go on without it.
    await s.go();
    for (const unit of UNITS) {
      const status = JSON.parse(
        await waitFor(
          () => readFile(`${logOf(record, unit)}.status`, "utf8"),
          /"exit_code"/,
          `${unit}'s exit status`,
        ),
      ) as { exit_code: number | null };
      assert.equal(status.exit_code, 0, unit);
      const log = await readFile(logOf(record, unit), "utf8");
      assert.match(log, /Apply complete! Resources: 2 added/, unit);
      assert.match(log, /^# exit 0 after/m, unit);
    }
    assert.deepEqual(await effects(s), once(ACCOUNTS));
    for (const i of [0, 1, 2, 3]) {
      assert.deepEqual(await stateResources(s, i), ["terraform_data.first", "terraform_data.slow"]);
      assert.deepEqual(await locks(s, i), [], `no lock left in ${s.ids[i]}`);
    }

    const next = await s.run(APPLY);
    assert.equal(next.code, 0, show(next));
    const report = reportOf(next);
    assert.deepEqual(
      report.units.map((u) => [u.id, u.status, u.has_changes]),
      UNITS.map((u) => [u, "succeeded", false]),
    );
    const id = record.split("/").at(-1)!;
    for (const unit of UNITS) {
      assert.match(
        next.stderr,
        new RegExp(
          `warning: ${unit.replaceAll("/", "\\/")}: crossform stopped \\(run ${id}\\) while terraform apply ran \\(pid \\d+, since [^)]+\\); terraform went on without it and ended at \\S+ with exit 0`,
        ),
      );
    }
    assert.deepEqual(await effects(s), once(ACCOUNTS), "nothing was created twice");
    const later = await s.run(["plan", "--format", "json"]);
    assert.equal(later.code, 0, show(later));
    assert.doesNotMatch(later.stderr, /crossform stopped \(run/, "the crash is reported once");
    // Its record outlives pruning, recovered or not: the journal is the account of what it did.
    const pruned = await s.run(["runs", "prune", "--keep", "1", "--json"]);
    assert.equal(pruned.code, 0, show(pruned));
    assert.deepEqual(JSON.parse(pruned.stdout), {
      version: 1,
      dryRun: false,
      total: 3,
      removed: [report.run.id],
      protected: [{ id, reason: "crashed" }],
    });
    assert.deepEqual((await readdir(join(s.dir, ".crossform", "runs"))).sort(), [
      id,
      reportOf(later).run.id,
    ]);
  });

  test("2. SIGHUP mid-apply (the terminal gone): one interrupt per terraform, exit 130 and the summary as for Ctrl-C, no lock left, and the next apply completes each unit once", async () => {
    const s = await scenario(2);
    const cli = s.start(APPLY);
    const record = await firstRun(s.dir);
    await allWaiting(record, UNITS);
    cli.signal("SIGHUP");
    const result = await cli.done;
    assert.equal(result.code, 130, show(result));
    assert.match(result.stderr, /SIGHUP received \(the terminal went away\): no new unit starts/);
    assert.match(result.stderr, /interrupted: 4 terraform processes asked to stop/);
    const report = reportOf(result);
    assert.equal(report.run.interrupted, true);
    assert.deepEqual(
      report.units.map((u) => [u.id, u.status]),
      UNITS.map((u) => [u, "interrupted"]),
    );
    for (const unit of UNITS) {
      const log = await readFile(logOf(record, unit), "utf8");
      assert.equal(log.match(/sent SIGINT to the process group/g)?.length, 1, `${unit}: one`);
      assert.doesNotMatch(log, /SIGKILL|SIGHUP/, unit);
      assert.match(log, /Interrupt received/, unit);
    }
    for (const i of [0, 1, 2, 3]) {
      assert.deepEqual(await locks(s, i), [], `no lock left in ${s.ids[i]}`);
      assert.ok(
        (await stateResources(s, i)).includes("terraform_data.first"),
        "what was created is in the state",
      );
    }
    assert.deepEqual(
      await effects(s),
      ACCOUNTS.map((a) => `first ${a}`).sort(),
      "only the firsts completed",
    );

    await s.go();
    const next = await s.run(APPLY);
    assert.equal(next.code, 0, show(next));
    assert.ok(reportOf(next).units.every((u) => u.status === "succeeded"));
    assert.doesNotMatch(next.stderr, /crossform stopped \(run/, "an interrupted run is no crash");
    assert.deepEqual(await effects(s), once(ACCOUNTS), "each resource created once");
  });

  test("3. a crashed run whose terraform still runs: the next run refuses that unit naming its pid; --wait waits for it to end, then goes on", async () => {
    const s = await scenario(3, ["staging"]);
    const cli = s.start([...APPLY, "--target", "staging"]);
    const record = await firstRun(s.dir);
    await allWaiting(record, [UNITS[1]!]);
    cli.signal("SIGKILL");
    await cli.done;
    const id = record.split("/").at(-1)!;

    const refused = await s.run(["plan", "--target", "staging", "--format", "json"]);
    assert.equal(refused.code, 1, show(refused));
    const error = reportOf(refused).units[0]?.error?.message ?? "";
    const pid = Number(
      new RegExp(
        `^terraform apply of crashed run ${id} is still running since \\S+, pid (\\d+); its crossform was stopped, and it goes on without it: wait for it \\(run again with --wait\\), or stop it gracefully: kill -INT -\\d+$`,
      ).exec(error)?.[1],
    );
    assert.ok(pid > 0, error);
    assert.ok(groupAlive(pid), "the pid named is the running terraform's process group");
    assert.match(await readFile(join(record, "journal.jsonl"), "utf8"), new RegExp(`"pid":${pid}`));

    const waiting = s.start([...APPLY, "--target", "staging", "--wait"]);
    await waiting.waitForStderr(/still running since .*: waiting for it to end \(--wait\)/);
    await new Promise((r) => setTimeout(r, 500));
    assert.ok(groupAlive(pid), "it waits; nothing was killed");
    await s.go();
    const result = await waiting.done;
    assert.equal(result.code, 0, show(result));
    assert.match(result.stderr, /terraform went on without it and ended at \S+ with exit 0/);
    assert.deepEqual(
      reportOf(result).units.map((u) => [u.id, u.status, u.has_changes]),
      [[UNITS[1], "succeeded", false]],
    );
    assert.deepEqual(await effects(s), once(["staging"]));
    assert.ok(!groupAlive(pid));
  });

  test("3. a crashed run whose terraform is gone (killed): the next run prints the lock it left with a force-unlock command that works, once", async () => {
    const s = await scenario(4, ["staging"]);
    const cli = s.start([...APPLY, "--target", "staging"]);
    const record = await firstRun(s.dir);
    await allWaiting(record, [UNITS[1]!]);
    cli.signal("SIGKILL");
    await cli.done;
    const journal = await readFile(join(record, "journal.jsonl"), "utf8");
    const pid = Number(
      /"event":"terraform-started","command":"apply","pid":(\d+)/.exec(journal)?.[1],
    );
    assert.ok(pid > 0, journal);
    // The child goes too: terraform killed mid-apply holds its lock.
    process.kill(-pid, "SIGKILL");
    await waitFor(async () => String(groupAlive(pid)), /false/, "the killed group");
    const lockKey = "work/terraform.tfstate.tflock";
    assert.deepEqual(await locks(s, 1), [lockKey]);

    const next = await s.run(["plan", "--target", "staging"]);
    assert.equal(next.code, 1, show(next));
    const id = record.split("/").at(-1)!;
    assert.match(
      next.stderr,
      new RegExp(
        `crossform stopped \\(run ${id}\\) while terraform apply ran \\(pid ${pid}, since \\S+\\); that terraform is gone and left no exit status`,
      ),
    );
    const held = new RegExp(
      `work/staging/us-east-1: terraform apply of crashed run ${id} \\(pid ${pid}\\) is gone and may hold its state lock s3://\\S+/${lockKey.replaceAll(".", "\\.")} \\(lock id ([0-9a-f-]{36}), OperationTypeApply`,
    ).exec(next.stderr);
    assert.ok(held, show(next));
    const command =
      /hint: once nothing else runs on this state: (cd .* force-unlock -force [0-9a-f-]{36})\n/.exec(
        next.stderr,
      )?.[1];
    assert.ok(command !== undefined && command.endsWith(held[1]!), show(next));
    await exec("sh", ["-c", command], { env: s.env });
    assert.deepEqual(await locks(s, 1), [], "force-unlock released it");

    const after = await s.run(["plan", "--target", "staging"]);
    assert.equal(after.code, 0, show(after));
    assert.doesNotMatch(after.stderr, /crossform stopped \(run|force-unlock/, "reported once");
  });
});
