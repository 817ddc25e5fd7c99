/** What the run commands ask of git: whether the working tree holds changes not committed. */
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
}
