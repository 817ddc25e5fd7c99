/**
 * Parses `crossform.yaml` text into a validated written config, or a list of diagnostics that name
 * the file, line and column, the wrong value and what to change. Never throws on user input.
 */
import { isMap, isScalar, isSeq, LineCounter, parseDocument, visit } from "yaml";
import type { Document, Node as YamlNode } from "yaml";
import type { z } from "zod";
import type { Diagnostic, SourcePosition } from "../errors.ts";
import { codeSpan, quote, shorten } from "../excerpt.ts";
import { didYouMean } from "./did-you-mean.ts";
import { configSchema } from "./schema.ts";
import type { WrittenConfig } from "./schema.ts";

/** A path into the YAML document: map keys and sequence indexes. */
export type ConfigPath = readonly (string | number)[];

/** Finds source positions of paths in the parsed YAML, for this and later checks. */
export interface ConfigLocator {
  /** Position of the value at `path` (or of its key when `key` is true); the nearest parent if absent. */
  positionOf(path: ConfigPath, options?: { key?: boolean }): SourcePosition;
}

/** The result of parsing: either a config with its locator, or diagnostics. */
export type ParseConfigResult =
  | { ok: true; config: WrittenConfig; locator: ConfigLocator; warnings: Diagnostic[] }
  | { ok: false; diagnostics: Diagnostic[]; locator?: ConfigLocator };

/** Parses and schema-validates `crossform.yaml` text; `file` is used in positions only. */
export function parseConfig(text: string, file: string): ParseConfigResult {
  const lineCounter = new LineCounter();
  const doc = parseDocument(text, { lineCounter, uniqueKeys: true, prettyErrors: false });
  const locator = makeLocator(doc, lineCounter, file);
  const diagnostics: Diagnostic[] = [];

  for (const error of doc.errors) {
    const pos = lineCounter.linePos(error.pos[0]);
    const duplicate = error.code === "DUPLICATE_KEY";
    diagnostics.push({
      severity: "error",
      code: duplicate ? "config/duplicate-key" : "config/yaml-syntax",
      message: duplicate
        ? `duplicate key ${codeSpan(keyTextAt(text, error.pos[0]))}: map keys must be unique`
        : firstLine(error.message),
      hint: duplicate
        ? "remove one of the two entries: a key may appear once in a mapping"
        : "fix the YAML syntax at this position (indentation, a missing ':' or an unclosed quote)",
      position: { file, line: pos.line, column: pos.col },
    });
  }
  // The parser accepts an alias to a missing anchor; converting it to data would throw.
  visit(doc, {
    Alias(_key, node) {
      if (node.resolve(doc) !== undefined) return;
      const pos = lineCounter.linePos(node.range?.[0] ?? 0);
      diagnostics.push({
        severity: "error",
        code: "config/yaml-syntax",
        message: `alias *${shorten(node.source)} refers to no anchor defined before it`,
        hint: `define the anchor &${shorten(node.source)} before this alias, or write the value out`,
        position: { file, line: pos.line, column: pos.col },
      });
    },
  });
  if (diagnostics.length > 0) return { ok: false, diagnostics, locator };

  let data: unknown;
  try {
    data = doc.toJS({ maxAliasCount: 100 });
  } catch (cause) {
    return {
      ok: false,
      diagnostics: [
        {
          severity: "error",
          code: "config/yaml-syntax",
          message: `the YAML cannot be read as data: ${cause instanceof Error ? lowerFirst(cause.message) : String(cause)}`,
          hint: "write the repeated values out instead of nesting aliases",
          position: { file, line: 1, column: 1 },
        },
      ],
      locator,
    };
  }
  if (data === null || data === undefined) {
    return {
      ok: false,
      diagnostics: [
        {
          severity: "error",
          code: "config/empty",
          message: "the configuration is empty",
          hint: "start with `version: 1` and an `accounts:` mapping (see docs/config.md), or run `crossform init`",
          position: { file, line: 1, column: 1 },
        },
      ],
      locator,
    };
  }

  const result = configSchema.safeParse(data);
  if (!result.success) {
    for (const issue of result.error.issues) {
      diagnostics.push(...issueToDiagnostics(issue, data, doc, locator));
    }
    return { ok: false, diagnostics: sortDiagnostics(diagnostics), locator };
  }
  return { ok: true, config: result.data, locator, warnings: [] };
}

