/**
 * A terraform command whose stdout crossform captures: `show -json` of a saved plan, `output
 * -json`, `version`. It only reads (no state lock, no state write, no plugin install), and its
 * output is of use only to the crossform waiting for it, so it runs directly with pipes and no
 * relay (docs/decisions/0027-terraform-outlives-crossform.md): should crossform die, so may it,
 * and nothing is lost. It still leads a process group of its own (a Ctrl-C on the terminal reaches
 * crossform alone). Its stderr is redacted line by line into the unit's log; its stdout is kept
 * whole in memory and never written to disk (it holds the values Terraform marks sensitive).
 */
import { spawn } from "node:child_process";
import type { ChildProcess } from "node:child_process";
import { performance } from "node:perf_hooks";
import { createRedactor } from "../../core/run/redact.ts";
import type {
  OutputLine,
  TerraformProcess,
  TerraformResult,
} from "../../ports/terraform-runner.ts";
import { groupStops, notStarted } from "./group-stops.ts";
import { OutputTail, PrivateFile } from "./private-file.ts";
import { commandLine } from "./relay-protocol.ts";
import { startFailure } from "./start-failure.ts";

/** Options of {@link startCapturedProcess}. */
export interface CapturedProcessOptions {
  binary: string;
  args: readonly string[];
  cwd: string;
  env: Record<string, string>;
  /** The log its stderr goes to; undefined: none (`terraform version`). */
  logFile: string | undefined;
  onLine?: (line: OutputLine) => void;
  /** Called with the pid once it started; not awaited (the command changes nothing). */
  beforeStart?: (pid: number) => Promise<void>;
  secrets: readonly string[];
}

/** Starts a captured command; see the module comment. */
export function startCapturedProcess(options: CapturedProcessOptions): TerraformProcess {
  const redactor = createRedactor(options.secrets);
  const started = performance.now();
  const log = options.logFile === undefined ? undefined : new PrivateFile(options.logFile, "a");
  const note = (text: string): void => log?.write(`# ${new Date().toISOString()} ${text}\n`);
  note(redactor.redactLine(commandLine(options.binary, options.args)));
  log?.write(`# in ${options.cwd}\n`);
  let child: ChildProcess;
  try {
    child = spawn(options.binary, [...options.args], {
      cwd: options.cwd,
      env: options.env,
      detached: true,
      stdio: ["ignore", "pipe", "pipe"],
    });
  } catch (error) {
    log?.close();
    return notStarted(startFailure(options.binary, error));
  }
  if (child.pid !== undefined) options.beforeStart?.(child.pid).catch(() => undefined);
  const captured: Buffer[] = [];
  const stderrTail = new OutputTail();
  const stderrLines = redactor.lineStream();
  const emit = (lines: string[]): void => {
    for (const text of lines) {
      log?.write(`${text}\n`);
      stderrTail.add(`${text}\n`);
      try {
        options.onLine?.({ text });
      } catch {
        // A listener's failure must not lose the log or the result.
      }
    }
  };
  (child.stdout as NonNullable<ChildProcess["stdout"]>).on("data", (chunk: Buffer) =>
    captured.push(chunk),
  );
  const stderr = child.stderr as NonNullable<ChildProcess["stderr"]>;
  stderr.setEncoding("utf8");
  stderr.on("data", (chunk: string) => emit(stderrLines.push(chunk)));

  const stops = groupStops(child, note);
  const result = new Promise<TerraformResult>((resolve, reject) => {
    let settled = false;
    child.once("error", (error) => {
      if (settled) return;
      settled = true;
      stops.ended();
      log?.write(`# could not start: ${error.message}\n`);
      log?.close();
      reject(startFailure(options.binary, error));
    });
    child.once("close", (code, signal) => {
      if (settled) return;
      settled = true;
      stops.ended();
      const durationMs = performance.now() - started;
      emit(stderrLines.end());
      const stdout = Buffer.concat(captured);
      log?.write(`# stdout (${stdout.length} bytes) captured, not logged\n`);
      log?.write(
        `# ${signal === null ? `exit ${code}` : `ended by ${signal}`}` +
          `${stops.interrupted ? " (interrupted)" : ""} after ${(durationMs / 1000).toFixed(1)} s\n`,
      );
      log?.close();
      resolve({
        exitCode: code,
        signal,
        stdout: stdout.toString("utf8"),
        stderr: stderrTail.value(),
        stdoutBytes: stdout.length,
        interrupted: stops.interrupted,
        durationMs,
        writeProblems: log?.problem ? [log.problem] : [],
      });
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
