/**
 * {@link GitStatus} through the `git` command: `git status --porcelain=v1 -z`, argv only, never a
 * shell. A missing `git` binary inside a repository is an error that says how to go on.
 */
import { execFile } from "node:child_process";
import { CrossformError } from "../../core/errors.ts";
import type { GitStatus } from "../../ports/git.ts";

/** Runs git with `args` in `cwd`; resolves with its exit code and output. */
function git(
  args: string[],
  cwd: string,
  env: Record<string, string | undefined>,
): Promise<{ code: number; stdout: string; stderr: string; missing: boolean }> {
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

/** Paths of `git status --porcelain=v1 -z` output, renames as their new path. */
export function parsePorcelainZ(output: string): string[] {
  const fields = output.split("\0");
  const paths: string[] = [];
  for (let i = 0; i < fields.length; i += 1) {
    const entry = fields[i] as string;
    if (entry.length < 4) continue;
    const status = entry.slice(0, 2);
    paths.push(entry.slice(3));
    // A rename or copy carries its original path in the next field.
    if (status.includes("R") || status.includes("C")) i += 1;
  }
  return paths;
}

/** Git status through the `git` binary on the PATH. */
export class GitCliStatus implements GitStatus {
  private readonly env: Record<string, string | undefined>;

  /** @param env the environment git runs with (the operator's). */
  constructor(env: Record<string, string | undefined>) {
    this.env = env;
  }

  async status(
    dir: string,
  ): Promise<{ kind: "outside" } | { kind: "repository"; changed: string[] }> {
    const inside = await git(["rev-parse", "--is-inside-work-tree"], dir, this.env);
    if (inside.missing) {
      throw new CrossformError(
        "run/git-missing",
        "external",
        "git is not on the PATH: crossform cannot tell whether the working tree has uncommitted changes",
        { hint: "install git, or pass --allow-dirty to apply what is on disk" },
      );
    }
    if (inside.code !== 0 || inside.stdout.trim() !== "true") return { kind: "outside" };
    const status = await git(
      ["status", "--porcelain=v1", "-z", "--untracked-files=all"],
      dir,
      this.env,
    );
    if (status.code !== 0) {
      throw new CrossformError(
        "run/git-status-failed",
        "external",
        `git status failed in ${dir}: ${status.stderr.trim() || `exit ${status.code}`}`,
        { hint: "fix the repository so that `git status` works, or pass --allow-dirty" },
      );
    }
    const changed = parsePorcelainZ(status.stdout).filter(
      (path) => !path.split("/").includes(".crossform"),
    );
    return { kind: "repository", changed };
  }
}
