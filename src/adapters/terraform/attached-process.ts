/**
 * A terraform command attached to the operator's terminal (`crossform exec -- console`): its
 * stdin, stdout and stderr are crossform's own, and it stays in crossform's process group, the
 * terminal's foreground group, so that it can read the terminal (a process of another group that
 * reads it is stopped by SIGTTIN) and gets the terminal's Ctrl-C directly. Nothing passes through
 * crossform, so nothing of its output is logged: the unit's log notes the command, its directory
 * and its exit. It is the one terraform crossform starts without a relay that could also change
 * something, and only ever for one unit with an operator at the terminal
 * (docs/commands/exec.md, "Interactive subcommands").
 */
import { spawn } from "node:child_process";
import { performance } from "node:perf_hooks";
import { createRedactor } from "../../core/run/redact.ts";
import type { AttachedCommand, AttachedResult } from "../../ports/terraform-runner.ts";
import { PrivateFile } from "./private-file.ts";
import { commandLine } from "./relay-protocol.ts";
import { startFailure } from "./start-failure.ts";

/** Options of {@link runAttached}. */
export interface AttachedProcessOptions extends AttachedCommand {
  binary: string;
  /** The child's whole environment (core/run/child-env.ts). */
  env: Record<string, string>;
  /** Values redacted from the log's header. */
  secrets: readonly string[];
}

/** Runs an attached command to its end; see the module comment. */
export function runAttached(options: AttachedProcessOptions): Promise<AttachedResult> {
  const redactor = createRedactor(options.secrets);
  const log = new PrivateFile(options.logFile, "a");
  const note = (text: string): void => log.write(`# ${new Date().toISOString()} ${text}\n`);
  note(redactor.redactLine(commandLine(options.binary, options.args)));
  log.write(`# in ${options.cwd}\n# attached to the terminal: its output is not logged\n`);
  const started = performance.now();
  return new Promise<AttachedResult>((resolve, reject) => {
    let interrupted = false;
    let settled = false;
    const child = spawn(options.binary, [...options.args], {
      cwd: options.cwd,
      env: options.env,
      stdio: "inherit",
    });
    const onAbort = (): void => {
      if (interrupted) return;
      interrupted = child.kill("SIGTERM");
      if (interrupted) note("sent SIGTERM");
    };
    if (child.pid !== undefined) options.onStart?.(child.pid);
    if (options.signal?.aborted) onAbort();
    else options.signal?.addEventListener("abort", onAbort, { once: true });
    child.once("error", (error) => {
      if (settled) return;
      settled = true;
      options.signal?.removeEventListener("abort", onAbort);
      log.write(`# could not start: ${error.message}\n`);
      log.close();
      reject(startFailure(options.binary, error));
    });
    child.once("exit", (code, signal) => {
      if (settled) return;
      settled = true;
      options.signal?.removeEventListener("abort", onAbort);
      const durationMs = performance.now() - started;
      log.write(
        `# ${signal === null ? `exit ${code}` : `ended by ${signal}`}${interrupted ? " (interrupted)" : ""} after ${(durationMs / 1000).toFixed(1)} s\n`,
      );
      log.close();
      resolve({ exitCode: code, signal, interrupted, durationMs });
    });
  });
}
