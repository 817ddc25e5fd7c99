import assert from "node:assert/strict";
import { spawn } from "node:child_process";
import { fileURLToPath } from "node:url";
import { parseRunReport } from "../../src/core/report/run-report.ts";
import type { RunReport, UnitReport } from "../../src/core/report/run-report.ts";

/** Path of the built CLI, as users run it after `npm run build`. */
export const builtCli = fileURLToPath(new URL("../../dist/cli/main.js", import.meta.url));

/** What one CLI invocation printed and returned. */
export interface CliResult {
  code: number | null;
  stdout: string;
  stderr: string;
}

/** Runs the built CLI with argv only (no shell) in `cwd`, with the given environment. */
export function runBuiltCli(
  args: string[],
  options: { cwd?: string; env?: NodeJS.ProcessEnv; input?: string } = {},
): Promise<CliResult> {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, [builtCli, ...args], {
      cwd: options.cwd ?? process.cwd(),
      env: options.env ?? process.env,
      stdio: ["pipe", "pipe", "pipe"],
    });
    let stdout = "";
    let stderr = "";
    child.stdout.setEncoding("utf8").on("data", (d: string) => (stdout += d));
    child.stderr.setEncoding("utf8").on("data", (d: string) => (stderr += d));
    child.on("error", reject);
    child.on("close", (code) => resolve({ code, stdout, stderr }));
    child.stdin.end(options.input ?? "");
  });
}

/**
 * The environment of a CLI run against the emulator: the operator's environment without any
 * AWS_* or TF_* variable, the emulator's endpoint and keys, its own HOME and AWS config files,
 * `CI=true` (nothing interactive), and terraform's own empty CLI config (see terraform.ts).
 */
export function emulatorCliEnv(
  motoEnv: Record<string, string>,
  dirs: { home: string; root: string },
): NodeJS.ProcessEnv {
  const env: NodeJS.ProcessEnv = {};
  for (const [key, value] of Object.entries(process.env)) {
    if (!key.startsWith("AWS_") && !key.startsWith("TF_")) env[key] = value;
  }
  return Object.assign(env, motoEnv, {
    HOME: dirs.home,
    USER: "e2e",
    CI: "true",
    AWS_CONFIG_FILE: `${dirs.root}/aws-config`,
    AWS_SHARED_CREDENTIALS_FILE: `${dirs.root}/aws-credentials`,
  });
}

/** A CLI result as text for assertion messages. */
export function showResult(result: CliResult): string {
  return `exit ${result.code}\n--- stdout ---\n${result.stdout}\n--- stderr ---\n${result.stderr}`;
}

/** The JSON report a run printed on stdout (`--format json`), checked against its schema. */
export function jsonRunReport(result: CliResult): RunReport {
  let data: unknown;
  try {
    data = JSON.parse(result.stdout);
  } catch {
    assert.fail(`stdout is not a JSON report:\n${showResult(result)}`);
  }
  return parseRunReport(data, "stdout");
}

/** One unit of a run report, failing the test when it is not there. */
export function unitOfReport(report: RunReport, id: string): UnitReport {
  const unit = report.units.find((u) => u.id === id);
  assert.ok(unit, `${id} is in the report of run ${report.run.id}`);
  return unit;
}

/** A CLI run still going: signal it, watch its stderr as it comes, await its end. */
export interface RunningCli {
  /** Sends a signal to the CLI process alone (as a terminal's Ctrl-C reaches crossform). */
  signal(signal: NodeJS.Signals): void;
  /** Stderr so far, each chunk with the `performance.now()` at which it arrived. */
  readonly stderrChunks: { at: number; text: string }[];
  /** Resolves when some stderr so far matches `pattern`, with the time it arrived. */
  waitForStderr(pattern: RegExp, timeoutMs?: number): Promise<number>;
  readonly done: Promise<CliResult>;
}

/** Starts the built CLI like {@link runBuiltCli}, without waiting for it. */
export function startBuiltCli(
  args: string[],
  options: { cwd?: string; env?: NodeJS.ProcessEnv } = {},
): RunningCli {
  const child = spawn(process.execPath, [builtCli, ...args], {
    cwd: options.cwd ?? process.cwd(),
    env: options.env ?? process.env,
    stdio: ["ignore", "pipe", "pipe"],
  });
  let stdout = "";
  let stderr = "";
  const stderrChunks: { at: number; text: string }[] = [];
  const waiters: { pattern: RegExp; resolve: (at: number) => void }[] = [];
  child.stdout.setEncoding("utf8").on("data", (d: string) => (stdout += d));
  child.stderr.setEncoding("utf8").on("data", (d: string) => {
    const at = performance.now();
    stderr += d;
    stderrChunks.push({ at, text: d });
    for (const waiter of [...waiters]) {
      if (waiter.pattern.test(stderr)) {
        waiters.splice(waiters.indexOf(waiter), 1);
        waiter.resolve(at);
      }
    }
  });
  const done = new Promise<CliResult>((resolve, reject) => {
    child.on("error", reject);
    child.on("close", (code) => resolve({ code, stdout, stderr }));
  });
  return {
    signal: (signal) => void child.kill(signal),
    stderrChunks,
    waitForStderr: (pattern, timeoutMs = 60_000) =>
      new Promise((resolve, reject) => {
        if (pattern.test(stderr)) return resolve(performance.now());
        const timer = setTimeout(
          () => reject(new Error(`no ${pattern} on stderr after ${timeoutMs} ms:\n${stderr}`)),
          timeoutMs,
        );
        waiters.push({
          pattern,
          resolve: (at) => {
            clearTimeout(timer);
            resolve(at);
          },
        });
      }),
    done,
  };
}
