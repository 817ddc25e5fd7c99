/**
 * A unit's inputs (docs/commands/run.md, "--changed-since REF"): every file under its stack's
 * directory and under every local module the stack calls (the module graph, followed through `./`
 * and `../` sources), except the other units' generated `backends/` and `targets/` files. Whole
 * subtrees count (a template read with `file()` lives there too): counting a file too many is
 * safe, missing one is not. `--changed-since` selects the units a change touches; the reviewed
 * plans of CI are bound to the digest of a unit's inputs at a commit ("the unit's commit tree").
 */
import { createHash } from "node:crypto";
import { join, relative, sep } from "node:path";
import type { Unit } from "../../core/units/units.ts";
import type { FileSystem } from "../../ports/file-system.ts";
import type { HclParser } from "../../ports/hcl-parser.ts";
import { buildModuleGraph } from "../module-graph.ts";

/** A stack's directory and the local module directories it calls (absolute). */
export interface StackInputDirs {
  stackDir: string;
  moduleDirs: string[];
}

/** The directories whose files are a stack's inputs. */
export async function stackInputDirs(
  deps: { fs: FileSystem; parser: HclParser },
  stackDir: string,
): Promise<StackInputDirs> {
  const graph = await buildModuleGraph(stackDir, deps);
  return { stackDir, moduleDirs: graph.modules.map((m) => m.dir).filter((d) => d !== stackDir) };
}

/** Whether `path` is `dir` or lies below it. */
export function isUnder(dir: string, path: string): boolean {
  const rel = relative(dir, path);
  return rel === "" || (!rel.startsWith("..") && !rel.startsWith(sep) && rel !== path);
}

/** How a file under a stack's directory relates to a unit. */
export function unitFileKind(
  dirs: StackInputDirs,
  unit: Pick<Unit, "fileStem">,
  path: string,
): "own" | "other-unit" | "stack" | "module" | "none" {
  const { stackDir } = dirs;
  const own = [
    join(stackDir, "backends", `${unit.fileStem}.s3.tfbackend`),
    join(stackDir, "targets", `${unit.fileStem}.tfvars.json`),
  ];
  if (own.includes(path)) return "own";
  if (isUnder(stackDir, path)) {
    const perUnit =
      isUnder(join(stackDir, "backends"), path) || isUnder(join(stackDir, "targets"), path);
    return perUnit ? "other-unit" : "stack";
  }
  return dirs.moduleDirs.some((dir) => isUnder(dir, path)) ? "module" : "none";
}

/** Directories that hold no input: what terraform and crossform write, and git's own. */
const SKIPPED = new Set([".terraform", ".crossform", ".git"]);

/** Every file below `dir` (absolute paths, sorted), skipping {@link SKIPPED} directories. */
async function filesBelow(fs: FileSystem, dir: string): Promise<string[]> {
  const files: string[] = [];
  const entries = await fs.listDir(dir).catch(() => []);
  for (const entry of [...entries].sort((a, b) => (a.name < b.name ? -1 : 1))) {
    const path = join(dir, entry.name);
    if (entry.isDirectory && !SKIPPED.has(entry.name)) files.push(...(await filesBelow(fs, path)));
    else if (entry.isFile) files.push(path);
  }
  return files;
}

/**
 * The SHA-256 of a unit's inputs as they are under `stackDir` (the working tree's stack directory,
 * or a commit's checkout of it): each input file's path relative to the stack directory and its
 * content's hash. Equal digests mean the unit's code is the same, whichever commit holds it.
 */
export async function unitInputsSha256(
  deps: { fs: FileSystem; parser: HclParser },
  unit: Pick<Unit, "fileStem">,
  stackDir: string,
): Promise<string> {
  const dirs = await stackInputDirs(deps, stackDir);
  const hash = createHash("sha256");
  const seen = new Set<string>();
  for (const dir of [dirs.stackDir, ...dirs.moduleDirs]) {
    for (const file of await filesBelow(deps.fs, dir)) {
      if (seen.has(file) || unitFileKind(dirs, unit, file) === "other-unit") continue;
      seen.add(file);
      hash.update(`${relative(stackDir, file)}\0${await deps.fs.sha256(file)}\n`);
    }
  }
  return hash.digest("hex");
}
