/**
 * One terraform command that may change something (init, plan, apply, ...: it takes the state lock,
 * writes state or fills the plugin cache), started through its relay (`terraform-relay.ts`,
 * docs/decisions/0027-terraform-outlives-crossform.md): argv only (never a shell), the relay
 * `detached` into a session and process group of its own that terraform shares, its stdout and
 * stderr on /dev/null, its stdin a pipe that carries the request and is closed at once. The relay
 * writes the redacted log and the exit status; crossform follows the log for progress and reads the
 * status once the relay has exited. When crossform dies, nothing of it reaches terraform: no
 * closed pipe (terraform writes to the relay), no terminal hangup (another session), no signal.
 *
 * Stops go to the process group, once: {@link TerraformProcess.interrupt} sends one SIGINT (the
 * relay ignores it, terraform stops gracefully), {@link TerraformProcess.kill} one SIGKILL. Never
 * `spawn({ signal })`: an aborted signal makes Node send SIGTERM to the child alone, not to its
 * group, and more than once is not prevented.
 */
import { appendFileSync, readFileSync, rmSync } from "node:fs";
import { CrossformError } from "../../core/errors.ts";
import { constants } from "node:os";
import { performance } from "node:perf_hooks";
import type {
  OutputLine,
  RecordWriteProblem,
  StdoutTarget,
  TerraformProcess,
  TerraformResult,
} from "../../ports/terraform-runner.ts";
import { startCapturedProcess } from "./captured-process.ts";
import { spawnProcess } from "./process-spawner.ts";
import type { SpawnedChild } from "./process-spawner.ts";
import { groupStops, notStarted } from "./group-stops.ts";
import { followLog } from "./log-follower.ts";
import { startFailure } from "./start-failure.ts";
import {
  decodeStatus,
  encodeRequest,
  GO,
  isRelayNote,
  RELAY_NO_REQUEST,
  RELAY_START_FAILED,
  relayScript,
  statusFileOf,
  STOP,
} from "./relay-protocol.ts";
import type { RelayStatus } from "./relay-protocol.ts";
import type { EndedCommand } from "../../ports/terraform-runner.ts";

/** Options of {@link startTerraformProcess}. */
export interface StartTerraformOptions {
  /** Binary name on the child's PATH, or a path. */
  binary: string;
  args: readonly string[];
  cwd: string;
  /** The child's whole environment (core/run/child-env.ts). */
  env: Record<string, string>;
  /** The log to append to (its status file and captured stdout go next to it). */
  logFile: string;
  /** @default "log" */
  stdout?: StdoutTarget;
  /** Called with each line the log gains while the command runs. */
  onLine?: (line: OutputLine) => void;
  /** Values to redact wherever they appear, on top of the patterns of core/run/redact.ts. */
  secrets: readonly string[];
  /** Awaited with the process group's pid before terraform may start. */
  beforeStart?: (pid: number) => Promise<void>;
}

/** Appends one line of crossform's own to the log; a log that cannot be written is left alone. */
export function annotate(logFile: string, text: string): void {
  try {
    appendFileSync(logFile, `# ${new Date().toISOString()} ${text}\n`, { mode: 0o600 });
  } catch {
    // The relay reports the log's problem with the status.
  }
}

function removeQuietly(path: string): void {
  try {
    rmSync(path, { force: true });
  } catch {
    // Nothing to remove, or a directory that cannot be written: the relay reports it.
  }
}

function readQuietly(path: string): string | undefined {
  try {
    return readFileSync(path, "utf8");
  } catch {
    return undefined;
  }
}

function signalName(number: number): string | undefined {
  const names = constants.signals as Record<string, number>;
  return Object.keys(names).find((name) => names[name] === number);
}

/**
 * The result when the status file is missing: the relay's own exit code carries terraform's (or
 * 128 + the signal that ended it), and its output could not be recorded.
 */
function resultWithoutStatus(
  options: StartTerraformOptions,
  code: number | null,
  signal: string | null,
  startedMs: number,
  interrupted: boolean,
): TerraformResult {
  let exitCode = code;
  let ended = signal;
  if (signal === null && code !== null && code > 128) {
    ended = signalName(code - 128) ?? null;
    exitCode = ended === null ? code : null;
  }
  const problems: RecordWriteProblem[] = [];
  // A relay killed by a signal (the kill of a third Ctrl-C) writes no status; that is no problem.
  if (signal === null) {
    const statusFile = statusFileOf(options.logFile);
    problems.push({
      path: statusFile,
      message: `terraform's exit status and output could not be written to ${statusFile} (the disk may be full or read-only)`,
    });
  }
  return {
    exitCode,
    signal: ended,
    stdout: "",
    stderr: "",
    stdoutBytes: 0,
    interrupted,
    durationMs: performance.now() - startedMs,
    writeProblems: problems,
  };
}

/** The result of a command stopped before terraform could start: interrupted, nothing ran. */
function notRun(startedMs: number): TerraformResult {
  return {
    exitCode: null,
    signal: null,
    stdout: "",
    stderr: "",
    stdoutBytes: 0,
    interrupted: true,
    durationMs: performance.now() - startedMs,
    writeProblems: [],
  };
}

