import { spawn } from "node:child_process";
import { fileURLToPath } from "node:url";

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
