import type { LintSourceKind, LintSourceRead } from "../core/lint/file-facts.ts";

/** One file lint wants read. */
export interface LintSourceRequest {
  /** Where it is (absolute, or relative to the process's directory). */
  path: string;
  /** How findings name it: repository-relative POSIX. */
  display: string;
  kind: LintSourceKind;
}

/**
 * Reads, parses and takes the facts of many files at once (`core/lint/file-facts.ts`), possibly in
 * worker threads: what comes back is the facts of each file, never its syntax tree. A file that
 * cannot be read comes back as a Terraform file with one syntax error naming the reason; the
 * promise rejects only when the reader itself breaks.
 */
export interface LintSourceReader {
  /**
   * Results in the order of `files`. `ruleIds` are the registry rules whose per-file facts to
   * take (`LintRule.collect`).
   */
  read(files: LintSourceRequest[], ruleIds: string[]): Promise<LintSourceRead[]>;
}
