/**
 * A checkout of one commit, for an apply that must run exactly what was committed
 * (docs/decisions/0028-apply-runs-the-commit.md): the commit's tree read into a temporary index
 * (`GIT_INDEX_FILE`, so the operator's own index and working tree are never touched) and written
 * with `git checkout-index` into `<cache>/<commit>`, which is made once per commit (in a temporary
 * directory renamed into place when complete) and reused by later applies of the same commit.
 * Git's filters apply as in any checkout; a submodule becomes a link to its checkout in the
 * working tree (the apply's clean-tree guard covers its contents). Checkouts not used for a day,
 * beyond the five most recent, are removed.
 */
import { randomBytes } from "node:crypto";
import { mkdir, readdir, rename, rm, stat, symlink, utimes } from "node:fs/promises";
import { dirname, join } from "node:path";
import { CrossformError } from "../../core/errors.ts";
import { git } from "./git-command.ts";
import type { GitOutput } from "./git-command.ts";

/** Checkouts kept whatever their age. */
const KEEP_NEWEST = 5;
/** Older checkouts are kept while used this recently. */
const KEEP_USED_MS = 24 * 3600 * 1000;

function failure(commit: string, step: string, result: GitOutput): CrossformError {
  return new CrossformError(
    "run/commit-checkout-failed",
    "external",
    `cannot check out commit ${commit} for the apply (git ${step}): ${result.stderr.trim() || `exit ${result.code}`}`,
    {
      hint: "check that `git checkout-index` works in this repository (git-lfs installed where the repository uses it), or pass --allow-dirty to apply the files on disk",
    },
  );
}

async function exists(path: string): Promise<boolean> {
  return stat(path).then(
    () => true,
    () => false,
  );
}

/** Writes the files of `commit` into `target` (which must not exist yet). */
async function writeCheckout(
  top: string,
  commit: string,
  target: string,
  env: Record<string, string | undefined>,
): Promise<void> {
  await mkdir(target, { recursive: true, mode: 0o700 });
  const withIndex = { ...env, GIT_INDEX_FILE: `${target}.index` };
  try {
    const read = await git(["read-tree", commit], top, withIndex);
    if (read.code !== 0) throw failure(commit, "read-tree", read);
    const out = await git(
      ["checkout-index", "--all", "--force", `--prefix=${target}/`],
      top,
      withIndex,
    );
    if (out.code !== 0) throw failure(commit, "checkout-index", out);
    const listed = await git(["ls-files", "--stage", "-z"], top, withIndex);
    if (listed.code !== 0) throw failure(commit, "ls-files", listed);
    for (const entry of listed.stdout.split("\0")) {
      // `<mode> <object> <stage>\t<path>`; 160000 is a submodule.
      const match = /^160000 [0-9a-f]+ \d\t(.+)$/.exec(entry);
      if (!match) continue;
      const path = match[1] as string;
      await mkdir(dirname(join(target, path)), { recursive: true });
      await rm(join(target, path), { recursive: true, force: true });
      await symlink(join(top, path), join(target, path));
    }
  } finally {
    await rm(`${target}.index`, { force: true });
  }
}

/** Removes checkouts beyond the newest few that were not used for a day (never `keep`). */
async function prune(cacheDir: string, keep: string): Promise<void> {
  const entries: { path: string; used: number }[] = [];
  for (const name of await readdir(cacheDir)) {
    const path = join(cacheDir, name);
    const info = await stat(path).catch(() => undefined);
    if (info?.isDirectory()) entries.push({ path, used: info.mtimeMs });
  }
  entries.sort((a, b) => b.used - a.used);
  const now = Date.now();
  for (const entry of entries.slice(KEEP_NEWEST)) {
    if (entry.path === keep || now - entry.used < KEEP_USED_MS) continue;
    await rm(entry.path, { recursive: true, force: true }).catch(() => undefined);
  }
}

/**
 * The checkout of `commit` of the repository holding `dir`, under `cacheDir`; see the module
 * comment. Returns its directory: the repository's root as of that commit.
 */
export async function checkoutCommit(
  dir: string,
  commit: string,
  cacheDir: string,
  env: Record<string, string | undefined>,
): Promise<string> {
  if (!/^[0-9a-f]{40,64}$/.test(commit)) {
    throw new CrossformError(
      "run/commit-checkout-failed",
      "internal",
      `"${commit}" is not a commit id`,
    );
  }
  const top = await git(["rev-parse", "--show-toplevel"], dir, env);
  if (top.code !== 0) throw failure(commit, "rev-parse", top);
  await mkdir(cacheDir, { recursive: true, mode: 0o700 });
  const target = join(cacheDir, commit);
  if (!(await exists(target))) {
    const partial = join(cacheDir, `.${commit}.${randomBytes(4).toString("hex")}`);
    try {
      await writeCheckout(top.stdout.trim(), commit, partial, env);
      await rename(partial, target).catch(async (error: NodeJS.ErrnoException) => {
        // Another run made the same checkout first: use it.
        if (!(await exists(target))) throw error;
      });
    } finally {
      await rm(partial, { recursive: true, force: true });
    }
  }
  const now = new Date();
  await utimes(target, now, now);
  await prune(cacheDir, target);
  return target;
}
