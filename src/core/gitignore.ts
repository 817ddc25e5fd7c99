/**
 * Whether a `.gitignore` keeps crossform's own directory (`.crossform/`: run records, plans, logs)
 * out of git. One answer for `init` (which adds the line) and the run commands (which warn
 * without it), read the way git reads the file: a pattern with a slash before its end is anchored
 * to the directory of its `.gitignore`, one without matches at any depth, `**\/` matches any
 * directories, and the last matching line wins (a `!` line un-ignores).
 */

/** The line `init` adds. */
export const CROSSFORM_IGNORE_ENTRY = ".crossform/";

/**
 * Whether `text`, the contents of a `.gitignore`, ignores the `.crossform/` directory that sits in
 * `relativeDir` below that `.gitignore`'s directory (`""`: the same directory; `/`-separated).
 */
export function ignoresCrossform(text: string, relativeDir = ""): boolean {
  return crossformIgnoreVerdict(text, relativeDir) === true;
}

/**
 * What `text` says of that directory: `true` ignored, `false` un-ignored by a `!` line, undefined
 * when no line speaks of it (a `.gitignore` further up then decides).
 */
export function crossformIgnoreVerdict(text: string, relativeDir = ""): boolean | undefined {
  const prefix = relativeDir === "" ? "" : `${relativeDir.replace(/\/+$/, "")}/`;
  let verdict: boolean | undefined;
  for (const raw of text.split(/\r?\n/)) {
    const line = raw.trim();
    if (line === "" || line.startsWith("#")) continue;
    const negated = line.startsWith("!");
    if (matches(negated ? line.slice(1) : line, prefix)) verdict = !negated;
  }
  return verdict;
}

/** Whether one pattern matches `<prefix>.crossform` (the directory itself or all it holds). */
function matches(pattern: string, prefix: string): boolean {
  const body = pattern.replace(/\/(\*\*?)?$/, "");
  if (body.startsWith("**/")) return body.slice(3) === ".crossform";
  const anchored = body.includes("/") || pattern.startsWith("/") || /\/\*\*?$/.test(pattern);
  const path = body.replace(/^\//, "");
  return anchored ? path === `${prefix}.crossform` : path === ".crossform";
}
