import { createRequire } from "node:module";
import { dirname, join } from "node:path";
import { Language, Parser, type Tree } from "web-tree-sitter";
import { CrossformError } from "../../core/errors.ts";
import { emptyHclFile } from "../../core/hcl/empty-hcl-file.ts";
import { createLineIndex, type LineIndex } from "../../core/hcl/line-index.ts";
import type {
  HclAttribute,
  HclBlock,
  HclBody,
  HclComment,
  HclExpression,
  HclFile,
  HclParseError,
  HclPosition,
  HclRange,
  HclTemplatePart,
  HclTraversalStep,
} from "../../core/hcl/syntax.ts";
import {
  stripHeredocIndentation,
  unescapeQuoted,
  unescapeTemplateMarkers,
} from "../../core/hcl/template-escapes.ts";
import { parseTerraformJson, type JsonTemplateSource } from "../../core/hcl/terraform-json.ts";
import type { HclParser } from "../../ports/hcl-parser.ts";

/**
 * The grammar file used for native syntax. The package ships `tree-sitter-hcl.wasm` and
 * `tree-sitter-terraform.wasm`, generated from one grammar and one scanner (only the language name
 * differs); its `tree-sitter.json` assigns `.tf` and `.tfvars` to the terraform dialect, so that is
 * the one loaded. See docs/decisions/0002-hcl-parser.md.
 */
export const TERRAFORM_GRAMMAR_FILE = "tree-sitter-terraform.wasm";

/** At most this many syntax errors are listed per file; a note says when more were found. */
export const MAX_ERRORS_PER_FILE = 50;

/** Expressions and blocks nested deeper than this are not converted (the call stack stays bounded). */
const MAX_DEPTH = 200;

// web-tree-sitter's runtime is process-wide (Parser.init has no handle to keep), so the loaded
// language is shared by every parser this module creates.
let languageLoad: Promise<Language> | undefined;

async function loadTerraformLanguage(): Promise<Language> {
  languageLoad ??= (async () => {
    await Parser.init();
    const require = createRequire(import.meta.url);
    const packageJson = require.resolve("@tree-sitter-grammars/tree-sitter-hcl/package.json");
    return Language.load(join(dirname(packageJson), TERRAFORM_GRAMMAR_FILE));
  })();
  try {
    return await languageLoad;
  } catch (error) {
    languageLoad = undefined;
    throw new CrossformError(
      "hcl/parser-unavailable",
      "internal",
      `could not load the Terraform grammar (${TERRAFORM_GRAMMAR_FILE} from @tree-sitter-grammars/tree-sitter-hcl): ${error instanceof Error ? error.message : String(error)}`,
      { hint: "reinstall crossform so its dependencies are complete", cause: error },
    );
  }
}

/** Creates the HCL parser backed by tree-sitter's Terraform grammar (WebAssembly, no native build). */
export async function createTreeSitterHclParser(): Promise<HclParser> {
  const language = await loadTerraformLanguage();
  const parser = new Parser();
  parser.setLanguage(language);
  return {
    parse(path, text) {
      try {
        return isJsonPath(path) ? parseJson(parser, path, text) : parseNative(parser, path, text);
      } catch (error) {
        return unreadableFile(path, text, error);
      }
    },
  };
}

function isJsonPath(path: string): boolean {
  return path.toLowerCase().endsWith(".json");
}

function unreadableFile(path: string, text: string, error: unknown): HclFile {
  const lines = createLineIndex(text);
  return {
    path,
    format: isJsonPath(path) ? "json" : "hcl",
    text,
    range: lines.range(0, text.length),
    blocks: [],
    attributes: [],
    comments: [],
    errors: [
      {
        kind: "invalid",
        message: `could not read this file: ${error instanceof Error ? error.message : String(error)}`,
        range: lines.range(0, 0),
      },
    ],
  };
}

/** A concrete syntax tree node, copied out of tree-sitter's memory. Offsets are string indices. */
interface CstNode {
  type: string;
  start: number;
  end: number;
  missing: boolean;
  /** True when this node or a descendant is an ERROR or MISSING node. */
  hasError: boolean;
  children: CstNode[];
}

const NO_CHILDREN: CstNode[] = [];

/** Feeds tree-sitter in chunks its input buffer takes whole (10 KiB of UTF-16). */
const INPUT_CHUNK = 4096;

function parseToCst(parser: Parser, source: string, shift: number): CstNode {
  const tree: Tree | null = parser.parse((index) => source.slice(index, index + INPUT_CHUNK));
  if (tree === null) throw new Error("tree-sitter returned no tree");
  try {
    return copyTree(tree, shift);
  } finally {
    tree.delete();
  }
}

const BINARY_OPERATORS = new Set([
  "*",
  "/",
  "%",
  "+",
  "-",
  ">",
  ">=",
  "<",
  "<=",
  "==",
  "!=",
  "&&",
  "||",
]);

/** Unnamed tokens the conversion reads; every other unnamed token (`{`, `,`, `=`, ...) is left out of the copy. */
const KEPT_TOKENS = new Set(["(", ")", "!", ...BINARY_OPERATORS]);

