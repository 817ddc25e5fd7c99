// One terraform child without an emulator: files it writes are 0600 whatever they were, output
// targets, redaction of argv, stdout and stderr, start failures.
import assert from "node:assert/strict";
import { chmod, readFile, stat, writeFile } from "node:fs/promises";
import { join } from "node:path";
import { test } from "node:test";
import { startTerraformProcess } from "../../../../src/adapters/terraform/terraform-process.ts";
import { buildChildEnv } from "../../../../src/core/run/child-env.ts";
import { createRedactor, REDACTED } from "../../../../src/core/run/redact.ts";
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
    redactor: createRedactor(),
  }).result;
  await chmod(logFile, 0o644);
  const captured = await startTerraformProcess({
    binary: "terraform",
    args: ["version"],
    cwd: dir,
    env,
    logFile,
    stdout: "capture",
    redactor: createRedactor(),
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
    redactor: createRedactor(),
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
    redactor: createRedactor(),
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
    redactor: createRedactor([SECRET]),
  }).result;
  assert.equal(result.exitCode, 1, result.stderr);
  const log = await readFile(logFile, "utf8");
  assert.ok(
    lines.some((l) => l.stream === "stderr" && l.text.includes(`AKIA${REDACTED}`)),
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

test("a binary that is not there rejects with terraform/not-found and sends no signals", async () => {
  const { dir, env } = await setup();
  const started = startTerraformProcess({
    binary: "no-such-terraform-binary",
    args: ["version"],
    cwd: dir,
    env,
    logFile: join(dir, "log"),
    redactor: createRedactor(),
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
