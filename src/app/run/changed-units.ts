/**
 * `--changed-since REF`: the units whose inputs changed since a git ref. A unit's inputs are the
 * files under its stack's directory and under every local module the stack calls (the module graph
 * of the foundation, followed through `./` and `../` sources), its stack's lock file, and its own
 * generated files. Per-unit files, `backends/<stem>.s3.tfbackend` and `targets/<stem>.tfvars.json`,
 * select only their unit; everything else under a stack or module directory selects every unit of
 * the stacks that use it. Whole subtrees count (a template read with `file()` lives there too):
 * selecting a unit too many is safe, missing one is not.
 */
import { join, relative, resolve, sep } from "node:path";
import type { Unit } from "../../core/units/units.ts";
import type { FileSystem } from "../../ports/file-system.ts";
import type { HclParser } from "../../ports/hcl-parser.ts";
import type { LoadedConfig } from "../load-config.ts";
import { buildModuleGraph } from "../module-graph.ts";

/** The units among `units` that `changed` (absolute paths) touches, in their order. */
export async function unitsChangedBy(
  deps: { fs: FileSystem; parser: HclParser },
  loaded: LoadedConfig,
  units: readonly Unit[],
  changed: readonly string[],
): Promise<Unit[]> {
  const under = (dir: string, path: string): boolean => {
    const rel = relative(dir, path);
    return rel === "" || (!rel.startsWith("..") && !rel.startsWith(sep) && rel !== path);
  };
  const byStack = new Map<string, { stackDir: string; moduleDirs: string[] }>();
  for (const name of new Set(units.map((u) => u.stack))) {
    const stack = loaded.config.stacks.get(name);
    if (!stack) continue;
    const stackDir = resolve(loaded.dir, stack.path);
    const graph = await buildModuleGraph(stackDir, { fs: deps.fs, parser: deps.parser });
    byStack.set(name, {
      stackDir,
      moduleDirs: graph.modules.map((m) => m.dir).filter((d) => d !== stackDir),
    });
  }
  return units.filter((unit) => {
    const dirs = byStack.get(unit.stack);
    if (!dirs) return false;
    const own = new Set([
      join(dirs.stackDir, "backends", `${unit.fileStem}.s3.tfbackend`),
      join(dirs.stackDir, "targets", `${unit.fileStem}.tfvars.json`),
    ]);
    const perUnit = (path: string): boolean =>
      under(join(dirs.stackDir, "backends"), path) || under(join(dirs.stackDir, "targets"), path);
    return changed.some((path) => {
      if (own.has(path)) return true;
      if (under(dirs.stackDir, path)) return !perUnit(path);
      return dirs.moduleDirs.some((dir) => under(dir, path));
    });
  });
}
