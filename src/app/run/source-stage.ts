/**
 * What the units of a run read (docs/decisions/0028-apply-runs-the-commit.md). An apply runs the
 * commit it names: once the guards found the working tree committed, the files of HEAD are checked
 * out under `.crossform/commits/<commit>/` and every unit's working directory mirrors that
 * checkout, so that an edit made while the apply runs (or a checkout of another branch) never
 * reaches a unit, re-planned ones included, and the record names the commit that ran. With
 * `--allow-dirty` (and for plan, drift, output and destroy) the units read the working tree, and
 * the record says so.
 */
import { join, relative } from "node:path";
import { CrossformError } from "../../core/errors.ts";
import type { Unit } from "../../core/units/units.ts";
import type { LoadedConfig } from "../load-config.ts";
import { gitCommit } from "./repository-info.ts";
import { crossformDir } from "./run-records.ts";
import type { RunDeps, RunOptions } from "./run-types.ts";
import { stop } from "./stop.ts";
import type { Stop } from "./stop.ts";

/** What the units of a run read. */
export interface RunSource {
  /** `commit`: a checkout of {@link RunSource.commit}; `working-tree`: the files on disk. */
  kind: "commit" | "working-tree";
  /** The commit run, or HEAD when the units read the working tree (undefined outside git). */
  commit: string | undefined;
  /** The checkout's root (the repository's root as of the commit), for `commit`. */
  root?: string;
}

/** The directory of the checkouts of commits. */
export function commitsDir(configDir: string): string {
  return join(crossformDir(configDir), "commits");
}

/**
 * A stack's `.terraform.lock.hcl` that the commit lacks but the working tree has (crossform wrote
 * it in this run's preflight, or git ignores it) is copied into the checkout: without it no unit
 * of the stack could init (`-lockfile=readonly`). It pins provider checksums, nothing else.
 */
async function carryLockFiles(
  deps: Pick<RunDeps, "fs" | "writer">,
  loaded: LoadedConfig,
  units: readonly Unit[],
  top: string,
  root: string,
): Promise<void> {
  for (const name of new Set(units.map((u) => u.stack))) {
    const stack = loaded.config.stacks.get(name);
    if (!stack) continue;
    const live = join(loaded.dir, stack.path, ".terraform.lock.hcl");
    const inCheckout = join(
      root,
      relative(top, join(loaded.dir, stack.path)),
      ".terraform.lock.hcl",
    );
    if ((await deps.fs.exists(inCheckout)) || !(await deps.fs.exists(live))) continue;
    await deps.writer.writeAtomic(inCheckout, await deps.fs.readText(live));
  }
}

/** The source of a run: a checkout of HEAD for an apply without `--allow-dirty`, else the tree. */
export async function sourceStage(
  deps: Pick<RunDeps, "fs" | "writer" | "git">,
  loaded: LoadedConfig,
  units: readonly Unit[],
  options: RunOptions,
): Promise<RunSource | Stop> {
  const workingTree = async (): Promise<RunSource> => ({
    kind: "working-tree",
    commit: await gitCommit(deps.fs, loaded.dir),
  });
  if (options.command !== "apply" || options.allowDirty === true) return workingTree();
  const head = await deps.git.head(loaded.dir);
  if (head === undefined) return workingTree();
  const { commit } = head;
  try {
    const root = await deps.git.checkoutCommit(loaded.dir, commit, commitsDir(loaded.dir));
    await carryLockFiles(deps, loaded, units, head.root, root);
    return { kind: "commit", commit, root };
  } catch (error) {
    if (!(error instanceof CrossformError)) throw error;
    return stop("problems", [
      {
        severity: "error",
        code: error.code,
        message: `${error.message}; nothing was run`,
        ...(error.hint !== undefined ? { hint: error.hint } : {}),
      },
    ]);
  }
}
