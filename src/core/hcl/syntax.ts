/**
 * The parser-agnostic syntax tree of a Terraform file (native `.tf` or JSON `.tf.json`), as lint rules,
 * the generator and the module summary see it. Plain JSON-serialisable data: no classes, no functions,
 * no cycles. Every node carries its {@link HclRange}; the raw source of any node is
 * `file.text.slice(node.range.start.offset, node.range.end.offset)` (see `sourceText`).
 */

/** A point in a source file. */
export interface HclPosition {
  /** 1-based line number. */
  line: number;
  /** 1-based column, counted in UTF-16 code units (what editors and SARIF use by default). */
  column: number;
  /** 0-based offset into the file's text, in UTF-16 code units (a JavaScript string index). */
  offset: number;
}

/** The span a node covers: `start` inclusive, `end` exclusive. */
export interface HclRange {
  start: HclPosition;
  end: HclPosition;
}

/** The two Terraform syntaxes. */
export type HclFormat = "hcl" | "json";

/** One parsed file. */
export interface HclFile {
  /** Path as the caller gave it. */
  path: string;
  /** `json` for `.tf.json` files, `hcl` otherwise. */
  format: HclFormat;
  /** The whole source text the ranges point into. */
  text: string;
  /** The whole file. */
  range: HclRange;
  /** Top-level blocks in source order. */
  blocks: HclBlock[];
  /** Top-level attributes in source order (`.tfvars`-style files; unusual in `.tf`). */
  attributes: HclAttribute[];
  /** Every comment (`#`, `//`, `/* *\/`; in JSON, `"//"` properties) in source order. */
  comments: HclComment[];
  /** Syntax errors; the blocks and attributes above are what could still be read. */
  errors: HclParseError[];
}

/** The contents of a block. */
export interface HclBody {
  /** From just after the opening brace to just before the closing one. */
  range: HclRange;
  attributes: HclAttribute[];
  blocks: HclBlock[];
}

/** A block such as `resource "aws_s3_bucket" "logs" { ... }`. */
export interface HclBlock {
  /** The block type, e.g. `resource`. */
  type: string;
  /** Where the type keyword is. */
  typeRange: HclRange;
  /** The labels, unquoted and unescaped, e.g. `["aws_s3_bucket", "logs"]`. */
  labels: string[];
  /** Where each label is (same order as `labels`, quotes included). */
  labelRanges: HclRange[];
  body: HclBody;
  /** From the type keyword to the closing brace. */
  range: HclRange;
}

/** An attribute such as `bucket = "logs"`. */
export interface HclAttribute {
  name: string;
  /** Where the name is. */
  nameRange: HclRange;
  expression: HclExpression;
  /** From the name to the end of the expression. */
  range: HclRange;
}

/** The style a comment is written in. */
export type HclCommentStyle = "hash" | "slashes" | "block" | "json";

/** A comment. */
export interface HclComment {
  style: HclCommentStyle;
  /** The comment text without its markers (`#`, `//`, `/*` and `*\/`), not trimmed. */
  text: string;
  range: HclRange;
}

/** What kind of syntax problem was found. */
export type HclParseErrorKind = "unexpected" | "missing" | "invalid";

/** A syntax error with its position. */
export interface HclParseError {
  kind: HclParseErrorKind;
  /** Lowercase, names the problem, e.g. "missing `}` to close this block". */
  message: string;
  range: HclRange;
}

/** Every expression, told apart by `kind`. */
export type HclExpression =
  | HclStringExpression
  | HclTemplateExpression
  | HclHeredocExpression
  | HclNumberExpression
  | HclBoolExpression
  | HclNullExpression
  | HclTupleExpression
  | HclObjectExpression
  | HclTraversalExpression
  | HclAccessExpression
  | HclCallExpression
  | HclConditionalExpression
  | HclForExpression
  | HclUnaryExpression
  | HclBinaryExpression
  | HclParenthesesExpression
  | HclOtherExpression;

/** A quoted string with no interpolation and no directive: `"logs"`. */
export interface HclStringExpression {
  kind: "string";
  /** The value with escapes (`\n`, `\"`, `\u00e9`, `$${`, `%%{`) resolved. */
  value: string;
  range: HclRange;
}

/** A quoted string with interpolations or directives: `"logs-${var.env}"`. */
export interface HclTemplateExpression {
  kind: "template";
  parts: HclTemplatePart[];
  /** True when some part (at any depth) is a `${...}` interpolation. */
  hasInterpolation: boolean;
  /** True when some part is a `%{if}` or `%{for}` directive. */
  hasDirective: boolean;
  range: HclRange;
}

/** A heredoc: `<<EOT ... EOT` or `<<-EOT ... EOT`. Its content is never read as blocks. */
export interface HclHeredocExpression {
  kind: "heredoc";
  /** The delimiter word, e.g. `EOT`. */
  marker: string;
  /** True for `<<-`, whose common leading indentation Terraform removes. */
  indented: boolean;
  /** The content as parts; literal parts keep their raw text (indentation not removed). */
  parts: HclTemplatePart[];
  hasInterpolation: boolean;
  hasDirective: boolean;
  /** The final string when the heredoc has no interpolation and no directive (indentation removed for `<<-`). */
  value?: string;
  range: HclRange;
}

