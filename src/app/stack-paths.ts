/**
 * Where each stack's directory really is, symbolic links followed: inside the directory of
 * crossform.yaml, outside `.git` and `.crossform/`, one stack per directory. crossform writes
 * generated files into every stack directory, so a link leading out of the repository would make
 * `generate` write where nobody reviews it. The same rules on the path's text are checked when
 * the configuration is normalized (core/config/normalize-stacks.ts); this is the check on the
 * disk, run whenever a configuration is loaded.
 */
import { basename, dirname, join, relative, sep } from "node:path";
import type { Config } from "../core/config/model.ts";
import { RESERVED_DIRECTORIES } from "../core/config/normalize-stacks.ts";
import type { Diagnostic } from "../core/errors.ts";
import { quote } from "../core/excerpt.ts";
import type { FileSystem } from "../ports/file-system.ts";

/**
 * The real location of `path`: its deepest existing ancestor resolved, the rest (not created
 * yet) appended as written.
 */
async function realLocation(fs: FileSystem, path: string): Promise<string | undefined> {
  const rest: string[] = [];
  let current = path;
  for (;;) {
    if ((await fs.pathInfo(current)) !== undefined) {
      const real = await fs.realPath(current).catch(() => undefined);
      return real === undefined ? undefined : join(real, ...rest.reverse());
    }
    const parent = dirname(current);
    if (parent === current) return undefined;
    rest.push(basename(current));
    current = parent;
  }
}

/** Why a real stack location is refused, or undefined when it is fine. */
function refusal(realRoot: string, real: string): string | undefined {
  const inside = relative(realRoot, real);
  if (inside === ".." || inside.startsWith(`..${sep}`) || /^([A-Za-z]:)?[\\/]/.test(inside))
    return "outside the directory of crossform.yaml";
  const reserved = inside
    .split(sep)
    .find((part) => RESERVED_DIRECTORIES.includes(part.toLowerCase()));
  return reserved === undefined ? undefined : `inside ${reserved}`;
}

/** The problems of the configuration's stack directories on the disk (none when all is well). */
export async function checkStackPaths(
  fs: FileSystem,
  config: Config,
  configDir: string,
): Promise<Diagnostic[]> {
  const diagnostics: Diagnostic[] = [];
  const realRoot = await fs.realPath(configDir).catch(() => configDir);
  const byLocation = new Map<string, string>();
  for (const [name, stack] of config.stacks) {
    const position = config.locator.positionOf(["stacks", name, "path"]);
    const real = await realLocation(fs, join(configDir, stack.path));
    if (real === undefined) continue;
    const why = refusal(realRoot, real);
    if (why !== undefined) {
      diagnostics.push({
        severity: "error",
        code: why.startsWith("outside") ? "config/path-outside" : "config/path-reserved",
        message: `stack ${name}: path ${quote(stack.path)} leads, through a symbolic link, to ${quote(real, 200)}, ${why}`,
        hint: "crossform writes generated files into each stack's directory: keep every stack a real directory inside the directory of crossform.yaml, outside .git and .crossform",
        position,
      });
      continue;
    }
    const first = byLocation.get(real);
    if (first === undefined) {
      byLocation.set(real, name);
    } else {
      diagnostics.push({
        severity: "error",
        code: "config/shared-stack-path",
        message: `stacks ${first} and ${name} are the same directory ${quote(real, 200)} (a symbolic link leads one to the other)`,
        hint: "give each stack a directory of its own: crossform generates each stack's provider, variables and per-unit files there",
        position,
      });
    }
  }
  return diagnostics;
}
