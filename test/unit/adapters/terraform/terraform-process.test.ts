// One terraform child without an emulator: files it writes are 0600 whatever they were, output
// targets, redaction of argv, stdout and stderr, start failures; a command that outlives the
// process that started it (killed, or its terminal gone).
import assert from "node:assert/strict";
import { spawn } from "node:child_process";
import type { ChildProcess } from "node:child_process";
import { chmod, readFile, stat, writeFile } from "node:fs/promises";
import { join } from "node:path";
import { test } from "node:test";
import { fileURLToPath } from "node:url";
import { SpawnTerraformRunner } from "../../../../src/adapters/terraform/spawn-terraform-runner.ts";
import {
  encodeRequest,
  GO,
  relayScript,
  statusFileOf,
} from "../../../../src/adapters/terraform/relay-protocol.ts";
import { startTerraformProcess } from "../../../../src/adapters/terraform/terraform-process.ts";
import { buildChildEnv } from "../../../../src/core/run/child-env.ts";
import { REDACTED } from "../../../../src/core/run/redact.ts";
import type { OutputLine } from "../../../../src/ports/terraform-runner.ts";
import { makeTempDir } from "../../../helpers/temp-dir.ts";
import { terraformEnv } from "../../../helpers/terraform.ts";

const KEY = "AKIAIOSFODNN7EXAMPLE";
const SECRET = "an-operator-secret-value";

async function setup(): Promise<{ dir: string; env: Record<string, string> }> {
  const dir = await makeTempDir("process");
  const env = buildChildEnv({
    parent: terraformEnv({ PATH: process.env.PATH, HOME: process.env.HOME }),
    baseProfile: undefined,
    dataDir: join(dir, "data"),
  });
  return { dir, env };
}

async function mode(path: string): Promise<number> {
  return (await stat(path)).mode & 0o777;
}