/**
 * The error of a relay that ended without a status after the process that started it (the process
 * spawner) was lost: nobody knows its exit code. It either never got its `go`, or was killed.
 */
function relayLost(options: StartTerraformOptions, pid: number | undefined): CrossformError {
  return new CrossformError(
    "terraform/relay-lost",
    "external",
    `terraform ${options.args[0] ?? ""}: its relay (pid ${pid ?? "unknown"}) ended without an exit status after crossform's process spawner ended: terraform did not start, or was killed`,
    { hint: `its log says which: ${options.logFile}` },
  );
}

/** The result the status file tells. */
function resultOfStatus(status: RelayStatus, interrupted: boolean): TerraformResult {
  return {
    exitCode: status.exit_code,
    signal: status.signal,
    stdout: status.stdout,
    stderr: status.stderr,
    stdoutBytes: status.stdout_bytes,
    interrupted,
    durationMs: status.duration_ms,
    writeProblems: status.write_problems.map((p) => ({ ...p })),
  };
}

/**
 * Starts one terraform command: through its relay, or directly when its stdout is captured
 * (captured-process.ts); see the module comment.
 */
export function startTerraformProcess(options: StartTerraformOptions): TerraformProcess {
  const target = options.stdout ?? "log";
  if (target === "capture") return startCapturedProcess(options);
  const started = performance.now();
  const statusFile = statusFileOf(options.logFile);
  removeQuietly(statusFile);
  let lineIndex = 0;
  const follower =
    options.onLine === undefined
      ? undefined
      : followLog(options.logFile, (text) =>
          options.onLine?.({ text, note: isRelayNote(text, lineIndex++) }),
        );
  let child: SpawnedChild;
  try {
    child = spawnProcess(process.execPath, [relayScript()], {
      cwd: "/",
      env: {},
      detached: true,
      stdio: ["pipe", "ignore", "ignore"],
    });
  } catch (error) {
    follower?.stop();
    return notStarted(startFailure(process.execPath, error));
  }
  const stdin = child.stdin as NonNullable<SpawnedChild["stdin"]>;
  stdin.on("error", () => undefined);
  stdin.write(
    encodeRequest({
      v: 1,
      binary: options.binary,
      args: [...options.args],
      cwd: options.cwd,
      env: options.env,
      logFile: options.logFile,
      stdout: target,
      statusFile,
      secrets: [...options.secrets],
    }),
  );
  // The relay starts terraform only on `go`: a crossform that dies before it lets nothing run,
  // and a stop asked for before it (while the pid was journaled) is told instead: a signal to the
  // group then would reach the relay alone, and terraform would start after it.
  let stoppedBeforeStart = false;
  const go = (): void => {
    stoppedBeforeStart = stops.requested;
    stdin.end(stoppedBeforeStart ? STOP : GO);
  };
  child.once("spawn", () => {
    const pid = child.pid;
    if (options.beforeStart === undefined || pid === undefined) go();
    else options.beforeStart(pid).then(go, go);
  });

  const stops = groupStops(child, (text) => annotate(options.logFile, text));
  const result = new Promise<TerraformResult>((resolve, reject) => {
    let settled = false;
    child.once("error", (error) => {
      if (settled) return;
      settled = true;
      stops.ended();
      follower?.stop();
      reject(startFailure(process.execPath, error));
    });
    child.once("exit", (code, signal) => {
      if (settled) return;
      settled = true;
      stops.ended();
      follower?.stop();
      const text = readQuietly(statusFile);
      const status = text === undefined ? undefined : decodeStatus(text);
      removeQuietly(statusFile);
      if (status?.start_error) {
        reject(startFailure(options.binary, status.start_error));
        return;
      }
      if (status === undefined && stoppedBeforeStart) {
        resolve(notRun(started));
        return;
      }
      if (status === undefined && code === null && signal === null) {
        reject(relayLost(options, child.pid));
        return;
      }
      if (status === undefined && (code === RELAY_START_FAILED || code === RELAY_NO_REQUEST)) {
        reject(
          startFailure(options.binary, {
            message: `its relay could not start it (exit ${code}); see ${options.logFile}`,
          }),
        );
        return;
      }
      resolve(
        status === undefined
          ? resultWithoutStatus(options, code, signal, started, stops.interrupted)
          : resultOfStatus(status, stops.interrupted),
      );
    });
  });

  return {
    get pid() {
      return child.pid;
    },
    interrupt: (signal) => stops.interrupt(signal),
    kill: () => stops.kill(),
    result,
  };
}

/** How the command that logged into `logFile` ended, from the status its relay left there. */
export async function readEndedCommand(logFile: string): Promise<EndedCommand | undefined> {
  const text = readQuietly(statusFileOf(logFile));
  const status = text === undefined ? undefined : decodeStatus(text);
  if (status === undefined || status.start_error) return undefined;
  return {
    exitCode: status.exit_code,
    signal: status.signal,
    endedAt: status.ended_at,
    ...(status.interrupted_by !== undefined ? { interruptedBy: status.interrupted_by } : {}),
  };
}
