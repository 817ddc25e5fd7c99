/** What the run commands ask of git: whether the working tree holds changes not committed. */
export interface GitStatus {
  /**
   * The state of the working tree that holds `dir`: `outside` when `dir` is in no git repository;
   * else the repository-relative paths of tracked files with uncommitted changes and of untracked
   * files git does not ignore (crossform's own `.crossform/` directories left out).
   */
  status(dir: string): Promise<{ kind: "outside" } | { kind: "repository"; changed: string[] }>;
}
