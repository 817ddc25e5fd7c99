// The run ledger with the built CLI, real terraform and one moto_server: an apply stopped by a
// foreign state lock reports every other unit as not applied, in the table and in every report;
// a record directory that cannot be written (replaced by a file; read-only; a full disk, a small
// tmpfs) still gets its units applied and the whole summary printed; a crossform killed with
// SIGKILL mid-apply leaves a journal from which `crossform runs` shows the run as crashed and names
// the units it was applying. The read-only and full-disk tests mount file systems: they run as root
// (as the test machines do).
import assert from "node:assert/strict";
import { execFile } from "node:child_process";
import { cp, mkdir, readFile, readdir, rename, writeFile } from "node:fs/promises";
import { promisify } from "node:util";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import { after, before, describe, test } from "node:test";
import { parseRunReport } from "../../src/core/report/run-report.ts";
import { getStateObject, putStateObject } from "../helpers/aws-accounts.ts";
import { emulatorCliEnv, runBuiltCli, showResult, startBuiltCli } from "../helpers/cli.ts";
import type { CliResult, RunningCli } from "../helpers/cli.ts";
import { startMoto } from "../helpers/moto.ts";
import type { MotoServer } from "../helpers/moto.ts";
import { makeTempDir } from "../helpers/temp-dir.ts";
import { terraformEnv } from "../helpers/terraform.ts";

const exec = promisify(execFile);
const fixture = fileURLToPath(new URL("../fixtures/run/interrupt/", import.meta.url));
const root = await makeTempDir("run-ledger");
const home = join(root, "home");
const show = showResult;

let moto: MotoServer;
before(async () => {
  moto = await startMoto();
});
after(() => moto?.stop());

const UNITS = ["dev", "staging", "qa", "prod"].map((a) => `slow/${a}/us-east-1`);

interface Scenario {
  dir: string;
  ids: string[];
  run(args: string[]): Promise<CliResult>;
  start(args: string[]): RunningCli;
}

/**
 * A copy of the interrupt fixture (a provisioner running each account's command) with its own
 * account ids (prefix `78<n>0`), generated and bootstrapped.
 */
async function scenario(n: number, yaml: (text: string) => string = (t) => t): Promise<Scenario> {
  const dir = join(root, `s${n}`);
  await cp(fixture, dir, { recursive: true });
  const file = join(dir, "crossform.yaml");
  await writeFile(file, yaml((await readFile(file, "utf8")).replaceAll('"7700', `"78${n}0`)));
  const env = terraformEnv(emulatorCliEnv(moto.env, { home, root }));
  const run = (args: string[]) => runBuiltCli(args, { cwd: dir, env });
  for (const args of [["generate"], ["bootstrap", "--create-role"]]) {
    const result = await run(args);
    assert.equal(result.code, 0, `${args[0]}: ${show(result)}`);
  }
  return {
    dir,
    ids: [1, 2, 3, 4].map((i) => `78${n}00000000${i}`),
    run,
    start: (args) => startBuiltCli(args, { cwd: dir, env }),
  };
}

/** Every account's command quick, but `account`'s waits for the file `go` in the scenario. */
function waitingIn(account: string, dir: string) {
  return (text: string) =>
    text.replace(
      'dev: { vars: { command: "true" } }',
      `${["dev", "staging", "qa", "prod"].map((a) => `${a}: { vars: { command: "${a === account ? `echo provisioner-waits; while [ ! -f ${join(dir, "go")} ]; do sleep 0.1; done` : "true"}" } }`).join("\n      ")}`,
    );
}

/** `text` as a literal in a regular expression. */
function escape(text: string): string {
  return text.replace(/[.*+?^${}()|[\]\\]/g, "\\$&");
}

/** An apply of dev and staging, non-interactive. */
const APPLY_TWO = [
  "apply",
  "--all",
  "--allow-dirty",
  "--auto-approve",
  "--approve",
  "prod",
  "--target",
  "dev,staging",
];

/**
 * Both units applied and the whole summary printed; each record file written after the disk
 * failed is named in one warning with `error`, the unit's exit status among them (its result came
 * from its relay's exit code); the last line says the record is incomplete.
 */