/** A piece of a template or heredoc. */
export type HclTemplatePart =
  HclTemplateLiteral | HclTemplateInterpolation | HclTemplateIf | HclTemplateFor;

/** Literal text inside a template. */
export interface HclTemplateLiteral {
  kind: "literal";
  /** The text with template escapes (and, in quoted strings, backslash escapes) resolved. */
  value: string;
  range: HclRange;
}

/** `${ expression }`. */
export interface HclTemplateInterpolation {
  kind: "interpolation";
  /** Absent for an empty `${}` (a syntax error that was tolerated). */
  expression?: HclExpression;
  range: HclRange;
}

/** `%{ if cond }...%{ else }...%{ endif }`. */
export interface HclTemplateIf {
  kind: "if";
  condition: HclExpression;
  /** The parts before `%{ else }` (or `%{ endif }`). */
  whenTrue: HclTemplatePart[];
  /** The parts after `%{ else }`; empty without one. */
  whenFalse: HclTemplatePart[];
  range: HclRange;
}

/** `%{ for k, v in coll }...%{ endfor }`. */
export interface HclTemplateFor {
  kind: "for";
  keyVariable?: string;
  valueVariable: string;
  collection: HclExpression;
  body: HclTemplatePart[];
  range: HclRange;
}

/** A number literal. */
export interface HclNumberExpression {
  kind: "number";
  /** The parsed value (`NaN` when the literal could not be read). */
  value: number;
  /** The literal as written. */
  raw: string;
  range: HclRange;
}

/** `true` or `false`. */
export interface HclBoolExpression {
  kind: "bool";
  value: boolean;
  range: HclRange;
}

/** `null`. */
export interface HclNullExpression {
  kind: "null";
  range: HclRange;
}

/** `[a, b]`. */
export interface HclTupleExpression {
  kind: "tuple";
  items: HclExpression[];
  range: HclRange;
}

/** One `key = value` item of an object. */
export interface HclObjectItem {
  /** A bare word key is a traversal with no steps (`aws`), a quoted key a string. */
  key: HclExpression;
  value: HclExpression;
  range: HclRange;
}

/** `{ key = value, ... }`. */
export interface HclObjectExpression {
  kind: "object";
  items: HclObjectItem[];
  range: HclRange;
}

/** One step after the root of a traversal. */
export type HclTraversalStep =
  | { kind: "attr"; name: string; range: HclRange }
  | { kind: "index"; key: HclExpression; range: HclRange }
  | { kind: "splat"; style: "attr" | "full"; range: HclRange };

/** A reference such as `var.tags["env"]`, `aws.west`, `terraform.workspace` or `local.x[*].id`. */
export interface HclTraversalExpression {
  kind: "traversal";
  /** The first name: `var`, `local`, `module`, `data`, `terraform`, a resource type, ... */
  root: string;
  steps: HclTraversalStep[];
  range: HclRange;
}

/** Attribute or index access on something that is not a plain name: `func(x).y`, `(a)[0]`. */
export interface HclAccessExpression {
  kind: "access";
  target: HclExpression;
  steps: HclTraversalStep[];
  range: HclRange;
}

/** `name(args)`, including provider functions such as `provider::aws::arn_parse(x)`. */
export interface HclCallExpression {
  kind: "call";
  name: string;
  args: HclExpression[];
  /** True when the last argument is expanded with `...`. */
  expandFinal: boolean;
  range: HclRange;
}

/** `condition ? trueResult : falseResult`. */
export interface HclConditionalExpression {
  kind: "conditional";
  condition: HclExpression;
  trueResult: HclExpression;
  falseResult: HclExpression;
  range: HclRange;
}

/** `[for v in coll : expr if cond]` or `{for k, v in coll : key => value... if cond}`. */
export interface HclForExpression {
  kind: "for";
  /** `object` for the `{ ... => ... }` form. */
  result: "tuple" | "object";
  keyVariable?: string;
  valueVariable: string;
  collection: HclExpression;
  /** The key expression of the object form. */
  key?: HclExpression;
  value: HclExpression;
  condition?: HclExpression;
  /** True when the object form groups values with `...`. */
  grouping: boolean;
  range: HclRange;
}

/** `-x` or `!x`. */
export interface HclUnaryExpression {
  kind: "unary";
  operator: string;
  operand: HclExpression;
  range: HclRange;
}

/** `a + b`, `a == b`, `a && b`, ... */
export interface HclBinaryExpression {
  kind: "binary";
  operator: string;
  left: HclExpression;
  right: HclExpression;
  range: HclRange;
}

/** `( expression )`. */
export interface HclParenthesesExpression {
  kind: "parentheses";
  expression: HclExpression;
  range: HclRange;
}

/** Anything the tree could not classify (for instance an expression broken by a syntax error). */
export interface HclOtherExpression {
  kind: "other";
  /** The source text of the expression. */
  raw: string;
  range: HclRange;
}

/** The source text a node covers. */
export function sourceText(file: HclFile, node: { range: HclRange }): string {
  return file.text.slice(node.range.start.offset, node.range.end.offset);
}
