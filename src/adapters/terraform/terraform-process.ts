/**
 * One terraform child: argv only (never a shell), `detached` so that it leads a process group of
 * its own (a Ctrl-C on the terminal reaches crossform only, which forwards one interrupt to each
 * group), output split into lines, redacted and appended to the unit's 0600 log.
 *
 * Never `spawn({ signal })`: an aborted signal makes Node send SIGTERM to the child alone, not to
 * its group, and more than once is not prevented; stops go through {@link TerraformProcess}.
 */
import { spawn } from "node:child_process";
import type { ChildProcess } from "node:child_process";
import { createWriteStream, fchmodSync, mkdirSync, openSync } from "node:fs";
import type { WriteStream } from "node:fs";
import { dirname } from "node:path";
import { performance } from "node:perf_hooks";
import { finished } from "node:stream/promises";
import { CrossformError } from "../../core/errors.ts";
import type { Redactor } from "../../core/run/redact.ts";
import type {
  OutputLine,
  StdoutTarget,
  TerraformProcess,
  TerraformResult,
} from "../../ports/terraform-runner.ts";

/** The most of a logged stream's tail kept in a result. */
export const TAIL_LIMIT = 1024 * 1024;

/** Options of {@link startTerraformProcess}. */
export interface StartTerraformOptions {
  /** Binary name on the child's PATH, or a path. */
  binary: string;
  args: readonly string[];
  cwd: string;
  /** The child's whole environment (core/run/child-env.ts). */
  env: Record<string, string>;
  /** The log to append to; undefined = no log (`terraform version`). */
  logFile: string | undefined;
  /** @default "log" */
  stdout?: StdoutTarget;
  onLine?: (line: OutputLine) => void;
  /** One per process: it remembers the secrets it has seen. */
  redactor: Redactor;
}

/** Opens `path` for writing with mode 0600 whatever its previous mode, creating its directory 0700. */
function openPrivate(path: string, flags: "a" | "w"): WriteStream {
  mkdirSync(dirname(path), { recursive: true, mode: 0o700 });
  const fd = openSync(path, flags, 0o600);
  fchmodSync(fd, 0o600);
  const stream = createWriteStream(path, { fd, flags });
  // A failed write must not crash the process: it is reported when the stream is flushed.
  stream.on("error", () => undefined);
  return stream;
}

