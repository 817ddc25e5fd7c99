/**
 * A short command whose output crossform reads whole, with no log and no relay: `terraform
 * version`. It changes nothing, so losing it with crossform loses nothing; argv only, its own
 * process group, its stderr redacted.
 */
import { spawn } from "node:child_process";
import { createRedactor } from "../../core/run/redact.ts";
import { startFailure } from "./terraform-process.ts";

/** How a captured command ended. */
export interface CapturedCommand {
  exitCode: number | null;
  signal: string | null;
  stdout: string;
  /** Redacted. */
  stderr: string;
}

/** Runs `binary args` in `cwd` with `env` and collects its output; rejects when it cannot start. */
export function captureCommand(
  binary: string,
  args: readonly string[],
  cwd: string,
  env: Record<string, string>,
  secrets: readonly string[],
): Promise<CapturedCommand> {
  return new Promise((resolve, reject) => {
    let stdout = "";
    let stderr = "";
    let child;
    try {
      child = spawn(binary, [...args], {
        cwd,
        env,
        detached: true,
        stdio: ["ignore", "pipe", "pipe"],
      });
    } catch (error) {
      reject(startFailure(binary, error));
      return;
    }
    child.stdout.setEncoding("utf8").on("data", (d: string) => (stdout += d));
    child.stderr.setEncoding("utf8").on("data", (d: string) => (stderr += d));
    child.once("error", (error) => reject(startFailure(binary, error)));
    child.once("close", (exitCode, signal) =>
      resolve({
        exitCode,
        signal,
        stdout,
        stderr: createRedactor(secrets).redactText(stderr),
      }),
    );
  });
}