function assertAppliedDespite(result: CliResult, record: string, error: string): void {
  assert.equal(result.code, 0, show(result));
  assert.match(result.stdout, /slow\/dev\/us-east-1 .* applied/);
  assert.match(result.stdout, /slow\/staging\/us-east-1 .* applied/);
  assert.match(result.stdout, /2 units: 2 applied/);
  for (const name of ["run.json", "report.md", "report.json", "report.html"]) {
    const warning = `warning: could not write the run record ${escape(join(record, name))}: ${error}`;
    assert.match(result.stderr, new RegExp(warning), name);
  }
  const status = escape(join(record, "units/slow/staging/us-east-1/log.status"));
  assert.match(result.stderr, new RegExp(`warning: could not write the run record ${status}`));
  assert.match(result.stderr, /recorded in .* \(incomplete: see the warnings above\)/);
}

/** Waits until `path` holds text matching `pattern`. */
async function waitForFile(path: () => Promise<string>, pattern: RegExp, timeoutMs = 60_000) {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const text = await path().catch(() => "");
    if (pattern.test(text)) return text;
    if (Date.now() > deadline) assert.fail(`never saw ${pattern}`);
    await new Promise((r) => setTimeout(r, 100));
  }
}

/** The one run directory of a scenario (its first run). */
async function onlyRun(dir: string): Promise<string> {
  const runs = await waitForFile(
    async () => (await readdir(join(dir, ".crossform", "runs"))).join("\n"),
    /\d{8}-\d{6}-/,
  );
  return join(dir, ".crossform", "runs", runs.split("\n")[0]!);
}

