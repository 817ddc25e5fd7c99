/**
 * Facts about the repository around crossform.yaml, read from files (no git process): the
 * current commit for run reports, and whether `.crossform/` is ignored by git.
 */
import { dirname, join, relative, sep } from "node:path";
import { crossformIgnoreVerdict } from "../../core/gitignore.ts";
import type { FileSystem } from "../../ports/file-system.ts";

/** The nearest directory at or above `dir` holding `.git`, or undefined. */
export async function gitRoot(fs: FileSystem, dir: string): Promise<string | undefined> {
  let current = dir;
  for (;;) {
    if (await fs.exists(join(current, ".git"))) return current;
    const parent = dirname(current);
    if (parent === current) return undefined;
    current = parent;
  }
}

/** The commit HEAD points at, or undefined outside git (or in a worktree whose HEAD cannot be read). */
export async function gitCommit(fs: FileSystem, dir: string): Promise<string | undefined> {
  const root = await gitRoot(fs, dir);
  if (!root) return undefined;
  const gitDir = join(root, ".git");
  try {
    const head = (await fs.readText(join(gitDir, "HEAD"))).trim();
    if (/^[0-9a-f]{40,64}$/.test(head)) return head;
    const ref = /^ref: (.+)$/.exec(head)?.[1];
    if (!ref) return undefined;
    const refFile = join(gitDir, ref);
    if (await fs.exists(refFile)) return (await fs.readText(refFile)).trim();
    const packed = join(gitDir, "packed-refs");
    if (!(await fs.exists(packed))) return undefined;
    for (const line of (await fs.readText(packed)).split("\n")) {
      const [sha, name] = line.trim().split(" ");
      if (name === ref && sha) return sha;
    }
  } catch {
    return undefined;
  }
  return undefined;
}

/**
 * Whether the `.gitignore` files from the config directory up to the git root ignore its
 * `.crossform/` (the deepest file that speaks of it decides, as git reads them). Outside git there
 * is nothing to leak into, so it counts as covered.
 */
export async function gitignoreCoversCrossform(
  fs: FileSystem,
  configDir: string,
): Promise<boolean> {
  const root = await gitRoot(fs, configDir);
  if (!root) return true;
  let current = configDir;
  for (;;) {
    const file = join(current, ".gitignore");
    if (await fs.exists(file)) {
      const rel = relative(current, configDir).split(sep).join("/");
      const verdict = crossformIgnoreVerdict(await fs.readText(file), rel);
      if (verdict !== undefined) return verdict;
    }
    if (current === root) return false;
    const parent = dirname(current);
    if (parent === current) return false;
    current = parent;
  }
}
