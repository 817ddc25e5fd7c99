// Interrupts of a running apply, with the built CLI, real terraform and one moto_server
// (docs/contract.md section 7): one Ctrl-C reaches each running terraform exactly once and the run
// ends with every state readable and no lock left; a SIGTERM after it is the same request; three
// Ctrl-C kill, and the force-unlock command printed for each possibly held lock releases it; a
// child slower than the grace period is killed after it, not before.
import assert from "node:assert/strict";
import { execFile } from "node:child_process";
import { chmod, cp, mkdir, readFile, readdir, stat, writeFile } from "node:fs/promises";
import { delimiter, join } from "node:path";
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
const fixture = fileURLToPath(new URL("../fixtures/run/interrupt/", import.meta.url));
const root = await makeTempDir("run-interrupt");
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
  env: NodeJS.ProcessEnv;
  run(args: string[]): Promise<CliResult>;
  start(args: string[]): RunningCli;
}

/**
 * A copy of the fixture with its own account ids (prefix `77<n>0`), generated and bootstrapped.
 * `stubApply`: a `terraform` first on the PATH whose `apply` is a stand-in that records each
 * SIGINT and SIGTERM it gets and keeps running (a terraform slow to stop); every other command is
 * the real terraform.
 */
async function scenario(
  n: number,
  options: { yaml?: (text: string) => string; stubApply?: boolean } = {},
): Promise<Scenario> {
  const dir = join(root, `s${n}`);
  await cp(fixture, dir, { recursive: true });
  const file = join(dir, "crossform.yaml");
  let text = (await readFile(file, "utf8")).replaceAll('"7700', `"77${n}0`);
  if (options.yaml) text = options.yaml(text);
  await writeFile(file, text);
  const env = terraformEnv(emulatorCliEnv(moto.env, { home, root }));
  if (options.stubApply) {
    const { stdout } = await exec("sh", ["-c", "command -v terraform"], { env });
    const bin = join(dir, "stub-bin");
    await mkdir(bin);
    await writeFile(
      join(bin, "terraform"),
      [
        "#!/bin/sh",
        'if [ "$1" = "apply" ]; then',
        `  signals='${join(dir, "stub-signals")}'`,
        '  trap \'echo "$(date +%s.%N) INT" >> "$signals"\' INT',
        '  trap \'echo "$(date +%s.%N) TERM" >> "$signals"\' TERM',
        '  echo "$(date +%s.%N) started" >> "$signals"',
        "  i=0; while [ $i -lt 600 ]; do sleep 0.1; i=$((i+1)); done; exit 1",
        "fi",
        `exec '${stdout.trim()}' "$@"`,
        "",
      ].join("\n"),
    );
    await chmod(join(bin, "terraform"), 0o755);
    env.PATH = [bin, env.PATH ?? ""].join(delimiter);
  }
  const run = (args: string[]) => runBuiltCli(args, { cwd: dir, env });
  for (const args of [["generate"], ["bootstrap", "--create-role"]]) {
    const result = await run(args);
    assert.equal(result.code, 0, `${args[0]}: ${show(result)}`);
  }
  return {
    dir,
    ids: [1, 2, 3, 4].map((i) => `77${n}00000000${i}`),
    env,
    run,
    start: (args) => startBuiltCli(args, { cwd: dir, env }),
  };
}

const APPLY = [
  "apply",
  "--all",
  "--allow-dirty",
  "--auto-approve",
  "--parallel",
  "4",
  "--format",
  "json",
];

/** An apply of staging alone (its provisioner waits). */
const APPLY_STAGING = [
  "apply",
  "--all",
  "--allow-dirty",
  "--auto-approve",
  "--target",
  "staging",
  "--format",
  "json",
];

/** The process group of the terraform command a run's journal names (the run's only record). */
async function journaledTerraformPid(dir: string, command: string): Promise<number> {
  const runs = join(dir, ".crossform", "runs");
  const [id] = await readdir(runs);
  const journal = await readFile(join(runs, id!, "journal.jsonl"), "utf8");
  const pid = Number(
    new RegExp(`"event":"terraform-started","command":"${command}","pid":(\\d+)`).exec(
      journal,
    )?.[1],
  );
  assert.ok(pid > 0, journal);
  return pid;
}