/** Named nodes that never have children worth copying. */
const LEAF_TYPES = new Set([
  "identifier",
  "numeric_lit",
  "template_literal",
  "quoted_template_start",
  "quoted_template_end",
  "heredoc_identifier",
  "template_interpolation_start",
  "template_interpolation_end",
  "template_directive_start",
  "template_directive_end",
  "comment",
  "ellipsis",
]);

/** Per node type id of a language: its name, whether it is copied, whether its children are skipped. */
interface NodeKinds {
  types: string[];
  kept: boolean[];
  leaf: boolean[];
}

const nodeKindsByLanguage = new WeakMap<Language, NodeKinds>();

function nodeKinds(language: Language): NodeKinds {
  let kinds = nodeKindsByLanguage.get(language);
  if (kinds === undefined) {
    kinds = { types: [], kept: [], leaf: [] };
    for (let id = 0; id < language.nodeTypeCount; id += 1) {
      const type = language.nodeTypeForId(id) ?? "ERROR";
      const named = language.nodeTypeIsNamed(id);
      kinds.types.push(type);
      kinds.kept.push(named || KEPT_TOKENS.has(type));
      kinds.leaf.push(!named || LEAF_TYPES.has(type));
    }
    nodeKindsByLanguage.set(language, kinds);
  }
  return kinds;
}

/** The type id tree-sitter gives ERROR nodes. */
const ERROR_TYPE_ID = 0xffff;

// A TreeCursor walk is several times faster than Node.children, which builds every child
// through the WebAssembly boundary. Each cursor getter is a call into WebAssembly too, so the
// walk asks for as little as it can: no MISSING checks in a tree without errors, no descent
// into tokens, and no copies of the punctuation the conversion never reads.
function copyTree(tree: Tree, shift: number): CstNode {
  const { types, kept, leaf } = nodeKinds(tree.language);
  const treeHasError = tree.rootNode.hasError;
  const cursor = tree.walk();
  try {
    const make = (typeId: number, missing: boolean): CstNode => {
      const type = types[typeId] ?? "ERROR";
      return {
        type,
        start: cursor.startIndex + shift,
        end: cursor.endIndex + shift,
        missing,
        hasError: missing || typeId === ERROR_TYPE_ID,
        children: NO_CHILDREN,
      };
    };
    const root = make(cursor.nodeTypeId, false);
    // One entry per cursor depth: the copied node, or undefined for a token left out.
    const stack: (CstNode | undefined)[] = [root];
    const parents: CstNode[] = [root];
    /** Copies the cursor's node under its parent; true when its children should be visited. */
    const visit = (): boolean => {
      const typeId = cursor.nodeTypeId;
      const missing = treeHasError && cursor.nodeIsMissing;
      if (!missing && kept[typeId] !== true && typeId !== ERROR_TYPE_ID) {
        stack.push(undefined);
        return false;
      }
      const node = make(typeId, missing);
      const parent = parents[parents.length - 1] as CstNode;
      if (parent.children === NO_CHILDREN) parent.children = [];
      parent.children.push(node);
      stack.push(node);
      parents.push(node);
      return treeHasError || leaf[typeId] !== true;
    };
    const leave = (): void => {
      const done = stack.pop();
      if (done === undefined) return;
      parents.pop();
      const parent = parents[parents.length - 1];
      if (parent !== undefined && done.hasError) parent.hasError = true;
    };
    let descend = true;
    for (;;) {
      if (descend && cursor.gotoFirstChild()) {
        descend = visit();
        continue;
      }
      for (;;) {
        leave();
        if (cursor.gotoNextSibling()) {
          descend = visit();
          break;
        }
        if (!cursor.gotoParent()) return root;
      }
    }
  } finally {
    cursor.delete();
  }
}

interface ConvertedItems {
  blocks: HclBlock[];
  attributes: HclAttribute[];
  comments: HclComment[];
  errors: HclParseError[];
}

/**
 * Ranges whose positions are shared between the nodes that start or end at one offset (a node and
 * its first child, an attribute and its value): a file's tree then holds about half the position
 * objects, which keeps the heap of a whole repository's trees smaller for the garbage collector.
 * Positions are never mutated, so sharing them is safe.
 */
function sharedRanges(lines: LineIndex): (start: number, end: number) => HclRange {
  const positions = new Map<number, HclPosition>();
  const at = (offset: number): HclPosition => {
    let position = positions.get(offset);
    if (position === undefined) {
      position = lines.position(offset);
      positions.set(offset, position);
    }
    return position;
  };
  return (start, end) => ({ start: at(start), end: at(end) });
}

