import { cp, mkdir, readdir } from "node:fs/promises";
import { join } from "node:path";
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

  /** What `head` answers; undefined = no commit. */
  commit: string | undefined = undefined;
  /**
   * The tree `checkoutCommit` copies as the commit's files (default: the directory asked about,
   * as it is when the checkout is made); each checkout asked for, in order.
   */
  committedTree: string | undefined = undefined;
  readonly checkouts: { dir: string; commit: string; cacheDir: string }[] = [];

  /** What `fileHistory` answers, by absolute path. */
  history = new Map<string, { commit: string; text: string }[]>();

  async fileHistory(_dir: string, paths: readonly string[]) {
    return new Map(paths.flatMap((p) => (this.history.has(p) ? [[p, this.history.get(p)!]] : [])));
  }

  async changedSince(_dir: string, ref: string) {
    this.refs.push(ref);
    return this.changed;
  }

  async status(dir: string) {
    this.asked.push(dir);
    return this.answer;
  }

  async head(dir: string) {
    return this.commit === undefined ? undefined : { commit: this.commit, root: dir };
  }

  async checkoutCommit(dir: string, commit: string, cacheDir: string) {
    this.checkouts.push({ dir, commit, cacheDir });
    const target = join(cacheDir, commit);
    await mkdir(target, { recursive: true });
    const tree = this.committedTree ?? dir;
    for (const name of await readdir(tree)) {
      if (name !== ".crossform")
        await cp(join(tree, name), join(target, name), { recursive: true });
    }
    return target;
  }
}
