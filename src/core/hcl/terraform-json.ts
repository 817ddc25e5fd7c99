import { readJsonSource, type JsonSourceMember, type JsonSourceValue } from "./json-source.ts";
import { emptyHclFile } from "./empty-hcl-file.ts";
import { createLineIndex, type LineIndex } from "./line-index.ts";
import type {
  HclAttribute,
  HclBlock,
  HclBody,
  HclComment,
  HclExpression,
  HclFile,
  HclParseError,
  HclRange,
} from "./syntax.ts";

/** What a JSON string that holds `${` or `%{` is handed to, so it can be read as a template. */
export interface JsonTemplateSource {
  /** The decoded string. */
  value: string;
  /**
   * The file offset of the string's first character when offsets inside it map one to one onto the
   * file (no backslash escapes); absent otherwise, and then every range should be `range`.
   */
  valueOffset?: number;
  /** The range of the whole JSON string literal, quotes included. */
  range: HclRange;
  /** The file's line index, to make ranges from offsets. */
  lines: LineIndex;
}

/**
 * Reads a template string (Terraform's JSON syntax treats most strings as templates); returns an
 * expression of kind `other` when the string is not a valid template.
 */
export type JsonTemplateReader = (source: JsonTemplateSource) => HclExpression;

/** Label counts of Terraform's top-level block types; unknown types take no labels. */
const TOP_LEVEL_LABELS: Record<string, number> = {
  resource: 2,
  data: 2,
  ephemeral: 2,
  action: 2,
  module: 1,
  provider: 1,
  variable: 1,
  output: 1,
  check: 1,
  terraform: 0,
  locals: 0,
  moved: 0,
  import: 0,
  removed: 0,
};

const LIFECYCLE_BLOCKS: Record<string, number> = {
  lifecycle: 0,
  dynamic: 1,
  precondition: 0,
  postcondition: 0,
};

/**
 * Which properties of a block's JSON body are nested blocks (and how many labels they take). JSON
 * cannot tell blocks from object attributes without provider schemas, so only Terraform's own nested
 * block types are read as blocks; any other object value is an attribute holding an object.
 */
const NESTED_BLOCKS: Record<string, Record<string, number>> = {
  resource: { ...LIFECYCLE_BLOCKS, provisioner: 1, connection: 0 },
  data: LIFECYCLE_BLOCKS,
  ephemeral: LIFECYCLE_BLOCKS,
  terraform: { required_providers: 0, backend: 1, cloud: 0, provider_meta: 1 },
  cloud: { workspaces: 0 },
  provider: {
    assume_role: 0,
    assume_role_with_web_identity: 0,
    default_tags: 0,
    ignore_tags: 0,
    endpoints: 0,
  },
  variable: { validation: 0 },
  output: { precondition: 0 },
  lifecycle: { precondition: 0, postcondition: 0 },
  check: { data: 2, assert: 0 },
  dynamic: { content: 0 },
  provisioner: { connection: 0 },
  module: { lifecycle: 0 },
};

/** Parses a `.tf.json` file into the same tree as native syntax; never throws. */
export function parseTerraformJson(
  path: string,
  text: string,
  readTemplate: JsonTemplateReader,
): HclFile {
  const lines = createLineIndex(text);
  const file = emptyHclFile(path, "json", text, lines);
  const read = readJsonSource(text);
  if (!read.ok) {
    file.errors.push({
      kind: "invalid",
      message: `invalid JSON: ${read.error.message}`,
      range: lines.range(read.error.offset, Math.min(read.error.offset + 1, text.length)),
    });
    return file;
  }
  if (read.value.kind !== "object") {
    file.errors.push({
      kind: "invalid",
      message: `a .tf.json file must hold one JSON object, found ${read.value.kind === "array" ? "an array" : `a ${read.value.kind}`}`,
      range: lines.range(read.value.start, read.value.end),
    });
    return file;
  }
  const converter = new JsonConverter(lines, readTemplate, file.comments, file.errors);
  for (const member of read.value.members) {
    if (member.key === "//") {
      converter.comment(member);
      continue;
    }
    const labelCount = TOP_LEVEL_LABELS[member.key] ?? 0;
    file.blocks.push(...converter.blocks(member, labelCount));
  }
  return file;
}

class JsonConverter {
  private readonly lines: LineIndex;
  private readonly readTemplate: JsonTemplateReader;
  private readonly comments: HclComment[];
  private readonly errors: HclParseError[];

  constructor(
    lines: LineIndex,
    readTemplate: JsonTemplateReader,
    comments: HclComment[],
    errors: HclParseError[],
  ) {
    this.lines = lines;
    this.readTemplate = readTemplate;
    this.comments = comments;
    this.errors = errors;
  }