/** The key written at `offset`: a quoted or plain scalar, up to the `:` that follows it. */
function keyTextAt(text: string, offset: number): string {
  const match = /^("[^"\n]*"|'[^'\n]*'|[^\s:,{}[\]]+)/.exec(text.slice(offset));
  return match?.[1] ?? "";
}

function firstLine(message: string): string {
  const line = message.split("\n")[0] ?? message;
  return line.charAt(0).toLowerCase() + line.slice(1);
}

/** A locator of paths in a parsed YAML document (also for other YAML files crossform reads). */
export function makeLocator(doc: Document, lineCounter: LineCounter, file: string): ConfigLocator {
  return {
    positionOf(path, options = {}) {
      let node: unknown = doc.contents;
      let offset = (doc.contents as YamlNode | null)?.range?.[0] ?? 0;
      for (let i = 0; i < path.length; i++) {
        const segment = path[i];
        const last = i === path.length - 1;
        if (isMap(node)) {
          const pair = node.items.find(
            (p) => isScalar(p.key) && String(p.key.value) === String(segment),
          );
          if (!pair) break;
          const keyNode = pair.key as YamlNode;
          if (last && options.key) {
            offset = keyNode.range?.[0] ?? offset;
            node = undefined;
            break;
          }
          const valueNode = pair.value as YamlNode | null;
          offset = valueNode?.range?.[0] ?? keyNode.range?.[0] ?? offset;
          node = valueNode;
        } else if (isSeq(node) && typeof segment === "number") {
          const item = node.items[segment] as YamlNode | undefined;
          if (!item) break;
          offset = item.range?.[0] ?? offset;
          node = item;
        } else {
          break;
        }
      }
      const pos = lineCounter.linePos(offset);
      return { file, line: pos.line, column: pos.col };
    },
  };
}

function sourceTextAt(doc: Document, path: ConfigPath): string | undefined {
  const node = doc.getIn(path, true);
  if (isScalar(node) && typeof node.source === "string") return node.source;
  return undefined;
}

function valueAt(data: unknown, path: ConfigPath): unknown {
  let current: unknown = data;
  for (const segment of path) {
    if (current === null || typeof current !== "object") return undefined;
    current = (current as Record<string | number, unknown>)[segment];
  }
  return current;
}

function describePath(path: ConfigPath): string {
  if (path.length === 0) return "the top level";
  return path
    .map((segment, i) =>
      typeof segment === "number"
        ? `[${segment}]`
        : i === 0
          ? shorten(segment)
          : `.${shorten(segment)}`,
    )
    .join("");
}

function describeValue(value: unknown): string {
  if (value === undefined) return "nothing";
  if (value === null) return "null";
  if (typeof value === "string") return quote(value);
  if (Array.isArray(value)) return "a list";
  if (typeof value === "object") return "a mapping";
  return String(value);
}

/** Keys allowed by the schema at `path`, for did-you-mean suggestions. */
function allowedKeysAt(path: ConfigPath): string[] {
  let schema: z.core.$ZodType | undefined = configSchema;
  for (const segment of path) {
    schema = schema && childSchema(schema, segment);
  }
  const unwrapped = schema && unwrap(schema);
  if (unwrapped && unwrapped._zod.def.type === "object") {
    return Object.keys((unwrapped._zod.def as z.core.$ZodObjectDef).shape);
  }
  return [];
}

function unwrap(schema: z.core.$ZodType): z.core.$ZodType {
  let current = schema;
  for (;;) {
    const def = current._zod.def as { type: string; innerType?: z.core.$ZodType };
    if (
      (def.type === "optional" || def.type === "nullable" || def.type === "default") &&
      def.innerType
    ) {
      current = def.innerType;
    } else {
      return current;
    }
  }
}

function childSchema(
  schema: z.core.$ZodType,
  segment: string | number,
): z.core.$ZodType | undefined {
  const s = unwrap(schema);
  const def = s._zod.def as unknown as {
    type: string;
    shape?: Record<string, z.core.$ZodType>;
    valueType?: z.core.$ZodType;
    element?: z.core.$ZodType;
    options?: z.core.$ZodType[];
  };
  switch (def.type) {
    case "object":
      return def.shape?.[String(segment)];
    case "record":
      return def.valueType;
    case "array":
      return def.element;
    case "union":
      for (const option of def.options ?? []) {
        const child = childSchema(option, segment);
        if (child) return child;
      }
      return undefined;
    default:
      return undefined;
  }
}

