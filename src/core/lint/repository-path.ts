/**
 * Repository-relative POSIX paths, as lint names files and directories: `.` is the top, segments
 * are joined with `/`, and a path never starts with `./`. A path that climbs above the top keeps its
 * leading `..` segments (a module source pointing outside the linted tree).
 */

/** Joins and normalizes path pieces (`.` and `..` resolved, empty segments dropped). */
export function joinPath(...pieces: string[]): string {
  const out: string[] = [];
  for (const piece of pieces) {
    for (const segment of piece.split("/")) {
      if (segment === "" || segment === ".") continue;
      if (segment === ".." && out.length > 0 && out[out.length - 1] !== "..") out.pop();
      else out.push(segment);
    }
  }
  return out.length === 0 ? "." : out.join("/");
}

/** The directory of a path (`.` for a name at the top). */
export function dirOf(path: string): string {
  const slash = path.lastIndexOf("/");
  return slash === -1 ? "." : path.slice(0, slash);
}

/** The last segment of a path. */
export function baseOf(path: string): string {
  const slash = path.lastIndexOf("/");
  return slash === -1 ? path : path.slice(slash + 1);
}

/** The path from directory `from` to `to`, both repository-relative (`.` when they are one). */
export function relativePath(from: string, to: string): string {
  const a = from === "." ? [] : from.split("/");
  const b = to === "." ? [] : to.split("/");
  let common = 0;
  while (common < a.length && common < b.length && a[common] === b[common]) common += 1;
  const up = a.slice(common).map(() => "..");
  const parts = [...up, ...b.slice(common)];
  return parts.length === 0 ? "." : parts.join("/");
}

/** The directories from `dir` up to the top, nearest first (`dir` itself included). */
export function ancestorsOf(dir: string): string[] {
  const out = [dir];
  let current = dir;
  while (current !== ".") {
    current = dirOf(current);
    out.push(current);
  }
  return out;
}
