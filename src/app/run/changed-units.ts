/**
 * `--changed-since REF`: the units whose inputs (`unit-inputs.ts`) changed since a git ref: a
 * file under a stack's or local module's directory selects every unit of the stacks that use it,
 * except a unit's own generated files, `backends/<stem>.s3.tfbackend` and
 * `targets/<stem>.tfvars.json`, which select only their unit.
 */
import { resolve } from "node:path";
import type { Unit } from "../../core/units/units.ts";
import type { FileSystem } from "../../ports/file-system.ts";
import type { HclParser } from "../../ports/hcl-parser.ts";
import type { LoadedConfig } from "../load-config.ts";
import { stackInputDirs, unitFileKind } from "./unit-inputs.ts";
import type { StackInputDirs } from "./unit-inputs.ts";

/** The units among `units` that `changed` (absolute paths) touches, in their order. */
export async function unitsChangedBy(
  deps: { fs: FileSystem; parser: HclParser },
  loaded: LoadedConfig,
  units: readonly Unit[],
  changed: readonly string[],
): Promise<Unit[]> {
  const byStack = new Map<string, StackInputDirs>();
  for (const name of new Set(units.map((u) => u.stack))) {
    const stack = loaded.config.stacks.get(name);
    if (!stack) continue;
    byStack.set(name, await stackInputDirs(deps, resolve(loaded.dir, stack.path)));
  }
  return units.filter((unit) => {
    const dirs = byStack.get(unit.stack);
    if (!dirs) return false;
    return changed.some((path) => {
      const kind = unitFileKind(dirs, unit, path);
      return kind === "own" || kind === "stack" || kind === "module";
    });
  });
}