function issueToDiagnostics(
  issue: z.core.$ZodIssue,
  data: unknown,
  doc: Document,
  locator: ConfigLocator,
): Diagnostic[] {
  const path = issue.path as (string | number)[];
  const where = describePath(path);
  const value = valueAt(data, path);

  if (issue.code === "unrecognized_keys") {
    const allowed = allowedKeysAt(path);
    return issue.keys.map((key) => {
      const suggestion = didYouMean(key, allowed);
      return {
        severity: "error" as const,
        code: "config/unknown-key",
        message: `unknown key ${codeSpan(key)} in ${where}`,
        hint: suggestion
          ? `did you mean \`${suggestion}\`?`
          : allowed.length > 0
            ? `allowed keys here: ${allowed.filter((k) => k !== "$schema").join(", ")}`
            : "remove it",
        position: locator.positionOf([...path, key], { key: true }),
      };
    });
  }

  if (issue.code === "invalid_key") {
    const key = String(path[path.length - 1]);
    const parentPath = path.slice(0, -1);
    return [
      {
        severity: "error",
        code: "config/invalid-name",
        message: `invalid name ${codeSpan(key)} in ${describePath(parentPath)}`,
        hint: "names start with a lowercase letter and use lowercase letters, digits, '_' and '-' (at most 63 characters)",
        position: locator.positionOf(path, { key: true }),
      },
    ];
  }

  const last = path[path.length - 1];
  if (last === "id" && path[0] === "accounts" && typeof value === "number") {
    const source = sourceTextAt(doc, path) ?? String(value);
    return [
      {
        severity: "error",
        code: "config/account-id-not-string",
        message: source.startsWith("0")
          ? `account id ${source} in ${where} is a YAML number, so leading zeros are lost (read as ${value})`
          : `account id ${source} in ${where} is a YAML number, not a string`,
        hint: `quote it: id: "${/^\d+$/.test(source) ? source.padStart(12, "0") : source}"`,
        position: locator.positionOf(path),
      },
    ];
  }

  // Any issue about an absent value (a type, or a literal such as `version: 1`) is a missing key.
  if (value === undefined) {
    return [
      {
        severity: "error",
        code: "config/missing-key",
        message: `missing required key \`${String(last)}\` in ${describePath(path.slice(0, -1))}`,
        hint: `add \`${String(last)}:\` (see docs/config.md)`,
        position: locator.positionOf(path.slice(0, -1)),
      },
    ];
  }

  if (issue.code === "invalid_union" && path[0] === "waves") {
    return [
      {
        severity: "error",
        code: "config/invalid-value",
        message: `${where} is ${describeValue(value)}, not a wave`,
        hint: 'write a wave as a list of selectors (["tier:dev"]) or as { name, select: [...], canary, tolerance }',
        position: locator.positionOf(path),
      },
    ];
  }

  const message = issue.message.replace(/^Invalid input: /, "");
  return [
    {
      severity: "error",
      code: "config/invalid-value",
      message: `${where} is ${describeValue(value)}: ${lowerFirst(message)}`,
      hint: hintFor(path),
      position: locator.positionOf(path),
    },
  ];
}

function lowerFirst(s: string): string {
  return s.charAt(0).toLowerCase() + s.slice(1);
}

function hintFor(path: ConfigPath): string {
  // A list item (`regions[0]`) is documented under the key that holds the list.
  const last = String([...path].reverse().find((segment) => typeof segment === "string") ?? "");
  switch (last) {
    case "version":
      return "crossform reads configuration version 1: write `version: 1`";
    case "lock":
      return "use `lock: s3` (Terraform >= 1.10) or `lock: dynamodb:<table>`";
    case "approval":
      return "use `approval: required` or `approval: none`";
    case "mode":
      return "use `mode: per-account` or `mode: multi-account`";
    case "":
      return "a crossform.yaml is a mapping with `version: 1` and `accounts:` (see docs/config.md)";
    default:
      return `see the \`${last}\` key in docs/config.md`;
  }
}

function sortDiagnostics(diagnostics: Diagnostic[]): Diagnostic[] {
  return [...diagnostics].sort(
    (a, b) =>
      (a.position?.line ?? 0) - (b.position?.line ?? 0) ||
      (a.position?.column ?? 0) - (b.position?.column ?? 0),
  );
}
