/**
 * The relay of one terraform command (docs/decisions/0027-terraform-outlives-crossform.md): a
 * small program crossform starts for each command, detached into a session and process group of
 * its own, with stdout and stderr on /dev/null and stdin a pipe crossform closes once it has
 * written the request. It runs terraform with pipes that it alone reads, redacts each line into
 * the unit's 0600 log (stdout into a 0600 file of its own when asked), and writes terraform's exit
 * status next to the log when terraform ends. Commands whose stdout crossform captures run without
 * a relay (captured-process.ts).
 *
 * Nothing of crossform reaches it once started: when crossform is killed, runs out of memory or
 * loses its terminal, terraform goes on writing into pipes that are still read, finishes (or stops
 * gracefully) and saves its state. The signals crossform means for terraform go to the process
 * group, which the relay leads: it ignores them (notes them for the log) and goes on relaying
 * until terraform has exited. One that came before terraform was started (crossform stopped while
 * the relay was starting) keeps terraform from starting at all.
 */
import { spawn } from "node:child_process";
import type { ChildProcess } from "node:child_process";
import { renameSync, unlinkSync } from "node:fs";
import { constants } from "node:os";
import { performance } from "node:perf_hooks";
import { StringDecoder } from "node:string_decoder";
import { createRedactor } from "../../core/run/redact.ts";
import type { Redactor } from "../../core/run/redact.ts";
import {
  commandLine,
  decodeInput,
  RELAY_NO_REQUEST,
  RELAY_START_FAILED,
  relayExitCode,
} from "./relay-protocol.ts";
import type { RelayRequest, RelayStatus } from "./relay-protocol.ts";
import type { RecordWriteProblem } from "../../ports/terraform-runner.ts";
import { errorCode, OutputTail, PrivateFile, problemOf } from "./private-file.ts";

let interruptedBy: string | undefined;
for (const signal of ["SIGINT", "SIGTERM", "SIGHUP"] as const) {
  process.on(signal, () => {
    interruptedBy ??= signal;
  });
}

function readStdin(): Promise<string> {
  return new Promise((resolve) => {
    const chunks: Buffer[] = [];
    process.stdin.on("data", (chunk: Buffer) => chunks.push(chunk));
    process.stdin.on("end", () => resolve(Buffer.concat(chunks).toString("utf8")));
    process.stdin.on("error", () => resolve(Buffer.concat(chunks).toString("utf8")));
  });
}

/** Writes `status` to its file atomically (a temporary file renamed), 0600. */
function writeStatus(path: string, status: RelayStatus): RecordWriteProblem | undefined {
  const temporary = `${path}.tmp`;
  const file = new PrivateFile(temporary, "w");
  file.write(`${JSON.stringify(status)}\n`);
  file.close();
  if (file.problem) {
    try {
      unlinkSync(temporary);
    } catch {
      // nothing was created
    }
    return file.problem;
  }
  try {
    renameSync(temporary, path);
    return undefined;
  } catch (error) {
    return problemOf(path, error);
  }
}

/** Terraform's output, split into redacted lines for the log, or streamed into its file. */
function relayOutput(
  child: ChildProcess,
  redactor: Redactor,
  log: PrivateFile,
  captured: PrivateFile | undefined,
): { finish(): void; stdoutTail: OutputTail; stderrTail: OutputTail; stdoutBytes(): number } {
  const stdoutTail = new OutputTail();
  const stderrTail = new OutputTail();
  let stdoutBytes = 0;
  const emit = (lines: string[], tail: OutputTail): void => {
    if (lines.length === 0) return;
    const text = `${lines.join("\n")}\n`;
    log.write(text);
    tail.add(text);
  };
  const stdoutLines = redactor.lineStream();
  const stderrLines = redactor.lineStream();
  const stdout = child.stdout as NonNullable<ChildProcess["stdout"]>;
  const stderr = child.stderr as NonNullable<ChildProcess["stderr"]>;
  const decoder = new StringDecoder("utf8");
  stdout.on("data", (chunk: Buffer) => {
    stdoutBytes += chunk.length;
    if (captured) captured.write(chunk);
    else emit(stdoutLines.push(decoder.write(chunk)), stdoutTail);
  });
  stderr.setEncoding("utf8");
  stderr.on("data", (chunk: string) => emit(stderrLines.push(chunk), stderrTail));
  return {
    finish() {
      if (!captured) emit([...stdoutLines.push(decoder.end()), ...stdoutLines.end()], stdoutTail);
      emit(stderrLines.end(), stderrTail);
    },
    stdoutTail,
    stderrTail,
    stdoutBytes: () => stdoutBytes,
  };
}

