/**
 * {@link GitStatus} through the `git` command: `git status --porcelain=v1 -z`, `rev-parse`, `diff`,
 * and checkouts of a commit (commit-checkout.ts), argv only, never a shell. A missing `git` binary
 * inside a repository is an error that says how to go on.
 */
import { join } from "node:path";
import { CrossformError } from "../../core/errors.ts";
import type { FileVersion, GitStatus } from "../../ports/git.ts";
import { checkoutCommit } from "./commit-checkout.ts";
import { fileHistory } from "./file-history.ts";
import { git } from "./git-command.ts";

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

  async head(dir: string): Promise<{ commit: string; root: string } | undefined> {
    const head = await git(["rev-parse", "--verify", "--quiet", "HEAD^{commit}"], dir, this.env);
    const top = await git(["rev-parse", "--show-toplevel"], dir, this.env);
    const [commit, root] = [head.stdout.trim(), top.stdout.trim()];
    if (head.code !== 0 || top.code !== 0 || commit === "" || root === "") return undefined;
    return { commit, root };
  }

  fileHistory(dir: string, paths: readonly string[]): Promise<Map<string, FileVersion[]>> {
    return fileHistory(dir, paths, this.env);
  }

  checkoutCommit(dir: string, commit: string, cacheDir: string): Promise<string> {
    return checkoutCommit(dir, commit, cacheDir, this.env);
  }

  async changedSince(dir: string, ref: string): Promise<string[]> {
    const top = await git(["rev-parse", "--show-toplevel"], dir, this.env);
    if (top.missing || top.code !== 0) {
      throw new CrossformError(
        "run/changed-since-outside-git",
        "user",
        `--changed-since ${ref}: ${dir} is not in a git repository${top.missing ? " (or git is not on the PATH)" : ""}`,
        { hint: "run from a git checkout, or select units with stacks, --target or --all" },
      );
    }
    const root = top.stdout.trim();
    const verified = await git(
      ["rev-parse", "--verify", "--quiet", `${ref}^{commit}`],
      dir,
      this.env,
    );
    if (verified.code !== 0) {
      throw new CrossformError(
        "run/unknown-ref",
        "user",
        `--changed-since ${ref}: git knows no commit by that name`,
        {
          hint: "name a branch, tag or commit (fetch it first in a shallow CI clone: git fetch origin main)",
        },
      );
    }
    const diff = await git(
      ["diff", "--name-only", "-z", "--no-renames", verified.stdout.trim(), "--"],
      dir,
      this.env,
    );
    const untracked = await git(
      ["ls-files", "--others", "--exclude-standard", "-z", "--full-name", "--", ":/"],
      dir,
      this.env,
    );
    if (diff.code !== 0 || untracked.code !== 0) {
      throw new CrossformError(
        "run/git-diff-failed",
        "external",
        `git diff against ${ref} failed: ${(diff.stderr || untracked.stderr).trim()}`,
        { hint: "check that `git diff --name-only REF` works in this repository" },
      );
    }
    const paths = [...diff.stdout.split("\0"), ...untracked.stdout.split("\0")].filter(
      (p) => p !== "",
    );
    return [...new Set(paths)].map((p) => join(root, p));
  }
}