/** Waits until a unit's log of the current run says `pattern`. */
async function waitForLog(
  dir: string,
  unit: string,
  pattern: RegExp,
  timeoutMs = 60_000,
): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const runs = await readdir(join(dir, ".crossform", "runs")).catch(() => [] as string[]);
    for (const run of runs) {
      const log = join(dir, ".crossform", "runs", run, "units", ...unit.split("/"), "log");
      const text = await readFile(log, "utf8").catch(() => "");
      if (pattern.test(text)) return;
    }
    if (Date.now() > deadline) assert.fail(`${unit}'s log never said ${pattern}`);
    await new Promise((r) => setTimeout(r, 100));
  }
}

function reportOf(result: CliResult): RunReport {
  return parseRunReport(JSON.parse(result.stdout), "stdout");
}

async function unitLog(dir: string, report: RunReport, unit: string): Promise<string> {
  return readFile(
    join(dir, ".crossform", "runs", report.run.id, "units", ...unit.split("/"), "log"),
    "utf8",
  );
}

function bucketOf(s: Scenario, i: number) {
  return {
    bucket: `run-interrupt-${s.ids[i]}-us-east-1`,
    accountId: s.ids[i] as string,
    region: "us-east-1",
  };
}

describe("interrupts", { concurrency: 1 }, () => {
  test("one Ctrl-C during a parallel apply: one interrupt per child, no lock left, states readable, exit 130", async () => {
    const s = await scenario(1);
    const cli = s.start(APPLY);
    await waitForLog(s.dir, UNITS[1]!, /Provisioning with 'local-exec'/);
    await waitForLog(s.dir, UNITS[2]!, /Provisioning with 'local-exec'/);
    await cli.waitForStderr(/apply slow\/dev\/us-east-1: ok/);
    const sent = performance.now();
    cli.signal("SIGINT");
    const provisional = await cli.waitForStderr(
      /interrupted: 2 terraform processes asked to stop/,
      10_000,
    );
    assert.ok(
      provisional - sent < 3000,
      `the provisional summary took ${Math.round(provisional - sent)} ms`,
    );
    const result = await cli.done;
    assert.equal(result.code, 130, show(result));
    const report = reportOf(result);
    const status = Object.fromEntries(report.units.map((u) => [u.id, u.status]));
    assert.deepEqual(status, {
      [UNITS[0]!]: "succeeded",
      [UNITS[1]!]: "interrupted",
      [UNITS[2]!]: "interrupted",
      [UNITS[3]!]: "not-started",
    });
    assert.equal(report.run.interrupted, true);
    for (const unit of [UNITS[1]!, UNITS[2]!]) {
      const log = await unitLog(s.dir, report, unit);
      assert.equal(
        log.match(/sent SIGINT to the process group/g)?.length,
        1,
        `${unit}: one interrupt`,
      );
      assert.doesNotMatch(log, /SIGKILL/);
    }
    assert.doesNotMatch(result.stderr, /killing the running terraform/);
    for (const i of [0, 1, 2]) {
      const keys = await listStateObjects(moto.env, bucketOf(s, i));
      assert.deepEqual(
        keys.filter((k) => k.endsWith(".tflock")),
        [],
        `no lock left in ${s.ids[i]}`,
      );
      const state = JSON.parse(
        await getStateObject(moto.env, { ...bucketOf(s, i), key: "slow/terraform.tfstate" }),
      ) as { serial: number };
      assert.equal(typeof state.serial, "number");
    }
    assert.deepEqual(await listStateObjects(moto.env, bucketOf(s, 3)), [], "prod never started");
  });

  test("CI cancel: a SIGTERM after the SIGINT is the same request: no second signal reaches a child, and the kill still waits for the grace period", async () => {
    // CI=true: the grace period is 6 s; the stand-in apply does not stop on its own.
    const s = await scenario(2, { stubApply: true });
    const cli = s.start(APPLY);
    await waitForLog(s.dir, UNITS[1]!, /# .* apply /);
    await waitForLog(s.dir, UNITS[2]!, /# .* apply /);
    await new Promise((r) => setTimeout(r, 500));
    const sent = performance.now();
    cli.signal("SIGINT");
    await cli.waitForStderr(/SIGINT received: no new unit starts/, 5000);
    await new Promise((r) => setTimeout(r, 1000));
    cli.signal("SIGTERM");
    await cli.waitForStderr(/SIGTERM received: the stop already under way goes on/, 5000);
    const result = await cli.done;
    const ended = performance.now();
    assert.equal(result.code, 130, show(result));
    assert.ok(
      ended - sent >= 6000,
      `killed only after the grace period from the first signal: ${Math.round(ended - sent)} ms`,
    );
    assert.ok(ended - sent < 9000, `the run ended ${Math.round(ended - sent)} ms after SIGINT`);
    assert.match(result.stderr, /the grace period of 6 s is over: killing/);
    const signals = (await readFile(join(s.dir, "stub-signals"), "utf8")).split("\n");
    const applies = signals.filter((l) => l.endsWith(" started")).length;
    assert.equal(applies, 3, "the first wave's three applies ran");
    assert.equal(
      signals.filter((l) => l.endsWith(" INT")).length,
      applies,
      "one SIGINT for each apply",
    );
    assert.equal(
      signals.filter((l) => l.endsWith(" TERM")).length,
      0,
      "no SIGTERM reached a child",
    );
  });

  test("a child slower than the grace period is killed after it, not before", async () => {
    const s = await scenario(3, {
      stubApply: true,
      yaml: (text) => `${text}run: { grace_period: 3s }\n`,
    });
    const cli = s.start(APPLY);
    await waitForLog(s.dir, UNITS[1]!, /# .* apply /);
    await new Promise((r) => setTimeout(r, 500));
    cli.signal("SIGINT");
    const result = await cli.done;
    assert.equal(result.code, 130, show(result));
    const report = reportOf(result);
    const log = await unitLog(s.dir, report, UNITS[1]!);
    const at = (what: string): number => {
      const line = log.split("\n").find((l) => l.includes(what));
      assert.ok(line, `${what} in the log:\n${log}`);
      return Date.parse(line.slice(2, line.indexOf(" ", 2)));
    };
    const waited = at("sent SIGKILL") - at("sent SIGINT");
    assert.ok(
      waited >= 3000 && waited < 4500,
      `killed ${waited} ms after the interrupt (grace 3 s)`,
    );
  });

  test("three Ctrl-C kill at once; the printed force-unlock command releases the lock left behind", async () => {
    // Terraform answers an interrupt by stopping its provisioner, saving its state and releasing
    // its lock within a few hundred milliseconds; on a loaded machine that can come before the
    // third Ctrl-C. So its process group is stopped (SIGSTOP) first: the interrupts stay pending,
    // the lock stays held, and only the third Ctrl-C's kill (SIGKILL ends a stopped process) ends it.
    const s = await scenario(4, {
      yaml: (text) =>
        text.replace('command: "sleep 60"', `command: "echo provisioner-waits; sleep 60"`),
    });
    const cli = s.start(APPLY_STAGING);
    await waitForLog(s.dir, UNITS[1]!, /\(local-exec\): provisioner-waits/);
    const lockKey = "slow/terraform.tfstate.tflock";
    assert.ok(
      (await listStateObjects(moto.env, bucketOf(s, 1))).includes(lockKey),
      "apply holds the lock",
    );
    process.kill(-(await journaledTerraformPid(s.dir, "apply")), "SIGSTOP");
    const first = performance.now();
    cli.signal("SIGINT");
    await cli.waitForStderr(/press Ctrl-C twice more/);
    cli.signal("SIGINT");
    await cli.waitForStderr(/press Ctrl-C again to kill/);
    cli.signal("SIGINT");
    const result = await cli.done;
    assert.ok(
      performance.now() - first < 5000,
      "killed at the third Ctrl-C, not after the grace period",
    );
    assert.equal(result.code, 130, show(result));
    assert.match(result.stderr, /third Ctrl-C: killing the running terraform processes/);
    const held =
      /terraform apply was killed and may hold its state lock s3:\/\/(\S+)\/slow\/terraform\.tfstate\.tflock \(lock id ([0-9a-f-]{36}), OperationTypeApply by (\S+) at/.exec(
        result.stderr,
      );
    assert.ok(held, show(result));
    const command =
      /hint: once nothing else runs on this state: (cd .* force-unlock -force [0-9a-f-]{36})\n/.exec(
        result.stderr,
      )?.[1];
    assert.ok(command, show(result));
    assert.ok(command.endsWith(held[2]!), "the command unlocks the lock id read from the lock");
    assert.ok(
      (await listStateObjects(moto.env, bucketOf(s, 1))).includes(lockKey),
      "the lock is still held",
    );
    await exec("sh", ["-c", command], { env: s.env });
    assert.ok(
      !(await listStateObjects(moto.env, bucketOf(s, 1))).includes(lockKey),
      "force-unlock released it",
    );
  });

  test("a held lock: a second run fails that unit naming the holder, the others go on; with --lock-timeout it waits", async () => {
    const s = await scenario(5, {
      yaml: (text) => text.replace('command: "sleep 60"', 'command: "sleep 15"'),
    });
    const first = s.start(APPLY_STAGING);
    await waitForLog(s.dir, UNITS[1]!, /Provisioning with 'local-exec'/);
    // The first apply is held still (SIGSTOP) while the second run plans, so it holds its lock
    // however long the second run takes to reach its plan; it goes on (SIGCONT) afterwards.
    const firstGroup = await journaledTerraformPid(s.dir, "apply");
    process.kill(-firstGroup, "SIGSTOP");
    const second = await s.run(["plan", "--target", "dev,staging", "--format", "json"]);
    process.kill(-firstGroup, "SIGCONT");
    assert.equal(second.code, 1, show(second));
    const report = reportOf(second);
    const staging = report.units.find((u) => u.id === UNITS[1]);
    assert.equal(staging?.status, "failed");
    assert.match(
      staging?.error?.message ?? "",
      /^terraform plan: the state run-interrupt-775000000002-us-east-1\/slow\/terraform\.tfstate is locked by \S+, for OperationTypeApply, since 20\d\d-[^,]+, lock id [0-9a-f-]{36}: another run is working on it; not retried/,
    );
    assert.equal(report.units.find((u) => u.id === UNITS[0])?.status, "succeeded", "dev went on");
    const log = await unitLog(s.dir, report, UNITS[1]!);
    assert.equal(log.match(/^# .* plan /gm)?.length, 1, "the plan ran once: never retried");

    // The first apply still holds the lock; with --lock-timeout the plan waits for its end.
    let firstEnded = Number.POSITIVE_INFINITY;
    const firstDone = first.done.then((r) => {
      firstEnded = performance.now();
      return r;
    });
    const lockHeld = (await listStateObjects(moto.env, bucketOf(s, 1))).includes(
      "slow/terraform.tfstate.tflock",
    );
    assert.ok(lockHeld, "the first apply still holds the lock when the waiting plan starts");
    const waited = await s.run([
      "plan",
      "--target",
      "staging",
      "--lock-timeout",
      "60s",
      "--format",
      "json",
    ]);
    const waitedEnded = performance.now();
    assert.equal(waited.code, 0, show(waited));
    assert.equal(reportOf(waited).units[0]?.status, "succeeded");
    assert.equal((await firstDone).code, 0);
    assert.ok(
      waitedEnded >= firstEnded - 1000,
      `the plan ended ${Math.round(firstEnded - waitedEnded)} ms before the apply holding the lock`,
    );
  });

  test("secrets: base keys, a session token and assumed-role tokens never leave crossform, with --debug and a failing apply; operator TF_CLI_ARGS and TF_WORKSPACE change nothing", async () => {
    const s = await scenario(6, {
      yaml: (text) =>
        text.replace(
          'dev: { vars: { command: "true" } }',
          'dev: { vars: { command: "true" } }\n      staging: { vars: { command: "exit 1" } }',
        ),
    });
    const secretKey = "e2eSecretAccessKeyNeverLogged0123456789ab";
    const sessionToken = "e2eBaseSessionTokenNeverLogged/abcdefghijklmnopqrstuvwxyz0123456789+=";
    Object.assign(s.env, {
      AWS_ACCESS_KEY_ID: "AKIAE2ESECRETSTEST01",
      AWS_SECRET_ACCESS_KEY: secretKey,
      AWS_SESSION_TOKEN: sessionToken,
      // Flags no terraform command knows: any child that inherited them would fail at once.
      TF_CLI_ARGS: "-crossform-e2e-inherited-flag",
      TF_CLI_ARGS_apply: "-crossform-e2e-inherited-apply-flag",
      TF_WORKSPACE: "other",
    });
    const result = await s.run([
      "apply",
      "--all",
      "--allow-dirty",
      "--auto-approve",
      "--debug",
      "--target",
      "dev,staging",
      "--format",
      "json",
    ]);
    assert.equal(result.code, 1, show(result));
    const report = reportOf(result);
    // dev's init, plan and apply ran: none inherited TF_CLI_ARGS or TF_CLI_ARGS_apply.
    assert.equal(report.units.find((u) => u.id === UNITS[0])?.status, "succeeded");
    assert.equal(report.units.find((u) => u.id === UNITS[1])?.status, "failed");
    assert.match(
      report.units.find((u) => u.id === UNITS[1])?.error?.message ?? "",
      /local-exec/,
      "staging failed in its provisioner, not on a flag",
    );
    assert.doesNotMatch(result.stdout + result.stderr, /crossform-e2e-inherited/);
    // TF_WORKSPACE=other did not move the state to env:/other/.
    assert.deepEqual(
      (await listStateObjects(moto.env, bucketOf(s, 0))).filter((k) => !k.endsWith(".tflock")),
      ["slow/terraform.tfstate"],
    );
    // --debug did log Terraform's trace, STS answers included, and their tokens were redacted.
    const log = await unitLog(s.dir, report, UNITS[0]!);
    assert.match(log, /\[TRACE\]/);
    assert.match(log, /AssumeRole/);
    assert.match(
      log,
      /<SessionToken>\[redacted\]<\/SessionToken>/,
      "an STS answer was logged, its token redacted",
    );
    const texts: [string, string][] = [
      ["stdout", result.stdout],
      ["stderr", result.stderr],
    ];
    const crossformDir = join(s.dir, ".crossform");
    for (const entry of await readdir(crossformDir, { recursive: true, withFileTypes: true })) {
      if (!entry.isFile()) continue;
      const path = join(entry.parentPath, entry.name);
      if (path.includes(`${join("data", "providers")}`)) continue;
      const bytes = await readFile(path);
      texts.push([path, bytes.toString("latin1")]);
      if (entry.name === "plan.tfplan" || entry.name === "log") {
        assert.equal((await stat(path)).mode & 0o777, 0o600, `${path} is 0600`);
      }
    }
    for (const [where, text] of texts) {
      assert.ok(!text.includes(secretKey), `the base secret key in ${where}`);
      assert.ok(!text.includes(sessionToken), `the base session token in ${where}`);
      assert.ok(!text.includes("AKIAE2ESECRETSTEST01"), `the base key id in ${where}`);
      assert.doesNotMatch(text, /\bASIA[A-Z0-9]{16}\b/, `an assumed-role key id in ${where}`);
      assert.doesNotMatch(
        text,
        /FQoGZXIvYXdz[A-Za-z0-9/+=]{20,}/,
        `an assumed-role session token in ${where}`,
      );
    }
  });

  test("rollout rings: the canary applies first, failures beyond the tolerance halt the wave and later waves never start", async () => {
    const rings = (failing: string[]) => (text: string) =>
      text
        .replace(
          'dev: { vars: { command: "true" } }',
          [
            'dev: { vars: { command: "true" } }',
            ...["staging", "qa", "prod"].map(
              (a) => `${a}: { vars: { command: "${failing.includes(a) ? "exit 1" : "true"}" } }`,
            ),
          ].join("\n      "),
        )
        .replace(
          "waves: [[dev, staging, qa], [prod]]",
          "waves:\n  - { name: first, select: [dev, staging, qa], canary: 1, tolerance: 1 }\n  - [prod]",
        );
    const args = ["apply", "--all", "--allow-dirty", "--auto-approve", "--format", "json"];

    const halted = await scenario(7, { yaml: rings(["staging", "qa"]) });
    const result = await halted.run(args);
    assert.equal(result.code, 1, show(result));
    const report = reportOf(result);
    const status = Object.fromEntries(report.units.map((u) => [u.id, u.status]));
    assert.deepEqual(status, {
      [UNITS[0]!]: "succeeded",
      [UNITS[1]!]: "failed",
      [UNITS[2]!]: "failed",
      [UNITS[3]!]: "not-started",
    });
    assert.deepEqual(
      report.waves.map((w) => [w.name, w.status, w.canary_accounts, [...w.failed_accounts].sort()]),
      [
        ["first", "halted", ["dev"], ["qa", "staging"]],
        ["prod", "not-started", [], []],
      ],
    );
    // The canary's apply ended before the rest of its wave started.
    const at = (pattern: RegExp): number => {
      const line = result.stderr.split("\n").find((l) => pattern.test(l));
      assert.ok(line, `${pattern} on stderr`);
      return Date.parse(line.slice(0, 24));
    };
    assert.ok(
      at(/apply slow\/dev\/us-east-1: ok/) <= at(/apply slow\/staging\/us-east-1: started/),
    );
    assert.ok(at(/apply slow\/dev\/us-east-1: ok/) <= at(/apply slow\/qa\/us-east-1: started/));
    // The report shows the ring's progress.
    const markdown = await readFile(
      join(halted.dir, ".crossform", "runs", report.run.id, "report.md"),
      "utf8",
    );
    assert.match(
      markdown,
      /Wave \*\*first\*\* halted: 2 failed accounts \((qa, staging|staging, qa)\), tolerance 1; later waves were not started\./,
    );
    assert.match(
      markdown,
      /\*\*first\*\*: halted; canary: dev; failed: (qa, staging|staging, qa) \(tolerance 1\)/,
    );
    assert.deepEqual(
      await listStateObjects(moto.env, bucketOf(halted, 3)),
      [],
      "prod never started",
    );

    const tolerated = await scenario(8, { yaml: rings(["qa"]) });
    const within = await tolerated.run(args);
    assert.equal(within.code, 1, show(within));
    const second = reportOf(within);
    assert.equal(
      second.units.find((u) => u.id === UNITS[3])?.status,
      "succeeded",
      "one failure is tolerated: prod ran",
    );
    assert.deepEqual(second.waves[0]?.failed_accounts, ["qa"]);
  });

  test("with base.profile, an operator's AWS_PROFILE=elsewhere changes nothing: crossform and terraform use the base profile", async () => {
    // The base keys live only in the profile's credentials file (the one the scenario's
    // environment names); the operator's shell points AWS_PROFILE elsewhere.
    await writeFile(
      join(root, "aws-credentials"),
      `[e2e-base]\naws_access_key_id = ${moto.env.AWS_ACCESS_KEY_ID}\naws_secret_access_key = ${moto.env.AWS_SECRET_ACCESS_KEY}\n`,
    );
    await writeFile(join(root, "aws-config"), "[profile e2e-base]\nregion = us-east-1\n");
    const s = await scenario(9, {
      yaml: (text) =>
        text
          .replace("base:\n  region: us-east-1", "base:\n  region: us-east-1\n  profile: e2e-base")
          .replace('command: "sleep 60"', 'command: "true"'),
    });
    const env: NodeJS.ProcessEnv = { ...s.env, AWS_PROFILE: "elsewhere" };
    delete env.AWS_ACCESS_KEY_ID;
    delete env.AWS_SECRET_ACCESS_KEY;
    delete env.AWS_SESSION_TOKEN;
    const result = await runBuiltCli(
      ["apply", "--all", "--allow-dirty", "--auto-approve", "--target", "dev", "--format", "json"],
      { cwd: s.dir, env },
    );
    assert.equal(result.code, 0, show(result));
    assert.equal(reportOf(result).units[0]?.status, "succeeded");
    const log = await unitLog(s.dir, reportOf(result), UNITS[0]!);
    assert.doesNotMatch(log, /elsewhere/);
    const state = await getStateObject(moto.env, {
      ...bucketOf(s, 0),
      key: "slow/terraform.tfstate",
    });
    assert.match(state, /"dev"/);
  });
});
