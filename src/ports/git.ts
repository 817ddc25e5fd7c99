/**
 * What the run commands ask of git: whether the working tree holds changes not committed, which
 * files changed since a ref, the commit HEAD names, and a checkout of that commit for an apply
 * (docs/decisions/0028-apply-runs-the-commit.md).
 */
export interface GitStatus {
  /**
   * The state of the working tree that holds `dir`: `outside` when `dir` is in no git repository;
   * else the repository-relative paths of tracked files with uncommitted changes and of untracked
   * files git does not ignore (crossform's own `.crossform/` directories left out).
   */
  status(dir: string): Promise<{ kind: "outside" } | { kind: "repository"; changed: string[] }>;
  /**
   * Absolute paths of the files that differ between `ref` and the working tree of the repository
   * holding `dir` (committed, staged and unstaged changes, deletions, and untracked files git does
   * not ignore). Rejects with a user error when `dir` is outside git or `ref` is unknown.
   */
  changedSince(dir: string, ref: string): Promise<string[]>;
  /**
   * The commit HEAD names in the repository holding `dir`, and the root of its working tree
   * (absolute); undefined outside git or before the first commit.
   */
  head(dir: string): Promise<{ commit: string; root: string } | undefined>;
  /**
   * A checkout of `commit` of the repository holding `dir`: its files as committed (symbolic links
   * as links, executable bits kept, git's filters applied; a submodule as a link to its checkout in
   * the working tree), in a directory under `cacheDir` made once per commit, reused, and never
   * changed afterwards; the operator's index and working tree are not touched. Resolves with that
   * directory (the repository's root as of the commit); rejects with `run/commit-checkout-failed`.
   */
  checkoutCommit(dir: string, commit: string, cacheDir: string): Promise<string>;
  /**
   * The committed versions of `paths` (absolute) in the history of HEAD, newest first, by path; a
   * path git never committed has none. Empty outside git (never rejects).
   */
  fileHistory(dir: string, paths: readonly string[]): Promise<Map<string, FileVersion[]>>;
}

/** One committed version of a file. */
export interface FileVersion {
  commit: string;
  text: string;
}
