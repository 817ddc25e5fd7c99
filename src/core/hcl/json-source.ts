/**
 * A small JSON reader that keeps the offsets of every value and key, for `.tf.json` files
 * (`JSON.parse` accepts the same documents but forgets where things were).
 */

/** A JSON value with its start (inclusive) and end (exclusive) offsets in the text. */
export type JsonSourceValue =
  | { kind: "object"; members: JsonSourceMember[]; start: number; end: number }
  | { kind: "array"; items: JsonSourceValue[]; start: number; end: number }
  | {
      kind: "string";
      value: string;
      /** True when the literal had a backslash escape, so value offsets differ from text offsets. */
      escaped: boolean;
      start: number;
      end: number;
    }
  | { kind: "number"; value: number; raw: string; start: number; end: number }
  | { kind: "bool"; value: boolean; start: number; end: number }
  | { kind: "null"; start: number; end: number };

/** One `"key": value` member of an object. */
export interface JsonSourceMember {
  key: string;
  keyStart: number;
  keyEnd: number;
  value: JsonSourceValue;
}

/** Why a JSON text could not be read, and where. */
export interface JsonSourceError {
  message: string;
  offset: number;
}

/** The outcome of reading a JSON text: a value, or the first error. */
export type JsonSourceResult =
  { ok: true; value: JsonSourceValue } | { ok: false; error: JsonSourceError };

/** Deeper nesting than this is refused instead of risking the call stack. */
export const JSON_MAX_DEPTH = 512;

class JsonReadFailure {
  readonly error: JsonSourceError;
  constructor(message: string, offset: number) {
    this.error = { message, offset };
  }
}

const ESCAPES: Record<string, string> = {
  '"': '"',
  "\\": "\\",
  "/": "/",
  b: "\b",
  f: "\f",
  n: "\n",
  r: "\r",
  t: "\t",
};

/** Reads a JSON text (RFC 8259, a leading byte order mark allowed) keeping offsets; never throws. */
export function readJsonSource(text: string): JsonSourceResult {
  let i = text.charCodeAt(0) === 0xfeff ? 1 : 0;

  const fail = (message: string, offset = i): never => {
    throw new JsonReadFailure(message, offset);
  };
  const describe = (offset: number): string =>
    offset >= text.length ? "the end of the file" : `\`${text.slice(offset, offset + 12)}\``;
  const skipSpace = (): void => {
    while (i < text.length) {
      const c = text[i];
      if (c === " " || c === "\t" || c === "\n" || c === "\r") i += 1;
      else break;
    }
  };

  const readString = (): { value: string; escaped: boolean; start: number; end: number } => {
    const start = i;
    i += 1;
    let value = "";
    let escaped = false;
    let chunkStart = i;
    for (;;) {
      if (i >= text.length) fail('unterminated string: add the closing `"`', start);
      const code = text.charCodeAt(i);
      if (code === 0x22) {
        value += text.slice(chunkStart, i);
        i += 1;
        return { value, escaped, start, end: i };
      }
      if (code < 0x20) fail("control character inside a string: escape it (for example `\\n`)");
      if (code === 0x5c) {
        value += text.slice(chunkStart, i);
        escaped = true;
        const next = text[i + 1] ?? "";
        const simple = ESCAPES[next];
        if (simple !== undefined) {
          value += simple;
          i += 2;
        } else if (next === "u" && /^[0-9a-fA-F]{4}$/.test(text.slice(i + 2, i + 6))) {
          value += String.fromCharCode(Number.parseInt(text.slice(i + 2, i + 6), 16));
          i += 6;
        } else {
          fail(`invalid escape \`\\${next}\` in a string`);
        }
        chunkStart = i;
        continue;
      }
      i += 1;
    }
  };

  const readValue = (depth: number): JsonSourceValue => {
    if (depth > JSON_MAX_DEPTH) fail(`nesting deeper than ${JSON_MAX_DEPTH} levels`);
    skipSpace();
    const start = i;
    const c = text[i];
    if (c === "{") {
      i += 1;
      const members: JsonSourceMember[] = [];
      skipSpace();
      if (text[i] === "}") {
        i += 1;
        return { kind: "object", members, start, end: i };
      }
      for (;;) {
        skipSpace();
        if (text[i] !== '"') fail(`expected a property name in quotes, found ${describe(i)}`);
        const key = readString();
        skipSpace();
        if (text[i] !== ":") fail(`expected \`:\` after the property name, found ${describe(i)}`);
        i += 1;
        const value = readValue(depth + 1);
        members.push({ key: key.value, keyStart: key.start, keyEnd: key.end, value });
        skipSpace();
        if (text[i] === ",") {
          i += 1;
          continue;
        }
        if (text[i] === "}") {
          i += 1;
          return { kind: "object", members, start, end: i };
        }
        fail(`expected \`,\` or \`}\` in an object, found ${describe(i)}`);
      }
    }
    if (c === "[") {
      i += 1;
      const items: JsonSourceValue[] = [];
      skipSpace();
      if (text[i] === "]") {
        i += 1;
        return { kind: "array", items, start, end: i };
      }
      for (;;) {
        items.push(readValue(depth + 1));
        skipSpace();
        if (text[i] === ",") {
          i += 1;
          continue;
        }
        if (text[i] === "]") {
          i += 1;
          return { kind: "array", items, start, end: i };
        }
        fail(`expected \`,\` or \`]\` in an array, found ${describe(i)}`);
      }
    }
    if (c === '"') return { kind: "string", ...readString() };
    const number = /^-?(?:0|[1-9][0-9]*)(?:\.[0-9]+)?(?:[eE][-+]?[0-9]+)?/.exec(
      text.slice(i, i + 400),
    );
    if (number !== null && number[0] !== "-") {
      i += number[0].length;
      return { kind: "number", value: Number(number[0]), raw: number[0], start, end: i };
    }
    for (const [word, value] of [
      ["true", true],
      ["false", false],
      ["null", null],
    ] as const) {
      if (text.startsWith(word, i)) {
        i += word.length;
        return value === null
          ? { kind: "null", start, end: i }
          : { kind: "bool", value, start, end: i };
      }
    }
    return fail(`expected a JSON value, found ${describe(i)}`);
  };

  try {
    const value = readValue(0);
    skipSpace();
    if (i < text.length) fail(`unexpected ${describe(i)} after the JSON value`);
    return { ok: true, value };
  } catch (error) {
    if (error instanceof JsonReadFailure) return { ok: false, error: error.error };
    throw error;
  }
}
