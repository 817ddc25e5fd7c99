import type { LineIndex } from "./line-index.ts";
import type { HclFile, HclFormat } from "./syntax.ts";

/** A parsed file with nothing read yet: the whole text as its range, every list empty. */
export function emptyHclFile(
  path: string,
  format: HclFormat,
  text: string,
  lines: LineIndex,
): HclFile {
  return {
    path,
    format,
    text,
    range: lines.range(0, text.length),
    blocks: [],
    attributes: [],
    comments: [],
    errors: [],
  };
}
