/** One git command: argv only (never a shell), in a directory, with the operator's environment. */
import { execFile } from "node:child_process";

/** What a git command printed and returned; `missing` when git is not on the PATH. */
export interface GitOutput {
  code: number;
  stdout: string;
  stderr: string;
  missing: boolean;
}

/** Runs git with `args` in `cwd`; resolves with its exit code and output, never rejects. */
export function git(
  args: string[],
  cwd: string,
  env: Record<string, string | undefined>,
): Promise<GitOutput> {
  return new Promise((resolve) => {
    execFile(
      "git",
      args,
      { cwd, env: { ...env, GIT_OPTIONAL_LOCKS: "0", LC_ALL: "C" }, maxBuffer: 64 * 1024 * 1024 },
      (error, stdout, stderr) => {
        const code = error === null ? 0 : typeof error.code === "number" ? error.code : 1;
        const missing = error !== null && (error as NodeJS.ErrnoException).code === "ENOENT";
        resolve({ code, stdout: String(stdout), stderr: String(stderr), missing });
      },
    );
  });
}