/** Ends `stream` unless a pipe already did, and waits until its bytes are written and it closed. */
async function flushed(stream: WriteStream | undefined): Promise<void> {
  if (stream === undefined) return;
  if (stream.errored) throw stream.errored;
  if (!stream.writableEnded) stream.end();
  await finished(stream);
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

function startFailure(binary: string, error: unknown): CrossformError {
  const code =
    error instanceof Error && "code" in error && typeof error.code === "string"
      ? error.code
      : undefined;
  if (code === "ENOENT") {
    return new CrossformError(
      "terraform/not-found",
      "user",
      `cannot run "${binary}": it is not on the PATH (or the unit's directory is missing)`,
      {
        hint: "install Terraform or OpenTofu, or set terraform.binary in crossform.yaml to its path",
        cause: error,
      },
    );
  }
  const reason = error instanceof Error ? error.message : String(error);
  return new CrossformError(
    "terraform/spawn-failed",
    "external",
    `cannot run "${binary}": ${reason}`,
    {
      hint: "check that the binary is executable and the unit's directories are writable",
      cause: error,
    },
  );
}

function signalGroup(child: ChildProcess, signal: NodeJS.Signals): boolean {
  if (child.pid === undefined) return false;
  try {
    process.kill(-child.pid, signal);
    return true;
  } catch {
    // The group is gone.
    return false;
  }
}

function commandLine(binary: string, args: readonly string[]): string {
  return [binary, ...args]
    .map((a) => (/^[A-Za-z0-9_./:=@+,-]+$/.test(a) ? a : `'${a.replace(/'/g, `'\\''`)}'`))
    .join(" ");
}

/** Starts one terraform command; see the module comment. */
export function startTerraformProcess(options: StartTerraformOptions): TerraformProcess {
  const target = options.stdout ?? "log";
  const { redactor } = options;
  const started = performance.now();
  let log: WriteStream | undefined;
  let stdoutFile: WriteStream | undefined;
  let child: ChildProcess;
  try {
    if (options.logFile !== undefined) {
      log = openPrivate(options.logFile, "a");
      log.write(
        `# ${new Date().toISOString()} ${redactor.redactLine(commandLine(options.binary, options.args))}\n` +
          `# in ${options.cwd}\n`,
      );
    }
    if (typeof target === "object") stdoutFile = openPrivate(target.file, "w");
    child = spawn(options.binary, [...options.args], {
      cwd: options.cwd,
      env: options.env,
      detached: true,
      stdio: ["ignore", "pipe", "pipe"],
    });
  } catch (error) {
    log?.destroy();
    stdoutFile?.destroy();
    const failure = startFailure(options.binary, error);
    return {
      pid: undefined,
      interrupt: () => false,
      kill: () => false,
      result: Promise.reject(failure),
    };
  }

  let exited = false;
  let interruptSent = false;
  let stdoutBytes = 0;
  const stdoutTail = new Tail();
  const stderrTail = new Tail();
  const captured: Buffer[] = [];

  const emit = (stream: OutputLine["stream"], lines: string[], tail: Tail): void => {
    for (const text of lines) {
      log?.write(`${text}\n`);
      tail.add(`${text}\n`);
      if (options.onLine) {
        try {
          options.onLine({ stream, text });
        } catch {
          // A listener's failure must not lose the log or the result.
        }
      }
    }
  };

  const stdout = child.stdout as NonNullable<ChildProcess["stdout"]>;
  const stderr = child.stderr as NonNullable<ChildProcess["stderr"]>;
  const stdoutLines = redactor.lineStream();
  const stderrLines = redactor.lineStream();
  if (target === "log") {
    stdout.setEncoding("utf8");
    stdout.on("data", (chunk: string) => {
      stdoutBytes += Buffer.byteLength(chunk);
      emit("stdout", stdoutLines.push(chunk), stdoutTail);
    });
  } else if (target === "capture") {
    stdout.on("data", (chunk: Buffer) => {
      stdoutBytes += chunk.length;
      captured.push(chunk);
    });
  } else {
    stdout.on("data", (chunk: Buffer) => {
      stdoutBytes += chunk.length;
    });
    const file = stdoutFile as WriteStream;
    // A pipe stops reading when its file fails; keep draining so that terraform never blocks.
    file.on("error", () => stdout.resume());
    stdout.pipe(file);
  }
  stderr.setEncoding("utf8");
  stderr.on("data", (chunk: string) => {
    emit("stderr", stderrLines.push(chunk), stderrTail);
  });

  const result = new Promise<TerraformResult>((resolve, reject) => {
    let settled = false;
    child.once("error", (error) => {
      if (settled) return;
      settled = true;
      exited = true;
      log?.write(`# could not start: ${error.message}\n`);
      const fail = (): void => reject(startFailure(options.binary, error));
      Promise.all([flushed(log), flushed(stdoutFile)]).then(fail, fail);
    });
    child.once("exit", () => {
      exited = true;
    });
    child.once("close", (code, signal) => {
      if (settled) return;
      settled = true;
      exited = true;
      const durationMs = performance.now() - started;
      if (target === "log") emit("stdout", stdoutLines.end(), stdoutTail);
      emit("stderr", stderrLines.end(), stderrTail);
      if (target === "capture") {
        log?.write(`# stdout (${stdoutBytes} bytes) captured, not logged\n`);
      } else if (typeof target === "object") {
        log?.write(`# stdout (${stdoutBytes} bytes) written to ${target.file}, not logged\n`);
      }
      const seconds = (durationMs / 1000).toFixed(1);
      log?.write(
        `# ${signal === null ? `exit ${code}` : `ended by ${signal}`}` +
          `${interruptSent ? " (interrupted)" : ""} after ${seconds} s\n`,
      );
      Promise.all([flushed(log), flushed(stdoutFile)]).then(
        () =>
          resolve({
            exitCode: code,
            signal,
            stdout:
              target === "log"
                ? stdoutTail.value()
                : target === "capture"
                  ? Buffer.concat(captured).toString("utf8")
                  : "",
            stderr: stderrTail.value(),
            stdoutBytes,
            interrupted: interruptSent,
            durationMs,
          }),
        (error: unknown) =>
          reject(
            new CrossformError(
              "terraform/log-failed",
              "external",
              `cannot write the output of ${options.binary} ${options.args[0] ?? ""}: ${error instanceof Error ? error.message : String(error)}`,
              { hint: "check that .crossform/ is writable and the disk is not full", cause: error },
            ),
          ),
      );
    });
  });

  return {
    get pid() {
      return child.pid;
    },
    interrupt(signal = "SIGINT") {
      if (interruptSent || exited) return false;
      interruptSent = signalGroup(child, signal);
      if (interruptSent)
        log?.write(`# ${new Date().toISOString()} sent ${signal} to the process group\n`);
      return interruptSent;
    },
    kill() {
      if (exited) return false;
      const sent = signalGroup(child, "SIGKILL");
      if (sent) log?.write(`# ${new Date().toISOString()} sent SIGKILL to the process group\n`);
      return sent;
    },
    result,
  };
}
