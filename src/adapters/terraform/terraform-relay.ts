/**
 * The relay of one terraform command (docs/decisions/0020-terraform-outlives-crossform.md): a
 * small program crossform starts for each command, detached into a session and process group of
 * its own, with stdout and stderr on /dev/null and stdin a pipe crossform closes once it has
 * written the request. It runs terraform with pipes that it alone reads, redacts each line into
 * the unit's 0600 log, streams captured stdout (`output -json`, `show -json`) into its 0600 file,
 * and writes terraform's exit status next to the log when terraform ends.
 *
 * Nothing of crossform reaches it once started: when crossform is killed, runs out of memory or
 * loses its terminal, terraform goes on writing into pipes that are still read, finishes (or stops
 * gracefully) and saves its state. The signals crossform means for terraform go to the process
 * group, which the relay leads: it ignores them (notes them for the log) and goes on relaying
 * until terraform has exited.
 */
import { spawn } from "node:child_process";
import type { ChildProcess } from "node:child_process";
import {
  closeSync,
  fchmodSync,
  mkdirSync,
  openSync,
  renameSync,
  unlinkSync,
  writeSync,
} from "node:fs";
import { constants } from "node:os";
import { dirname } from "node:path";
import { performance } from "node:perf_hooks";
import { StringDecoder } from "node:string_decoder";
import { createRedactor } from "../../core/run/redact.ts";
import type { Redactor } from "../../core/run/redact.ts";
import {
  captureFileOf,
  commandLine,
  decodeInput,
  RELAY_NO_REQUEST,
  RELAY_START_FAILED,
  relayExitCode,
} from "./relay-protocol.ts";
import type { RelayRequest, RelayStatus, RelayWriteProblem } from "./relay-protocol.ts";

/** The most of a stream's tail kept in the status file. */
const TAIL_LIMIT = 1024 * 1024;

let interruptedBy: string | undefined;
for (const signal of ["SIGINT", "SIGTERM", "SIGHUP"] as const) {
  process.on(signal, () => {
    interruptedBy ??= signal;
  });
}

function errorCode(error: unknown): string | undefined {
  return error instanceof Error && "code" in error && typeof error.code === "string"
    ? error.code
    : undefined;
}

function problemOf(path: string, error: unknown): RelayWriteProblem {
  const code = errorCode(error);
  return {
    path,
    ...(code !== undefined ? { code } : {}),
    message: error instanceof Error ? error.message : String(error),
  };
}

/**
 * A file written with plain synchronous writes, 0600 whatever its mode was, its directory created
 * 0700. The first failure (a full disk, a read-only file system) is kept and later writes are
 * dropped: terraform's pipes are drained whatever the disk does.
 */
class PrivateFile {
  readonly path: string;
  private fd: number | undefined;
  problem: RelayWriteProblem | undefined;

  constructor(path: string, flags: "a" | "w") {
    this.path = path;
    try {
      mkdirSync(dirname(path), { recursive: true, mode: 0o700 });
      this.fd = openSync(path, flags, 0o600);
      fchmodSync(this.fd, 0o600);
    } catch (error) {
      this.problem = problemOf(path, error);
    }
  }

  write(data: string | Buffer): void {
    if (this.fd === undefined || this.problem) return;
    const bytes = typeof data === "string" ? Buffer.from(data) : data;
    try {
      for (let done = 0; done < bytes.length;)
        done += writeSync(this.fd, bytes, done, bytes.length - done);
    } catch (error) {
      this.problem = problemOf(this.path, error);
    }
  }

  close(): void {
    if (this.fd === undefined) return;
    try {
      closeSync(this.fd);
    } catch (error) {
      this.problem ??= problemOf(this.path, error);
    }
    this.fd = undefined;
  }
}

/** Keeps the last {@link TAIL_LIMIT} characters of a growing text. */
class Tail {
  private text = "";
  add(piece: string): void {
    this.text += piece;
    if (this.text.length > 2 * TAIL_LIMIT) this.text = this.text.slice(-TAIL_LIMIT);
  }
  value(): string {
    return this.text.length > TAIL_LIMIT ? this.text.slice(-TAIL_LIMIT) : this.text;
  }
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
function writeStatus(path: string, status: RelayStatus): RelayWriteProblem | undefined {
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
): { finish(): void; stdoutTail: Tail; stderrTail: Tail; stdoutBytes(): number } {
  const stdoutTail = new Tail();
  const stderrTail = new Tail();
  let stdoutBytes = 0;
  const emit = (lines: string[], tail: Tail): void => {
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
  const parent = process.ppid;
  const redactor = createRedactor(request.secrets ?? []);
  const startedAt = new Date();
  const started = performance.now();
  const log = new PrivateFile(request.logFile, "a");
  log.write(
    `# ${startedAt.toISOString()} ${redactor.redactLine(commandLine(request.binary, request.args))}\n` +
      `# in ${request.cwd}\n`,
  );
  const target = request.stdout ?? "log";
  const capturePath =
    target === "log"
      ? undefined
      : target === "capture"
        ? captureFileOf(request.logFile)
        : target.file;
  const captured = capturePath === undefined ? undefined : new PrivateFile(capturePath, "w");

  const ended = await new Promise<
    | {
        kind: "exit";
        pid: number | undefined;
        code: number | null;
        signal: string | null;
        out: ReturnType<typeof relayOutput>;
      }
    | { kind: "start-error"; error: unknown }
  >((resolve) => {
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
  } else {
    ended.out.finish();
    const bytes = ended.out.stdoutBytes();
    if (target === "capture") log.write(`# stdout (${bytes} bytes) captured, not logged\n`);
    else if (typeof target === "object")
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
  // Captured output holds values terraform marks sensitive: nobody reads it once crossform is gone.
  if (target === "capture" && capturePath !== undefined && process.ppid !== parent) {
    try {
      unlinkSync(capturePath);
      log.write("# crossform is gone: the captured stdout was removed unread\n");
    } catch {
      // never written
    }
  }
  log.close();
  status.write_problems = [log.problem, captured?.problem].filter(
    (p): p is RelayWriteProblem => p !== undefined,
  );
  writeStatus(request.statusFile, status);
  return exit;
}

/** Logs a command that never started because crossform stopped before it could journal it. */
function notStarted(request: RelayRequest): void {
  const log = new PrivateFile(request.logFile, "a");
  const line = createRedactor(request.secrets ?? []).redactLine(
    commandLine(request.binary, request.args),
  );
  log.write(
    `# ${new Date().toISOString()} ${line}\n# not started: crossform stopped before it could record the command\n`,
  );
  log.close();
}

async function main(): Promise<void> {
  const { request, go } = decodeInput(await readStdin());
  if (!request || !go) {
    if (request) notStarted(request);
    process.exitCode = RELAY_NO_REQUEST;
    return;
  }
  process.exitCode = await relay(request);
}

void main();
