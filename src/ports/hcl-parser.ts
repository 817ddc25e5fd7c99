import type { HclFile } from "../core/hcl/syntax.ts";

/**
 * Reads Terraform source into the parser-agnostic syntax tree of `core/hcl/syntax.ts`.
 * Files whose path ends in `.tf.json` (or `.json`) are read as Terraform's JSON syntax, everything else
 * as native syntax.
 */
export interface HclParser {
  /**
   * Parses one file. Never throws: syntax errors (and input that is not text at all) come back in
   * `errors`, next to the blocks and attributes that could still be read.
   */
  parse(path: string, text: string): HclFile;
}