test("a log that existed with another mode is appended to and made 0600; captured stdout stays out of it", async () => {
  const { dir, env } = await setup();
  const logFile = join(dir, "units", "x", "log");
  await startTerraformProcess({
    binary: "terraform",
    args: ["version"],
    cwd: dir,
    env,
    logFile,
    secrets: [],
  }).result;
  await chmod(logFile, 0o644);
  const captured = await startTerraformProcess({
    binary: "terraform",
    args: ["version"],
    cwd: dir,
    env,
    logFile,
    stdout: "capture",
    secrets: [],
  }).result;
  assert.equal(captured.exitCode, 0);
  assert.match(captured.stdout, /^Terraform v\d+\.\d+\.\d+/);
  assert.equal(captured.stdoutBytes, Buffer.byteLength(captured.stdout));
  assert.equal(await mode(logFile), 0o600);
  assert.equal(await mode(join(dir, "units", "x")), 0o700);
  const log = await readFile(logFile, "utf8");
  assert.equal(log.match(/^# \S+ terraform version$/gm)?.length, 2, log);
  assert.equal(log.match(/^Terraform v/gm)?.length, 1, "the captured run's stdout is not logged");
  assert.match(log, /^# stdout \(\d+ bytes\) captured, not logged$/m);
  assert.match(log, /^# exit 0 after \d+\.\d s$/m);
});

test("stdout to a file replaces it, 0600, and keeps it out of the log and the result", async () => {
  const { dir, env } = await setup();
  const file = join(dir, "out", "version.txt");
  const logFile = join(dir, "log");
  const first = startTerraformProcess({
    binary: "terraform",
    args: ["version"],
    cwd: dir,
    env,
    logFile,
    stdout: { file },
    secrets: [],
  });
  await first.result;
  await writeFile(file, "old contents that are longer than what terraform prints ".repeat(20));
  await chmod(file, 0o644);
  const result = await startTerraformProcess({
    binary: "terraform",
    args: ["version"],
    cwd: dir,
    env,
    logFile,
    stdout: { file },
    secrets: [],
  }).result;
  assert.equal(result.stdout, "");
  const text = await readFile(file, "utf8");
  assert.match(text, /^Terraform v/);
  assert.equal(Buffer.byteLength(text), result.stdoutBytes);
  assert.equal(await mode(file), 0o600);
  assert.doesNotMatch(await readFile(logFile, "utf8"), /^Terraform v/m);
});

test("argv, stdout and stderr are redacted line by line before the log, the result and onLine", async () => {
  const { dir, env } = await setup();
  const logFile = join(dir, "log");
  const lines: OutputLine[] = [];
  const varFile = join(dir, `${KEY}-${SECRET}.tfvars`);
  const result = await startTerraformProcess({
    binary: "terraform",
    args: ["plan", "-input=false", "-no-color", `-var-file=${varFile}`],
    cwd: dir,
    env,
    logFile,
    onLine: (line) => lines.push(line),
    secrets: [SECRET],
  }).result;
  assert.equal(result.exitCode, 1, result.stderr);
  const log = await readFile(logFile, "utf8");
  assert.ok(
    lines.some((l) => l.text.includes(`AKIA${REDACTED}`)),
    log,
  );
  for (const text of [log, result.stderr, result.stdout, ...lines.map((l) => l.text)]) {
    assert.ok(!text.includes(KEY) && !text.includes(SECRET), text);
  }
  assert.match(
    log,
    new RegExp(`^# \\S+ terraform plan .*-var-file=.*AKIA\\[redacted\\]-\\[redacted\\]`, "m"),
  );
  assert.match(log, /^# exit 1 after/m);
});

test("onLine tells terraform's lines from crossform's own notes (the command, its directory, its exit)", async () => {
  const { dir, env } = await setup();
  const logFile = join(dir, "log");
  const lines: OutputLine[] = [];
  const result = await startTerraformProcess({
    binary: "terraform",
    args: ["version"],
    cwd: dir,
    env,
    logFile,
    onLine: (line) => lines.push(line),
    secrets: [],
  }).result;
  assert.equal(result.exitCode, 0);
  const notes = lines.filter((l) => l.note === true).map((l) => l.text);
  const output = lines.filter((l) => l.note !== true).map((l) => l.text);
  assert.equal(notes.length, 3, notes.join("\n"));
  assert.match(notes[0] ?? "", /^# \S+ terraform version$/);
  assert.match(notes[1] ?? "", /^# in /);
  assert.match(notes[2] ?? "", /^# exit 0 after \d+\.\d s$/);
  assert.match(output[0] ?? "", /^Terraform v\d+\.\d+\.\d+/);
  assert.ok(
    output.every((line) => !line.startsWith("# ")),
    output.join("\n"),
  );
});

test("a binary that is not there rejects with terraform/not-found and sends no signals", async () => {
  const { dir, env } = await setup();
  const started = startTerraformProcess({
    binary: "no-such-terraform-binary",
    args: ["version"],
    cwd: dir,
    env,
    logFile: join(dir, "log"),
    secrets: [],
  });
  await assert.rejects(started.result, (error: unknown) => {
    assert.equal((error as { code?: string }).code, "terraform/not-found");
    assert.match((error as Error).message, /"no-such-terraform-binary"/);
    return true;
  });
  assert.equal(started.interrupt(), false);
  assert.equal(started.kill(), false);
  assert.match(await readFile(join(dir, "log"), "utf8"), /^# could not start: /m);
});

/**
 * Starts the command through a stand-in for crossform (test/helpers/command-starter.ts) whose
 * stdout is a pipe of this test, as crossform's is a terminal's or a CI runner's; resolves with the
 * starter and the pid of the command's process group once it is started.
 */
async function startThroughStarter(
  logFile: string,
  command: string[],
  options: { ownGroup: boolean; hold?: boolean },
): Promise<{ starter: ChildProcess; pid: number }> {
  const starter = spawn(
    process.execPath,
    [
      fileURLToPath(new URL("../../../helpers/command-starter.ts", import.meta.url)),
      logFile,
      ...command,
    ],
    {
      stdio: ["ignore", "pipe", "inherit"],
      detached: options.ownGroup,
      env: { ...process.env, HOLD: options.hold ? "1" : "0" },
    },
  );
  const pid = await new Promise<number>((resolve, reject) => {
    let text = "";
    starter.stdout?.setEncoding("utf8").on("data", (d: string) => {
      text += d;
      const line = text.split("\n")[0];
      if (text.includes("\n") && line) resolve((JSON.parse(line) as { pid: number }).pid);
    });
    starter.once("exit", () => reject(new Error(`the starter exited before starting: ${text}`)));
  });
  return { starter, pid };
}

/** Field `n` (1-based) of /proc/<pid>/stat, counting after the command name. */
async function statField(pid: number, n: number): Promise<string> {
  const stat = await readFile(`/proc/${pid}/stat`, "utf8");
  return stat.slice(stat.lastIndexOf(")") + 2).split(" ")[n - 3] as string;
}

async function waitForFile(path: string, timeoutMs = 20_000): Promise<string> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const text = await readFile(path, "utf8").catch(() => undefined);
    if (text !== undefined) return text;
    if (Date.now() > deadline) assert.fail(`${path} never appeared`);
    await new Promise((r) => setTimeout(r, 100));
  }
}

/** A command that writes a line, waits, then writes again: with no reader it would die of SIGPIPE. */
const OUTLIVING = [
  "sh",
  "-c",
  "trap 'echo got-HUP' HUP; trap 'echo got-INT' INT; echo before; sleep 2; echo after the starter died; echo on stderr >&2",
];

test("a command outlives the process that started it: killed with SIGKILL, its pipes closed, the command runs on in a session of its own and finishes its log and status", async () => {
  const { dir } = await setup();
  const logFile = join(dir, "log");
  const { starter, pid } = await startThroughStarter(logFile, OUTLIVING, { ownGroup: false });
  assert.equal(await statField(pid, 5), String(pid), "it leads its process group");
  assert.equal(await statField(pid, 6), String(pid), "it leads its session");
  assert.notEqual(await statField(pid, 6), await statField(process.pid, 6));
  await waitForFile(logFile);
  starter.kill("SIGKILL");
  const status = JSON.parse(await waitForFile(`${logFile}.status`)) as {
    exit_code: number;
    stderr: string;
  };
  assert.equal(status.exit_code, 0);
  assert.match(status.stderr, /on stderr/);
  const log = await readFile(logFile, "utf8");
  assert.match(log, /^before\nafter the starter died\non stderr\n# exit 0 after \d+\.\d s\n$/m);
  assert.doesNotMatch(log, /^got-(HUP|INT)$/m);
  assert.equal(await mode(logFile), 0o600);
});

test("a command outlives a terminal that goes away: the SIGHUP of the starter's process group never reaches it", async () => {
  const { dir } = await setup();
  const logFile = join(dir, "log");
  const { starter, pid } = await startThroughStarter(logFile, OUTLIVING, { ownGroup: true });
  await waitForFile(logFile);
  const gone = new Promise((resolve) => starter.once("exit", (_code, signal) => resolve(signal)));
  // What a terminal's hangup does: SIGHUP to its foreground process group, the starter's.
  process.kill(-(starter.pid as number), "SIGHUP");
  assert.equal(await gone, "SIGHUP");
  const status = JSON.parse(await waitForFile(`${logFile}.status`)) as { exit_code: number };
  assert.equal(status.exit_code, 0);
  const log = await readFile(logFile, "utf8");
  assert.match(log, /after the starter died/);
  assert.doesNotMatch(log, /^got-HUP$/m);
  assert.notEqual(pid, starter.pid);
});

test("a log that cannot be written: the command still runs to its end, and the result names the record file it could not write", async () => {
  const { dir, env } = await setup();
  await writeFile(join(dir, "not-a-directory"), "");
  const logFile = join(dir, "not-a-directory", "log");
  const result = await startTerraformProcess({
    binary: "sh",
    args: ["-c", `echo ran > '${join(dir, "ran")}'; exit 3`],
    cwd: dir,
    env,
    logFile,
    secrets: [],
  }).result;
  assert.equal(result.exitCode, 3, "the exit code came through the relay's own");
  assert.equal(await readFile(join(dir, "ran"), "utf8"), "ran\n");
  assert.deepEqual(
    result.writeProblems.map((p) => p.path),
    [`${logFile}.status`],
  );
});

test("the runner redacts a command's own values (TerraformCommand.redact) on top of the environment's credentials", async () => {
  const { dir } = await setup();
  const runner = new SpawnTerraformRunner({
    binary: "sh",
    configDir: dir,
    env: { PATH: process.env.PATH, HOME: dir, AWS_SECRET_ACCESS_KEY: SECRET },
    baseProfile: undefined,
  });
  const logFile = join(dir, "log");
  const sensitive = "a-sensitive-output-value-0042";
  const result = await runner.start({
    args: ["-c", `echo "${sensitive} ${SECRET}"; echo "${sensitive}" >&2`],
    cwd: dir,
    dataDir: join(dir, "data"),
    logFile,
    redact: [sensitive],
  }).result;
  assert.equal(result.exitCode, 0);
  const log = await readFile(logFile, "utf8");
  for (const text of [log, result.stdout, result.stderr]) {
    assert.ok(!text.includes(sensitive) && !text.includes(SECRET), text);
  }
  assert.match(log, /^\[redacted\] \[redacted\]$/m);
});

test("a starter that dies before it let the command start (before journaling it): the command never runs, and its log says so", async () => {
  const { dir } = await setup();
  const logFile = join(dir, "log");
  const ran = join(dir, "ran");
  const { starter, pid } = await startThroughStarter(logFile, ["sh", "-c", `touch '${ran}'`], {
    ownGroup: false,
    hold: true,
  });
  await new Promise((r) => setTimeout(r, 300));
  starter.kill("SIGKILL");
  const log = await waitForFile(logFile);
  await waitFor(async () => !(await isAlive(pid)));
  assert.match(
    await readFile(logFile, "utf8"),
    /^# not started: crossform stopped before it could record the command$/m,
    log,
  );
  await assert.rejects(stat(ran), { code: "ENOENT" });
  await assert.rejects(stat(`${logFile}.status`), { code: "ENOENT" });
});

async function isAlive(pid: number): Promise<boolean> {
  const state = await statField(pid, 3).catch(() => "gone");
  return state !== "gone" && state !== "Z";
}

async function waitFor(check: () => Promise<boolean>, timeoutMs = 20_000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!(await check())) {
    if (Date.now() > deadline) assert.fail("timed out");
    await new Promise((r) => setTimeout(r, 100));
  }
}

test("the process spawner dies with crossform; the command outlives both and finishes its log and status", async () => {
  const { dir } = await setup();
  const logFile = join(dir, "log");
  const { starter, pid } = await startThroughStarter(logFile, OUTLIVING, { ownGroup: false });
  const spawner = Number(await statField(pid, 4));
  assert.notEqual(spawner, starter.pid, "the relay's parent is the spawner, not crossform");
  await waitForFile(logFile);
  starter.kill("SIGKILL");
  await waitFor(async () => !(await isAlive(spawner)));
  assert.ok(await isAlive(pid), "the relay runs on after the spawner ended");
  const status = JSON.parse(await waitForFile(`${logFile}.status`)) as { exit_code: number };
  assert.equal(status.exit_code, 0);
  assert.match(await readFile(logFile, "utf8"), /^after the starter died$/m);
});

/** The pid of the process spawner that started `pid` (its parent). */
async function spawnerOf(pid: number): Promise<number> {
  return Number(await statField(pid, 4));
}

test("a process spawner killed while crossform lives: the command runs on, and its result (exit 3) comes once it really ended", async () => {
  const { dir, env } = await setup();
  const done = join(dir, "done");
  let pid = 0;
  const started = startTerraformProcess({
    binary: "sh",
    args: ["-c", `sleep 1.5; touch '${done}'; exit 3`],
    cwd: dir,
    env,
    logFile: join(dir, "log"),
    secrets: [],
    beforeStart: async (p) => {
      pid = p;
    },
  });
  await waitFor(
    async () => pid !== 0 && (await readFile(join(dir, "log"), "utf8").catch(() => "")) !== "",
  );
  process.kill(await spawnerOf(pid), "SIGKILL");
  const result = await started.result;
  await stat(done);
  assert.equal(result.exitCode, 3, "the relay's status, read once the relay had ended");
});

/** The log of a test's command, and the file it creates when it runs. */
function files(dir: string): { ran: string; logFile: string } {
  return { ran: join(dir, "ran"), logFile: join(dir, "log") };
}

/** Starts `touch <dir>/ran` through its relay, logging into `<dir>/log`. */
function startTouch(
  dir: string,
  env: Record<string, string>,
  beforeStart: (pid: number) => Promise<void>,
): ReturnType<typeof startTerraformProcess> {
  const { ran, logFile } = files(dir);
  return startTerraformProcess({
    binary: "sh",
    args: ["-c", `touch '${ran}'`],
    cwd: dir,
    env,
    logFile,
    secrets: [],
    beforeStart,
  });
}

test("a process spawner killed before the command could start: it never runs, and the result says its relay was lost", async () => {
  const { dir, env } = await setup();
  const { ran, logFile } = files(dir);
  let pid = 0;
  // Journaling that never ends: the relay waits for its `go`.
  const started = startTouch(dir, env, (p) => {
    pid = p;
    return new Promise<void>(() => undefined);
  });
  await waitFor(async () => pid !== 0);
  process.kill(await spawnerOf(pid), "SIGKILL");
  await assert.rejects(started.result, (error: unknown) => {
    assert.equal((error as { code?: string }).code, "terraform/relay-lost");
    return true;
  });
  assert.match(
    await readFile(logFile, "utf8"),
    /^# not started: crossform stopped before it could record the command$/m,
  );
  await assert.rejects(stat(ran), { code: "ENOENT" });
});

test("a stop asked for while the command's pid is journaled: terraform never starts, the result is interrupted, and the log says why", async () => {
  const { dir, env } = await setup();
  const { ran, logFile } = files(dir);
  const started: { interrupt(): boolean } = { interrupt: () => false };
  const process_ = startTouch(dir, env, async (pid) => {
    // A Ctrl-C while the run journals the pid, once the relay notes signals (before that, the
    // signal would end the relay itself, and nothing would start either).
    await waitFor(() => relayNotesStops(pid));
    assert.equal(started.interrupt(), true);
  });
  started.interrupt = () => process_.interrupt("SIGINT");
  const result = await process_.result;
  assert.equal(result.interrupted, true);
  assert.equal(result.exitCode, null);
  assert.deepEqual(result.writeProblems, []);
  assert.match(
    await readFile(logFile, "utf8"),
    /^# not started: a stop was asked for before it could start$/m,
  );
  await assert.rejects(stat(ran), { code: "ENOENT" });
});

/**
 * Whether the relay handles the stop signals itself: it installs SIGINT's, SIGTERM's and SIGHUP's
 * handlers at once, SIGHUP's last (bit 1 of SigCgt in /proc/<pid>/status; Node itself catches
 * SIGINT from its start, to restore the terminal).
 */
async function relayNotesStops(pid: number): Promise<boolean> {
  const text = await readFile(`/proc/${pid}/status`, "utf8").catch(() => "");
  const mask = /^SigCgt:\s*([0-9a-f]+)$/m.exec(text)?.[1];
  return mask !== undefined && (BigInt(`0x${mask}`) & 1n) !== 0n;
}

test("the relay starts no terraform after a stop signal that came before it could: the status says so, with the signal", async () => {
  const { dir, env } = await setup();
  const ran = join(dir, "ran");
  const logFile = join(dir, "log");
  const relay = spawn(process.execPath, [relayScript()], {
    detached: true,
    stdio: ["pipe", "ignore", "ignore"],
  });
  await waitFor(() => relayNotesStops(relay.pid as number));
  process.kill(-(relay.pid as number), "SIGINT");
  const exited = new Promise<number | null>((resolve) =>
    relay.once("exit", (code) => resolve(code)),
  );
  relay.stdin?.end(
    encodeRequest({
      v: 1,
      binary: "sh",
      args: ["-c", `touch '${ran}'`],
      cwd: dir,
      env,
      logFile,
      stdout: "log",
      statusFile: statusFileOf(logFile),
      secrets: [],
    }) + GO,
  );
  assert.equal(await exited, 128 + 2);
  const status = JSON.parse(await readFile(statusFileOf(logFile), "utf8")) as Record<
    string,
    unknown
  >;
  assert.equal(status.exit_code, null);
  assert.equal(status.signal, "SIGINT");
  assert.equal(status.interrupted_by, "SIGINT");
  assert.match(
    await readFile(logFile, "utf8"),
    /^# not started: SIGINT came before it could start$/m,
  );
  await assert.rejects(stat(ran), { code: "ENOENT" });
});
