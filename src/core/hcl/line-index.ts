import type { HclPosition, HclRange } from "./syntax.ts";

/** Turns string offsets into 1-based line and column positions. */
export interface LineIndex {
  /** The position of a 0-based offset (clamped to the text). */
  position(offset: number): HclPosition;
  /** The range between two offsets. */
  range(start: number, end: number): HclRange;
}

/** Builds a line index of a text; lines end at `\n` (a `\r` before it counts as part of the line). */
export function createLineIndex(text: string): LineIndex {
  const lineStarts = [0];
  for (let i = text.indexOf("\n"); i !== -1; i = text.indexOf("\n", i + 1)) {
    lineStarts.push(i + 1);
  }
  const position = (rawOffset: number): HclPosition => {
    const offset = Math.max(0, Math.min(rawOffset, text.length));
    let low = 0;
    let high = lineStarts.length - 1;
    while (low < high) {
      const middle = (low + high + 1) >> 1;
      if ((lineStarts[middle] as number) <= offset) low = middle;
      else high = middle - 1;
    }
    return { line: low + 1, column: offset - (lineStarts[low] as number) + 1, offset };
  };
  return {
    position,
    range: (start, end) => ({ start: position(start), end: position(end) }),
  };
}