describe("the run ledger end to end", { concurrency: 5 }, () => {
  test("an apply stopped by a foreign state lock: every other unit is 'not started' (not applied) in the table, report.json, report.md, report.html and runs", async () => {
    const s = await scenario(1, (t) => t.replace('command: "sleep 60"', 'command: "true"'));
    const lockId = "0f0e0d0c-0b0a-4909-8807-060504030201";
    await putStateObject(
      moto.env,
      {
        bucket: `run-interrupt-${s.ids[1]}-us-east-1`,
        key: "slow/terraform.tfstate.tflock",
        region: "us-east-1",
        accountId: s.ids[1]!,
      },
      JSON.stringify({
        ID: lockId,
        Operation: "OperationTypeApply",
        Info: "",
        Who: "bob@laptop",
        Version: "1.11.4",
        Created: "2026-12-07T09:00:00.000000000Z",
        Path: `run-interrupt-${s.ids[1]}-us-east-1/slow/terraform.tfstate`,
      }),
    );
    const result = await s.run([
      "apply",
      "--all",
      "--allow-dirty",
      "--auto-approve",
      "--approve",
      "prod",
    ]);
    assert.equal(result.code, 1, show(result));
    assert.match(
      result.stderr,
      /1 unit failed to plan \(slow\/staging\/us-east-1\); nothing was applied/,
    );
    // The table: staging failed, the others not started, none applied.
    for (const unit of [UNITS[0]!, UNITS[2]!, UNITS[3]!]) {
      const row = result.stdout.split("\n").find((l) => l.startsWith(unit));
      assert.match(row ?? "", /not started/, `${unit}: ${row}`);
    }
    assert.doesNotMatch(result.stdout, / {2}applied {2}/, "no unit's status is applied");
    assert.match(result.stdout, /not applied: 1 unit failed to plan/);
    assert.match(result.stdout, /4 units: 1 failed, 3 not started/);
    const record = await onlyRun(s.dir);
    const json = parseRunReport(
      JSON.parse(await readFile(join(record, "report.json"), "utf8")),
      "report.json",
    );
    assert.deepEqual(
      json.units.map((u) => [u.id, u.status]),
      [
        [UNITS[0], "not-started"],
        [UNITS[1], "failed"],
        [UNITS[2], "not-started"],
        [UNITS[3], "not-started"],
      ],
    );
    assert.equal(json.totals.succeeded, 0);
    assert.equal(json.totals.add, 0);
    assert.match(
      json.units[1]?.error?.message ?? "",
      new RegExp(`locked by bob@laptop.*${lockId}`),
    );
    const md = await readFile(join(record, "report.md"), "utf8");
    assert.doesNotMatch(md, /\|\s*applied\s*\|/, "no unit's status is applied");
    assert.match(md, /not applied: 1 unit failed to plan/);
    const html = await readFile(join(record, "report.html"), "utf8");
    const outcomes = [...html.matchAll(/data-unit="([^"]+)" data-outcome="([^"]+)"/g)]
      .map((m) => `${m[1]} ${m[2]}`)
      .sort();
    assert.deepEqual(
      outcomes,
      [
        `${UNITS[0]} not-run`,
        `${UNITS[3]} not-run`,
        `${UNITS[2]} not-run`,
        `${UNITS[1]} failed`,
      ].sort(),
    );
    const runs = await s.run(["runs", "--json"]);
    const listed = JSON.parse(runs.stdout).runs[0];
    assert.equal(listed.totals.succeeded, 0);
    assert.equal(listed.totals.not_started, 3);
    assert.equal(listed.totals.failed, 1);
  });

  test("a record directory that cannot be written: the units apply, the whole summary prints, one warning names each path and the error", async () => {
    const s = await scenario(2, waitingIn("staging", join(root, "s2")));
    const cli = s.start([
      "apply",
      "--all",
      "--allow-dirty",
      "--auto-approve",
      "--approve",
      "prod",
      "--target",
      "dev,staging",
    ]);
    const record = await onlyRun(s.dir);
    await waitForFile(
      () => readFile(join(record, "units/slow/staging/us-east-1/log"), "utf8"),
      /\(local-exec\): provisioner-waits/,
    );
    // While the last unit applies, the record directory stops being one: every file crossform
    // writes there from now on fails with ENOTDIR (files it holds open go on, in the moved one).
    await rename(record, `${record}.moved`);
    await writeFile(record, "not a directory\n");
    await writeFile(join(s.dir, "go"), "");
    const result = await cli.done;
    assert.equal(result.code, 0, show(result));
    assert.match(result.stdout, /slow\/dev\/us-east-1 .* applied/);
    assert.match(result.stdout, /slow\/staging\/us-east-1 .* applied/);
    assert.match(result.stdout, /2 units: 2 applied/);
    for (const name of ["run.json", "report.md", "report.json", "report.html"]) {
      assert.match(
        result.stderr,
        new RegExp(
          `warning: could not write the run record ${join(record, name).replaceAll(".", "\\.")}: ENOTDIR`,
        ),
        name,
      );
    }
    assert.equal(
      result.stderr.match(/could not write the run record [^\n]*run\.json/g)?.length,
      1,
      "one warning per path",
    );
    assert.match(result.stderr, /recorded in .* \(incomplete: see the warnings above\)/);
    // The journal, open all along, holds the whole story in the moved directory.
    const journal = await readFile(join(`${record}.moved`, "journal.jsonl"), "utf8");
    assert.match(journal, /"unit":"slow\/staging\/us-east-1","event":"applied","changes":true/);
    assert.match(journal.trim().split("\n").at(-1) ?? "", /"type":"end","at":"[^"]+","exit":"ok"/);
  });

  test("kill -9 of crossform mid-apply: `crossform runs` shows the run as crashed, and `runs <id>` the units it was applying", async () => {
    const s = await scenario(3, waitingIn("staging", join(root, "s3")));
    const cli = s.start(["apply", "--all", "--allow-dirty", "--auto-approve", "--approve", "prod"]);
    const record = await onlyRun(s.dir);
    await waitForFile(
      () => readFile(join(record, "units/slow/staging/us-east-1/log"), "utf8"),
      /\(local-exec\): provisioner-waits/,
    );
    // dev and qa have applied; staging is still applying when crossform is killed.
    await waitForFile(
      () => readFile(join(record, "journal.jsonl"), "utf8"),
      /"unit":"slow\/dev\/us-east-1","event":"applied"[^]*"unit":"slow\/qa\/us-east-1","event":"applied"|"unit":"slow\/qa\/us-east-1","event":"applied"[^]*"unit":"slow\/dev\/us-east-1","event":"applied"/,
    );
    cli.signal("SIGKILL");
    const killed = await cli.done;
    assert.equal(killed.code, null);
    const id = record.split("/").at(-1)!;
    const runs = await s.run(["runs"]);
    assert.equal(runs.code, 0, show(runs));
    const row = runs.stdout.split("\n").find((l) => l.startsWith(id));
    assert.match(row ?? "", /\bapply\b.*\bcrashed\b/, runs.stdout);
    assert.match(
      runs.stderr,
      new RegExp(`crashed: ${id}; \`crossform runs <run>\` shows what each unit was doing`),
    );
    const one = await s.run(["runs", id]);
    assert.equal(one.code, 0, show(one));
    assert.match(
      one.stdout,
      new RegExp(`^run ${id} crashed: the crossform process running it is gone`),
    );
    assert.match(
      one.stdout,
      /slow\/staging\/us-east-1 .* interrupted .*\n {2}crossform stopped while it was applying \(terraform apply, pid \d+\)/,
    );
    assert.match(one.stdout, /slow\/dev\/us-east-1 .* applied/);
    assert.match(one.stdout, /slow\/qa\/us-east-1 .* applied/);
    assert.match(one.stdout, /slow\/prod\/us-east-1 .* not started .*\n {2}planned, not applied/);
    const json = JSON.parse((await s.run(["runs", id, "--json"])).stdout);
    assert.equal(json.run.state, "crashed");
    // Leave nothing running: the orphaned terraform of staging, by the pid its journal names.
    await writeFile(join(s.dir, "go"), "");
    const pid = /pid (\d+)/.exec(one.stdout)?.[1];
    if (pid) {
      try {
        process.kill(-Number(pid), "SIGKILL");
      } catch {
        // already gone
      }
    }
  });

  test("6. a record directory made read-only mid-apply: the units apply, the whole summary prints, one warning names each path and EROFS", async () => {
    const s = await scenario(4, waitingIn("staging", join(root, "s4")));
    const cli = s.start(APPLY_TWO);
    const record = await onlyRun(s.dir);
    await waitForFile(
      () => readFile(join(record, "units/slow/staging/us-east-1/log"), "utf8"),
      /\(local-exec\): provisioner-waits/,
    );
    // A read-only bind mount over the record directory: what the run holds open (its journal,
    // the running unit's log) goes on, every file opened from now on fails with EROFS.
    await exec("mount", ["--bind", record, record]);
    try {
      await exec("mount", ["-o", "remount,bind,ro", record]);
      await writeFile(join(s.dir, "go"), "");
      const result = await cli.done;
      assertAppliedDespite(result, record, "EROFS: read-only file system");
      const journal = await readFile(join(record, "journal.jsonl"), "utf8");
      assert.match(
        journal.trim().split("\n").at(-1) ?? "",
        /"type":"end","at":"[^"]+","exit":"ok"/,
      );
    } finally {
      await exec("umount", [record]);
    }
  });

  test("6. a record directory on a disk that fills up mid-apply (a 2 MB tmpfs): the units apply, the whole summary prints, one warning names each path and ENOSPC", async () => {
    const s = await scenario(5, waitingIn("staging", join(root, "s5")));
    const runs = join(s.dir, ".crossform", "runs");
    await mkdir(runs, { recursive: true, mode: 0o700 });
    await exec("mount", ["-t", "tmpfs", "-o", "size=2m,mode=0700", "tmpfs", runs]);
    try {
      const cli = s.start(APPLY_TWO);
      const record = await onlyRun(s.dir);
      await waitForFile(
        () => readFile(join(record, "units/slow/staging/us-east-1/log"), "utf8"),
        /\(local-exec\): provisioner-waits/,
      );
      // Fill the file system: head fails with ENOSPC once it is full.
      await exec("sh", ["-c", `head -c 4000000 /dev/zero > '${join(runs, "filler")}'`]).catch(
        () => undefined,
      );
      await writeFile(join(s.dir, "go"), "");
      const result = await cli.done;
      // A file that needs new blocks fails; appends that fit the last block of a file (the
      // journal's lines, as often as not) still land.
      assertAppliedDespite(result, record, "ENOSPC: no space left on device");
      // The applies reached their states whatever the record's disk did.
      for (const i of [0, 1]) {
        const state = await getStateObject(moto.env, {
          bucket: `run-interrupt-${s.ids[i]}-us-east-1`,
          key: "slow/terraform.tfstate",
          region: "us-east-1",
          accountId: s.ids[i]!,
        });
        assert.match(state, /"terraform_data"/);
      }
    } finally {
      await exec("umount", [runs]);
    }
  });
});