function parseNative(parser: Parser, path: string, text: string): HclFile {
  const lines = createLineIndex(text);
  const file = emptyHclFile(path, "hcl", text, lines);
  const nul = text.indexOf("\u0000");
  if (nul !== -1) {
    file.errors.push({
      kind: "invalid",
      message:
        "this file holds binary data (a NUL byte), not Terraform text: remove it or rename it so it does not end in .tf",
      range: lines.range(nul, nul + 1),
    });
    return file;
  }
  // The scanner only closes a heredoc whose end marker is followed by a newline.
  const source = text.endsWith("\n") ? text : `${text}\n`;
  const converter = new CstConverter(source, sharedRanges(lines));
  const root = parseToCst(parser, source, 0);
  const items = topLevelItems(root);
  const firstBroken = root.type === "config_file" ? items.findIndex((item) => item.hasError) : 0;
  const result: ConvertedItems = { blocks: [], attributes: [], comments: [], errors: [] };
  if (firstBroken === -1) {
    converter.root(root, result);
  } else {
    const recoverFrom = root.type === "config_file" ? (items[firstBroken] as CstNode).start : 0;
    converter.items(items.slice(0, firstBroken), result);
    // tree-sitter's recovery often lets one broken construct swallow the rest of the file, so the
    // text from the first broken top-level item on is parsed again, cut where top-level blocks start.
    const bounds = [...topLevelStarts(source, recoverFrom), source.length];
    for (let i = 0; i + 1 < bounds.length; i += 1) {
      const start = bounds[i] as number;
      const end = bounds[i + 1] as number;
      converter.root(parseToCst(parser, source.slice(start, end), start), result);
    }
  }
  file.blocks = result.blocks;
  file.attributes = result.attributes;
  file.comments = result.comments;
  file.errors = capErrors(result.errors, lines);
  return file;
}

function capErrors(errors: HclParseError[], lines: LineIndex): HclParseError[] {
  const sorted = errors.toSorted((a, b) => a.range.start.offset - b.range.start.offset);
  if (sorted.length <= MAX_ERRORS_PER_FILE) return sorted;
  const kept = sorted.slice(0, MAX_ERRORS_PER_FILE);
  const next = sorted[MAX_ERRORS_PER_FILE] as HclParseError;
  kept.push({
    kind: "unexpected",
    message: `${sorted.length - MAX_ERRORS_PER_FILE} more syntax errors follow; fix the ones above first`,
    range: lines.range(next.range.start.offset, next.range.start.offset),
  });
  return kept;
}

/** The children of the root that stand at the top level: blocks, attributes, comments, errors. */
function topLevelItems(root: CstNode): CstNode[] {
  const items: CstNode[] = [];
  for (const child of root.children) {
    if (child.type === "body") items.push(...child.children);
    else items.push(child);
  }
  return items;
}

const BLOCK_HEADER =
  /^[\p{ID_Start}_][\p{ID_Continue}_-]*(?:[ \t]+(?:"(?:[^"\\\n]|\\.)*"|[\p{ID_Start}_][\p{ID_Continue}_-]*))*[ \t]*\{/u;
const ATTRIBUTE_START = /^[\p{ID_Start}_][\p{ID_Continue}_-]*[ \t]*=(?![=>])/u;
const HEREDOC_OPEN = /<<-?([\p{ID_Start}_][\p{ID_Continue}_-]*)[ \t]*\r?$/u;

/**
 * Offsets (from `from` on) of the lines that start a top-level block or attribute: unindented, and
 * outside heredocs and block comments as far as a line-by-line look can tell.
 */