/** Runs the command of `request` to its end; returns its status and the relay's exit code. */
async function relay(request: RelayRequest): Promise<number> {
  const redactor = createRedactor(request.secrets ?? []);
  const startedAt = new Date();
  const started = performance.now();
  const log = new PrivateFile(request.logFile, "a");
  log.write(
    `# ${startedAt.toISOString()} ${redactor.redactLine(commandLine(request.binary, request.args))}\n` +
      `# in ${request.cwd}\n`,
  );
  const target = request.stdout ?? "log";
  const captured = target === "log" ? undefined : new PrivateFile(target.file, "w");
  // A signal that came with the request is handled only once the event loop turns: let it.
  await new Promise((resolve) => setImmediate(resolve));

  const ended = await new Promise<
    | {
        kind: "exit";
        pid: number | undefined;
        code: number | null;
        signal: string | null;
        out: ReturnType<typeof relayOutput>;
      }
    | { kind: "start-error"; error: unknown }
    | { kind: "stopped"; signal: string }
  >((resolve) => {
    // A stop that reached the group before terraform was in it would never reach terraform: the
    // relay starts none then. Checked right before the start: only a signal that comes within
    // that instant is missed.
    if (interruptedBy !== undefined) {
      resolve({ kind: "stopped", signal: interruptedBy });
      return;
    }
    let child: ChildProcess;
    try {
      child = spawn(request.binary, request.args, {
        cwd: request.cwd,
        env: request.env,
        stdio: ["ignore", "pipe", "pipe"],
      });
    } catch (error) {
      resolve({ kind: "start-error", error });
      return;
    }
    const out = relayOutput(child, redactor, log, captured);
    child.once("error", (error) => resolve({ kind: "start-error", error }));
    child.once("close", (code, signal) =>
      resolve({ kind: "exit", pid: child.pid, code, signal, out }),
    );
  });

  const durationMs = performance.now() - started;
  const base = {
    v: 1 as const,
    started_at: startedAt.toISOString(),
    ended_at: new Date().toISOString(),
    duration_ms: durationMs,
    ...(interruptedBy !== undefined ? { interrupted_by: interruptedBy } : {}),
  };
  let status: RelayStatus;
  let exit: number;
  if (ended.kind === "start-error") {
    const code = errorCode(ended.error);
    const message = ended.error instanceof Error ? ended.error.message : String(ended.error);
    log.write(`# could not start: ${message}\n`);
    status = {
      ...base,
      exit_code: null,
      signal: null,
      start_error: { ...(code !== undefined ? { code } : {}), message },
      stdout: "",
      stderr: "",
      stdout_bytes: 0,
      write_problems: [],
    };
    exit = RELAY_START_FAILED;
  } else if (ended.kind === "stopped") {
    log.write(`# not started: ${ended.signal} came before it could start\n`);
    status = {
      ...base,
      exit_code: null,
      signal: ended.signal,
      stdout: "",
      stderr: "",
      stdout_bytes: 0,
      write_problems: [],
    };
    exit = relayExitCode(null, (constants.signals as Record<string, number>)[ended.signal]);
  } else {
    ended.out.finish();
    const bytes = ended.out.stdoutBytes();
    if (typeof target === "object")
      log.write(`# stdout (${bytes} bytes) written to ${target.file}, not logged\n`);
    log.write(
      `# ${ended.signal === null ? `exit ${ended.code}` : `ended by ${ended.signal}`}` +
        `${interruptedBy !== undefined ? " (interrupted)" : ""} after ${(durationMs / 1000).toFixed(1)} s\n`,
    );
    status = {
      ...base,
      ...(ended.pid !== undefined ? { pid: ended.pid } : {}),
      exit_code: ended.code,
      signal: ended.signal,
      stdout: target === "log" ? ended.out.stdoutTail.value() : "",
      stderr: ended.out.stderrTail.value(),
      stdout_bytes: bytes,
      write_problems: [],
    };
    const signalNumber =
      ended.signal === null
        ? undefined
        : (constants.signals as Record<string, number>)[ended.signal];
    exit = relayExitCode(ended.code, signalNumber);
  }
  captured?.close();
  log.close();
  status.write_problems = [log.problem, captured?.problem].filter(
    (p): p is RecordWriteProblem => p !== undefined,
  );
  writeStatus(request.statusFile, status);
  return exit;
}

/**
 * Logs a command that never started: crossform stopped before it could journal it, or a stop was
 * asked for before terraform could start.
 */
function notStarted(request: RelayRequest, stopped: boolean): void {
  const log = new PrivateFile(request.logFile, "a");
  const line = createRedactor(request.secrets ?? []).redactLine(
    commandLine(request.binary, request.args),
  );
  const reason = stopped
    ? "a stop was asked for before it could start"
    : "crossform stopped before it could record the command";
  log.write(`# ${new Date().toISOString()} ${line}\n# not started: ${reason}\n`);
  log.close();
}

async function main(): Promise<void> {
  const { request, go, stopped } = decodeInput(await readStdin());
  if (!request || !go) {
    if (request) notStarted(request, stopped);
    process.exitCode = RELAY_NO_REQUEST;
    return;
  }
  process.exitCode = await relay(request);
}

void main();