  comment(member: JsonSourceMember): void {
    const range = this.lines.range(member.keyStart, member.value.end);
    const value = member.value;
    const texts =
      value.kind === "string"
        ? [value.value]
        : value.kind === "array"
          ? value.items.flatMap((item) => (item.kind === "string" ? [item.value] : []))
          : [];
    for (const text of texts) this.comments.push({ style: "json", text, range });
  }

  /** The blocks of type `member.key` declared by its value, reading `labelCount` levels of labels. */
  blocks(member: JsonSourceMember, labelCount: number): HclBlock[] {
    const type = member.key;
    const typeRange = this.lines.range(member.keyStart, member.keyEnd);
    const out: HclBlock[] = [];
    const visit = (
      value: JsonSourceValue,
      labels: { value: string; start: number; end: number }[],
      remaining: number,
      arrayItemStart?: number,
    ): void => {
      if (value.kind === "array") {
        for (const item of value.items) visit(item, labels, remaining, item.start);
        return;
      }
      if (value.kind !== "object") {
        this.errors.push({
          kind: "invalid",
          message:
            remaining > 0
              ? `\`${type}\` expects an object keyed by its ${labels.length === 0 ? "first" : "next"} label, found a ${value.kind}`
              : `the body of a \`${type}\` block must be a JSON object, found a ${value.kind}`,
          range: this.lines.range(value.start, value.end),
        });
        return;
      }
      if (remaining > 0) {
        for (const labelMember of value.members) {
          if (labelMember.key === "//") {
            this.comment(labelMember);
            continue;
          }
          const label = {
            value: labelMember.key,
            start: labelMember.keyStart,
            end: labelMember.keyEnd,
          };
          visit(labelMember.value, [...labels, label], remaining - 1);
        }
        return;
      }
      // A block written as one item of an array starts at that item, so its siblings stay apart.
      const start = arrayItemStart ?? labels.at(-1)?.start ?? member.keyStart;
      out.push({
        type,
        typeRange,
        labels: labels.map((label) => label.value),
        labelRanges: labels.map((label) => this.lines.range(label.start, label.end)),
        body: this.body(type, value),
        range: this.lines.range(start, value.end),
      });
    };
    visit(member.value, [], labelCount);
    return out;
  }

  private body(blockType: string, value: JsonSourceValue & { kind: "object" }): HclBody {
    const nested = blockType === "locals" ? {} : (NESTED_BLOCKS[blockType] ?? {});
    const body: HclBody = {
      range: this.lines.range(value.start + 1, Math.max(value.start + 1, value.end - 1)),
      attributes: [],
      blocks: [],
    };
    for (const member of value.members) {
      if (member.key === "//") {
        this.comment(member);
        continue;
      }
      const labelCount = Object.hasOwn(nested, member.key) ? nested[member.key] : undefined;
      if (
        labelCount !== undefined &&
        (member.value.kind === "object" || member.value.kind === "array")
      ) {
        body.blocks.push(...this.blocks(member, labelCount));
        continue;
      }
      body.attributes.push(this.attribute(member));
    }
    return body;
  }

  private attribute(member: JsonSourceMember): HclAttribute {
    return {
      name: member.key,
      nameRange: this.lines.range(member.keyStart, member.keyEnd),
      expression: this.expression(member.value),
      range: this.lines.range(member.keyStart, member.value.end),
    };
  }

  private expression(value: JsonSourceValue): HclExpression {
    const range = this.lines.range(value.start, value.end);
    switch (value.kind) {
      case "object":
        return {
          kind: "object",
          items: value.members.map((member) => ({
            key: {
              kind: "string",
              value: member.key,
              range: this.lines.range(member.keyStart, member.keyEnd),
            },
            value: this.expression(member.value),
            range: this.lines.range(member.keyStart, member.value.end),
          })),
          range,
        };
      case "array":
        return { kind: "tuple", items: value.items.map((item) => this.expression(item)), range };
      case "number":
        return { kind: "number", value: value.value, raw: value.raw, range };
      case "bool":
        return { kind: "bool", value: value.value, range };
      case "null":
        return { kind: "null", range };
      case "string":
        return this.stringExpression(value, range);
    }
  }

  private stringExpression(
    value: JsonSourceValue & { kind: "string" },
    range: HclRange,
  ): HclExpression {
    if (!value.value.includes("${") && !value.value.includes("%{")) {
      return { kind: "string", value: value.value, range };
    }
    const source: JsonTemplateSource = { value: value.value, range, lines: this.lines };
    if (!value.escaped) source.valueOffset = value.start + 1;
    const template = this.readTemplate(source);
    if (template.kind === "other") {
      this.errors.push({
        kind: "invalid",
        message:
          "this string is not a valid template: check that each `${` and `%{` is closed by `}`",
        range,
      });
    }
    if (template.kind === "template" && !template.hasInterpolation && !template.hasDirective) {
      const joined = template.parts
        .map((part) => (part.kind === "literal" ? part.value : ""))
        .join("");
      return { kind: "string", value: joined, range };
    }
    return template;
  }
}
