import type { GitStatus } from "../../src/ports/git.ts";

/** A {@link GitStatus} that answers what a test sets: by default a clean repository. */
export class FakeGitStatus implements GitStatus {
  answer: { kind: "outside" } | { kind: "repository"; changed: string[] } = {
    kind: "repository",
    changed: [],
  };
  /** Directories asked about. */
  readonly asked: string[] = [];

  /** What `changedSince` answers (absolute paths). */
  changed: string[] = [];
  readonly refs: string[] = [];

  async changedSince(_dir: string, ref: string) {
    this.refs.push(ref);
    return this.changed;
  }

  async status(dir: string) {
    this.asked.push(dir);
    return this.answer;
  }
}