function topLevelStarts(source: string, from: number): number[] {
  const starts = [from];
  let heredocMarker: string | undefined;
  let inBlockComment = false;
  let lineStart = from;
  let first = true;
  while (lineStart < source.length) {
    const newline = source.indexOf("\n", lineStart);
    const lineEnd = newline === -1 ? source.length : newline;
    const line = source.slice(lineStart, lineEnd);
    if (heredocMarker !== undefined) {
      if (line.trim() === heredocMarker) heredocMarker = undefined;
    } else if (inBlockComment) {
      if (line.includes("*/")) inBlockComment = false;
    } else {
      if (!first && (BLOCK_HEADER.test(line) || ATTRIBUTE_START.test(line))) starts.push(lineStart);
      const withoutComment = line.replace(/(^|[^"])(#|\/\/).*$/, "$1");
      const heredoc = HEREDOC_OPEN.exec(withoutComment);
      if (heredoc !== null) heredocMarker = heredoc[1];
      else if (withoutComment.lastIndexOf("/*") > withoutComment.lastIndexOf("*/"))
        inBlockComment = true;
    }
    first = false;
    lineStart = lineEnd + 1;
  }
  return starts;
}

const MISSING_MESSAGES: Record<string, string> = {
  "}": "missing `}`: close the block or object opened before this point",
  "]": "missing `]`: close the list opened before this point",
  ")": "missing `)`: close the parenthesis or function call opened before this point",
  "{": "missing `{` before this point",
  "=": "missing `=` between the attribute name and its value",
  quoted_template_end: 'missing the closing `"` of this string',
  heredoc_identifier: "missing the heredoc's end marker: put it alone on a line after the text",
  template_interpolation_end: "missing the `}` that closes this `${`",
  template_directive_end: "missing the `}` that closes this `%{`",
  identifier: "missing a name here",
};

/** Converts CST nodes into the core syntax tree. */
class CstConverter {
  private readonly text: string;
  private readonly rangeOf: (start: number, end: number) => HclRange;
  private depth = 0;

  /**
   * @param text the text the CST offsets point into
   * @param rangeOf turns offsets of `text` into ranges of the file being read
   */
  constructor(text: string, rangeOf: (start: number, end: number) => HclRange) {
    this.text = text;
    this.rangeOf = rangeOf;
  }

  private range(node: { start: number; end: number }): HclRange {
    return this.rangeOf(node.start, node.end);
  }

  private slice(node: { start: number; end: number }): string {
    return this.text.slice(node.start, node.end);
  }

  /** Converts a parsed root (and collects every comment and error in it) into `out`. */
  root(root: CstNode, out: ConvertedItems): void {
    if (root.type === "ERROR") {
      // The parser could not fit the text into a file at all; it gave up at its last child.
      const last = root.children[root.children.length - 1] ?? root;
      const lineEnd = this.text.indexOf("\n", last.start);
      const at = {
        start: last.start,
        end: lineEnd === -1 || lineEnd > root.end ? root.end : lineEnd,
      };
      out.errors.push({
        kind: "unexpected",
        message: this.unexpectedMessage(at),
        range: this.range(at),
      });
    } else if (root.children.some((child) => child.type === "object" && !child.hasError)) {
      const object = root.children.find((child) => child.type === "object") as CstNode;
      out.errors.push({
        kind: "invalid",
        message:
          "a file in native syntax holds blocks and attributes, not one `{ ... }` object: write JSON syntax in a .tf.json file",
        range: this.range(object),
      });
      return;
    }
    this.items(topLevelItems(root), out, root.type === "ERROR");
  }

  /** Converts top-level items (and collects every comment and error among them) into `out`. */
  items(items: CstNode[], out: ConvertedItems, blocksOnly = false): void {
    for (const item of items) {
      this.collectComments(item, out.comments);
      this.collectErrors(item, out.errors);
      if (!blocksOnly || item.type === "block") this.bodyItem(item, out);
    }
  }

  private bodyItem(item: CstNode, out: { blocks: HclBlock[]; attributes: HclAttribute[] }): void {
    if (item.type === "block") out.blocks.push(this.block(item));
    else if (item.type === "attribute") out.attributes.push(this.attribute(item));
    else if (item.type === "ERROR") {
      // tree-sitter sometimes wraps well-formed items in an ERROR node; keep the ones it closed.
      for (const child of item.children) {
        if (!child.hasError && (child.type === "block" || child.type === "attribute"))
          this.bodyItem(child, out);
      }
    }
  }

  private collectComments(node: CstNode, comments: HclComment[]): void {
    const stack = [node];
    while (stack.length > 0) {
      const current = stack.pop() as CstNode;
      if (current.type === "comment") {
        comments.push(this.comment(current));
        continue;
      }
      for (let i = current.children.length - 1; i >= 0; i -= 1)
        stack.push(current.children[i] as CstNode);
    }
  }

  private comment(node: CstNode): HclComment {
    const raw = this.slice(node);
    const range = this.range(node);
    if (raw.startsWith("#")) return { style: "hash", text: raw.slice(1).replace(/\r$/, ""), range };
    if (raw.startsWith("//"))
      return { style: "slashes", text: raw.slice(2).replace(/\r$/, ""), range };
    return { style: "block", text: raw.slice(2, raw.endsWith("*/") ? -2 : undefined), range };
  }

  private collectErrors(node: CstNode, errors: HclParseError[]): void {
    const stack = [node];
    // Where an invented heredoc began: the closing tokens it swallowed are then reported missing
    // too, which only repeats the one real error.
    let swallowedFrom = Number.POSITIVE_INFINITY;
    while (stack.length > 0) {
      const current = stack.pop() as CstNode;
      if (!current.hasError) continue;
      const heredocStart = current.type === "heredoc_template" ? current.children[0] : undefined;
      if (
        heredocStart !== undefined &&
        (heredocStart.missing || heredocStart.children[0]?.missing === true)
      ) {
        // tree-sitter repairs a stray token by inventing a heredoc that runs to the end of the text;
        // the stray token is the error to report.
        const lineEnd = this.text.indexOf("\n", current.start);
        const at = { start: current.start, end: lineEnd === -1 ? current.end : lineEnd };
        errors.push({
          kind: "unexpected",
          message: this.unexpectedMessage({ ...current, ...at }),
          range: this.range(at),
        });
        swallowedFrom = Math.min(swallowedFrom, current.start);
        continue;
      }
      if (current.missing && current.start >= swallowedFrom) continue;
      if (current.missing) {
        errors.push({
          kind: "missing",
          message: MISSING_MESSAGES[current.type] ?? `missing \`${current.type}\` here`,
          range: this.range(current),
        });
        continue;
      }
      if (current.type === "ERROR") {
        errors.push({
          kind: "unexpected",
          message: this.unexpectedMessage(current),
          range: this.range(current),
        });
        continue;
      }
      for (let i = current.children.length - 1; i >= 0; i -= 1)
        stack.push(current.children[i] as CstNode);
    }
  }

  private unexpectedMessage(node: { start: number; end: number }): string {
    const firstLine = this.slice(node).trim().split("\n")[0]?.trim() ?? "";
    if (firstLine === "") return "unexpected input here: this is not valid Terraform syntax";
    const shown = [...firstLine]
      .slice(0, 40)
      .map((char) =>
        /[\p{Cc}\p{Cs}]/u.test(char)
          ? `\\u${(char.codePointAt(0) ?? 0).toString(16).padStart(4, "0")}`
          : char,
      )
      .join("");
    const cut = [...firstLine].length > 40 ? "..." : "";
    return `unexpected \`${shown}${cut}\`: this is not valid Terraform syntax here`;
  }

  private nested<T>(fallback: () => T, convert: () => T): T {
    if (this.depth >= MAX_DEPTH) return fallback();
    this.depth += 1;
    try {
      return convert();
    } finally {
      this.depth -= 1;
    }
  }

  private block(node: CstNode): HclBlock {
    const children = meaningful(node.children);
    const typeNode = children[0] as CstNode;
    const labels: string[] = [];
    const labelRanges: HclRange[] = [];
    let index = 1;
    for (; index < children.length; index += 1) {
      const child = children[index] as CstNode;
      if (child.type === "string_lit") {
        labels.push(unescapeQuoted(this.text.slice(child.start + 1, contentEnd(child))));
      } else if (child.type === "identifier") {
        labels.push(this.slice(child));
      } else break;
      labelRanges.push(this.range(child));
    }
    const open = children.find((child) => child.type === "block_start");
    const close = children.find((child) => child.type === "block_end");
    const bodyNode = children.find((child) => child.type === "body");
    const bodyStart = open?.end ?? node.end;
    const bodyEnd = close !== undefined && !close.missing ? close.start : node.end;
    const body: HclBody = {
      range: this.rangeOf(bodyStart, Math.max(bodyStart, bodyEnd)),
      attributes: [],
      blocks: [],
    };
    if (bodyNode !== undefined) {
      this.nested(
        () => undefined,
        () => {
          for (const item of bodyNode.children) this.bodyItem(item, body);
        },
      );
    }
    return {
      type: this.slice(typeNode),
      typeRange: this.range(typeNode),
      labels,
      labelRanges,
      body,
      range: this.range(node),
    };
  }

  private attribute(node: CstNode): HclAttribute {
    const children = meaningful(node.children);
    const nameNode = children[0] as CstNode;
    const expressionNode = children.find((child) => child.type === "expression");
    return {
      name: this.slice(nameNode),
      nameRange: this.range(nameNode),
      expression:
        expressionNode === undefined
          ? { kind: "other", raw: "", range: this.rangeOf(node.end, node.end) }
          : this.expression(expressionNode),
      range: this.range(node),
    };
  }

  /** Converts an `expression` node (or any node holding an inline term sequence). */
  expression(node: CstNode): HclExpression {
    if (node.hasError) return this.other(node);
    return this.nested(
      () => this.other(node),
      () => {
        const children = meaningful(node.children);
        if (children.length === 1 && children[0]?.type === "conditional")
          return this.conditional(children[0]);
        return this.termSequence(children, node);
      },
    );
  }

  private other(node: { start: number; end: number }): HclExpression {
    return { kind: "other", raw: this.slice(node), range: this.range(node) };
  }

  private conditional(node: CstNode): HclExpression {
    const parts = node.children.filter((child) => child.type === "expression");
    const [condition, whenTrue, whenFalse] = parts;
    if (condition === undefined || whenTrue === undefined || whenFalse === undefined)
      return this.other(node);
    return {
      kind: "conditional",
      condition: this.expression(condition),
      trueResult: this.expression(whenTrue),
      falseResult: this.expression(whenFalse),
      range: this.range(node),
    };
  }

  /** A primary term followed by attribute, index and splat steps, as tree-sitter flattens them. */
  private termSequence(children: CstNode[], whole: { start: number; end: number }): HclExpression {
    const first = children[0];
    if (first === undefined) return this.other(whole);
    let primary: HclExpression;
    let index: number;
    if (first.type === "(") {
      const inner = children[1];
      const close = children[2];
      if (inner === undefined || inner.type !== "expression") return this.other(whole);
      const end = close?.type === ")" ? close.end : inner.end;
      primary = {
        kind: "parentheses",
        expression: this.expression(inner),
        range: this.rangeOf(first.start, end),
      };
      index = close?.type === ")" ? 3 : 2;
    } else {
      primary = this.primary(first);
      index = 1;
    }
    const steps: HclTraversalStep[] = [];
    for (; index < children.length; index += 1) {
      const child = children[index] as CstNode;
      if (!this.step(child, steps)) return this.other(whole);
    }
    if (steps.length === 0) return primary;
    const range = this.rangeOf(first.start, (children[children.length - 1] as CstNode).end);
    if (primary.kind === "traversal")
      return { kind: "traversal", root: primary.root, steps: [...primary.steps, ...steps], range };
    return { kind: "access", target: primary, steps, range };
  }

  private step(node: CstNode, steps: HclTraversalStep[]): boolean {
    const range = this.range(node);
    if (node.type === "get_attr") {
      const name = node.children.find((child) => child.type === "identifier");
      steps.push({ kind: "attr", name: name === undefined ? "" : this.slice(name), range });
      return true;
    }
    if (node.type === "index") {
      const inner = node.children[0];
      if (inner?.type === "new_index") {
        const key = inner.children.find((child) => child.type === "expression");
        steps.push({
          kind: "index",
          key: key === undefined ? this.other(inner) : this.expression(key),
          range,
        });
        return true;
      }
      if (inner?.type === "legacy_index") {
        const raw = this.text.slice(inner.start + 1, inner.end);
        const keyRange = this.rangeOf(inner.start + 1, inner.end);
        steps.push({
          kind: "index",
          key: { kind: "number", value: Number(raw), raw, range: keyRange },
          range,
        });
        return true;
      }
      return false;
    }
    if (node.type === "splat") {
      const inner = node.children[0];
      if (inner === undefined) return false;
      const full = inner.type === "full_splat";
      // The `.*` or `[*]` token itself is not kept in the copy; it is the start of the splat.
      const markerEnd = Math.min(inner.start + (full ? 3 : 2), inner.end);
      steps.push({
        kind: "splat",
        style: full ? "full" : "attr",
        range: this.rangeOf(inner.start, markerEnd),
      });
      for (const child of inner.children) {
        if (child.type === "comment") continue;
        if (!this.step(child, steps)) return false;
      }
      return true;
    }
    return false;
  }

  private primary(node: CstNode): HclExpression {
    const range = this.range(node);
    switch (node.type) {
      case "expression":
        return this.expression(node);
      case "literal_value":
        return this.literal(node.children[0] ?? node);
      case "template_expr": {
        const inner = node.children[0];
        if (inner?.type === "quoted_template") return this.quotedTemplate(inner);
        if (inner?.type === "heredoc_template") return this.heredoc(inner);
        return this.other(node);
      }
      case "collection_value": {
        const inner = node.children[0];
        if (inner?.type === "tuple") {
          return {
            kind: "tuple",
            items: inner.children
              .filter((child) => child.type === "expression")
              .map((child) => this.expression(child)),
            range,
          };
        }
        if (inner?.type === "object") return this.object(inner, range);
        return this.other(node);
      }
      case "variable_expr":
        return { kind: "traversal", root: this.slice(node.children[0] ?? node), steps: [], range };
      case "function_call":
        return this.call(node);
      case "for_expr":
        return this.forExpression(node.children[0] ?? node, range);
      case "operation":
        return this.operation(node.children[0] ?? node, range);
      default:
        return this.other(node);
    }
  }

  private literal(node: CstNode): HclExpression {
    const range = this.range(node);
    switch (node.type) {
      case "numeric_lit": {
        const raw = this.slice(node);
        return { kind: "number", value: Number(raw), raw, range };
      }
      case "bool_lit":
        return { kind: "bool", value: this.slice(node) === "true", range };
      case "null_lit":
        return { kind: "null", range };
      case "string_lit":
        return {
          kind: "string",
          value: unescapeQuoted(this.text.slice(node.start + 1, contentEnd(node))),
          range,
        };
      default:
        return this.other(node);
    }
  }

  private object(node: CstNode, range: HclRange): HclExpression {
    const items = [];
    for (const element of node.children) {
      if (element.type !== "object_elem") continue;
      const [key, value] = element.children.filter((child) => child.type === "expression");
      if (key === undefined || value === undefined) continue;
      items.push({
        key: this.expression(key),
        value: this.expression(value),
        range: this.range(element),
      });
    }
    return { kind: "object", items, range };
  }

  private call(node: CstNode): HclExpression {
    const name = node.children[0];
    const argumentsNode = node.children.find((child) => child.type === "function_arguments");
    const args = (argumentsNode?.children ?? [])
      .filter((child) => child.type === "expression")
      .map((child) => this.expression(child));
    return {
      kind: "call",
      name: name === undefined ? "" : this.slice(name),
      args,
      expandFinal: argumentsNode?.children.some((child) => child.type === "ellipsis") ?? false,
      range: this.range(node),
    };
  }

  private forExpression(node: CstNode, range: HclRange): HclExpression {
    const intro = node.children.find((child) => child.type === "for_intro");
    const expressions = node.children.filter((child) => child.type === "expression");
    const condition = node.children.find((child) => child.type === "for_cond");
    const names = intro?.children.filter((child) => child.type === "identifier") ?? [];
    const collection = intro?.children.find((child) => child.type === "expression");
    const isObject = node.type === "for_object_expr";
    const valueNode = isObject ? expressions[1] : expressions[0];
    if (
      intro === undefined ||
      collection === undefined ||
      valueNode === undefined ||
      names.length === 0
    ) {
      return this.other(node);
    }
    const result: HclExpression = {
      kind: "for",
      result: isObject ? "object" : "tuple",
      valueVariable: this.slice(names[names.length - 1] as CstNode),
      collection: this.expression(collection),
      value: this.expression(valueNode),
      grouping: node.children.some((child) => child.type === "ellipsis"),
      range,
    };
    if (names.length > 1) result.keyVariable = this.slice(names[0] as CstNode);
    if (isObject && expressions[0] !== undefined) result.key = this.expression(expressions[0]);
    const conditionExpression = condition?.children.find((child) => child.type === "expression");
    if (conditionExpression !== undefined) result.condition = this.expression(conditionExpression);
    return result;
  }

  private operation(node: CstNode, range: HclRange): HclExpression {
    const children = meaningful(node.children);
    if (node.type === "unary_operation") {
      const operator = children[0];
      if (operator === undefined || children.length < 2) return this.other(node);
      return {
        kind: "unary",
        operator: operator.type,
        operand: this.termSequence(children.slice(1), { start: operator.end, end: node.end }),
        range,
      };
    }
    if (node.type === "binary_operation") {
      let split = -1;
      for (let i = 0; i < children.length; i += 1) {
        const child = children[i] as CstNode;
        if (child.type === "(") {
          i += 2;
          continue;
        }
        if (i > 0 && BINARY_OPERATORS.has(child.type)) {
          split = i;
          break;
        }
      }
      const operator = children[split];
      if (split <= 0 || operator === undefined || split === children.length - 1)
        return this.other(node);
      const left = children.slice(0, split);
      const right = children.slice(split + 1);
      return {
        kind: "binary",
        operator: operator.type,
        left: this.termSequence(left, { start: node.start, end: operator.start }),
        right: this.termSequence(right, { start: operator.end, end: node.end }),
        range,
      };
    }
    return this.other(node);
  }

  private quotedTemplate(node: CstNode): HclExpression {
    const children = meaningful(node.children);
    const startNode = children[0];
    const start = startNode?.type === "quoted_template_start" ? startNode.end : node.start;
    const parts = this.templateParts(children, start, contentEnd(node), unescapeQuoted);
    const flags = templateFlags(parts);
    const range = this.range(node);
    if (!flags.hasInterpolation && !flags.hasDirective) {
      return {
        kind: "string",
        value: parts.map((part) => (part.kind === "literal" ? part.value : "")).join(""),
        range,
      };
    }
    return { kind: "template", parts, ...flags, range };
  }

  heredoc(node: CstNode): HclExpression & { kind: "heredoc" } {
    const children = meaningful(node.children);
    const startNode = children.find((child) => child.type === "heredoc_start");
    const markers = children.filter((child) => child.type === "heredoc_identifier");
    const open = markers[0];
    const close = markers.length > 1 ? markers[markers.length - 1] : undefined;
    const marker = open === undefined ? "" : this.slice(open);
    const afterOpen = this.text.indexOf("\n", open?.end ?? node.start);
    const contentStart = afterOpen === -1 ? node.end : afterOpen + 1;
    const closeStart = close !== undefined && !close.missing ? close.start : node.end;
    const closeLineStart =
      close !== undefined && !close.missing
        ? this.text.lastIndexOf("\n", closeStart - 1) + 1
        : closeStart;
    const contentEndOffset = Math.max(contentStart, closeLineStart);
    const inner = children.filter(
      (child) => child.start >= contentStart && child.end <= contentEndOffset,
    );
    const parts = this.templateParts(
      inner,
      contentStart,
      contentEndOffset,
      unescapeTemplateMarkers,
    );
    const flags = templateFlags(parts);
    const indented = startNode !== undefined && this.slice(startNode) === "<<-";
    const result: HclExpression & { kind: "heredoc" } = {
      kind: "heredoc",
      marker,
      indented,
      parts,
      ...flags,
      range: this.range(node),
    };
    if (!flags.hasInterpolation && !flags.hasDirective) {
      const content = unescapeTemplateMarkers(this.text.slice(contentStart, contentEndOffset));
      result.value = indented ? stripHeredocIndentation(content) : content;
    }
    return result;
  }

  /**
   * The parts of a template between `start` and `end`: interpolations and directives from the CST,
   * literal text from the gaps between them (tree-sitter's literal nodes leave out leading spaces).
   */
  private templateParts(
    children: CstNode[],
    start: number,
    end: number,
    unescape: (raw: string) => string,
  ): HclTemplatePart[] {
    const parts: HclTemplatePart[] = [];
    let cursor = start;
    const literalUpTo = (limit: number): void => {
      if (limit > cursor) {
        parts.push({
          kind: "literal",
          value: unescape(this.text.slice(cursor, limit)),
          range: this.rangeOf(cursor, limit),
        });
      }
    };
    for (const child of children) {
      if (child.type !== "template_interpolation" && child.type !== "template_directive") continue;
      if (child.start < cursor || child.end > end) continue;
      literalUpTo(child.start);
      const part =
        child.type === "template_interpolation"
          ? this.interpolation(child)
          : this.directive(child, unescape);
      if (part !== undefined) parts.push(part);
      cursor = child.end;
    }
    literalUpTo(end);
    return parts;
  }

  private interpolation(node: CstNode): HclTemplatePart {
    const expression = node.children.find((child) => child.type === "expression");
    const part: HclTemplatePart = { kind: "interpolation", range: this.range(node) };
    if (expression !== undefined) part.expression = this.expression(expression);
    return part;
  }

  private directive(node: CstNode, unescape: (raw: string) => string): HclTemplatePart | undefined {
    return this.nested(
      () => undefined,
      () => {
        const inner = node.children[0];
        if (inner === undefined) return undefined;
        const range = this.range(node);
        const children = meaningful(inner.children);
        if (inner.type === "template_if") {
          const intro = children.find((child) => child.type === "template_if_intro");
          const elseIntro = children.find((child) => child.type === "template_else_intro");
          const end = children.find((child) => child.type === "template_if_end");
          const condition = intro?.children.find((child) => child.type === "expression");
          if (intro === undefined || condition === undefined) return undefined;
          const trueEnd = elseIntro?.start ?? end?.start ?? inner.end;
          return {
            kind: "if",
            condition: this.expression(condition),
            whenTrue: this.templateParts(children, intro.end, trueEnd, unescape),
            whenFalse:
              elseIntro === undefined
                ? []
                : this.templateParts(children, elseIntro.end, end?.start ?? inner.end, unescape),
            range,
          };
        }
        if (inner.type === "template_for") {
          const intro = children.find((child) => child.type === "template_for_start");
          const end = children.find((child) => child.type === "template_for_end");
          const names = intro?.children.filter((child) => child.type === "identifier") ?? [];
          const collection = intro?.children.find((child) => child.type === "expression");
          if (intro === undefined || collection === undefined || names.length === 0)
            return undefined;
          const part: HclTemplatePart = {
            kind: "for",
            valueVariable: this.slice(names[names.length - 1] as CstNode),
            collection: this.expression(collection),
            body: this.templateParts(children, intro.end, end?.start ?? inner.end, unescape),
            range,
          };
          if (names.length > 1) part.keyVariable = this.slice(names[0] as CstNode);
          return part;
        }
        return undefined;
      },
    );
  }
}

function meaningful(children: CstNode[]): CstNode[] {
  return children.some((child) => child.type === "comment")
    ? children.filter((child) => child.type !== "comment")
    : children;
}

/** Where a quoted string's content ends: before its closing quote, or at its end when the quote is missing. */
function contentEnd(node: CstNode): number {
  const last = node.children[node.children.length - 1];
  if (last?.type === "quoted_template_end" && !last.missing) return last.start;
  return node.end;
}

function templateFlags(parts: HclTemplatePart[]): {
  hasInterpolation: boolean;
  hasDirective: boolean;
} {
  let hasInterpolation = false;
  let hasDirective = false;
  const visit = (list: HclTemplatePart[]): void => {
    for (const part of list) {
      if (part.kind === "interpolation") hasInterpolation = true;
      else if (part.kind === "if") {
        hasDirective = true;
        visit(part.whenTrue);
        visit(part.whenFalse);
      } else if (part.kind === "for") {
        hasDirective = true;
        visit(part.body);
      }
    }
  };
  visit(parts);
  return { hasInterpolation, hasDirective };
}

function parseJson(parser: Parser, path: string, text: string): HclFile {
  return parseTerraformJson(path, text, (source) => readJsonTemplate(parser, source));
}

/**
 * Reads a JSON string as a template by parsing it as the content of a heredoc, whose text is taken
 * literally apart from `$${` and `%%{` (as a decoded JSON string's is).
 */
function readJsonTemplate(parser: Parser, source: JsonTemplateSource): HclExpression {
  let marker = "CROSSFORM_JSON_TEMPLATE";
  while (source.value.includes(marker)) marker += "_";
  const prefix = `x = <<${marker}\n`;
  const wrapped = `${prefix}${source.value}\n${marker}\n`;
  const { valueOffset } = source;
  const rangeOf =
    valueOffset === undefined
      ? () => source.range
      : (start: number, end: number) => {
          const clamp = (offset: number): number =>
            valueOffset + Math.max(0, Math.min(offset - prefix.length, source.value.length));
          return source.lines.range(clamp(start), clamp(end));
        };
  const root = parseToCst(parser, wrapped, 0);
  const heredocNode = findFirst(root, "heredoc_template");
  if (root.hasError || heredocNode === undefined) {
    return { kind: "other", raw: source.value, range: source.range };
  }
  const converter = new CstConverter(wrapped, rangeOf);
  const heredoc = converter.heredoc(heredocNode);
  const parts = heredoc.parts;
  const last = parts[parts.length - 1];
  if (last?.kind === "literal" && last.value.endsWith("\n")) {
    last.value = last.value.slice(0, -1);
    if (last.value === "") parts.pop();
  }
  return {
    kind: "template",
    parts,
    hasInterpolation: heredoc.hasInterpolation,
    hasDirective: heredoc.hasDirective,
    range: source.range,
  };
}

function findFirst(root: CstNode, type: string): CstNode | undefined {
  const stack = [root];
  while (stack.length > 0) {
    const node = stack.pop() as CstNode;
    if (node.type === type) return node;
    for (let i = node.children.length - 1; i >= 0; i -= 1) stack.push(node.children[i] as CstNode);
  }
  return undefined;
}
