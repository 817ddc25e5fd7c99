/**
 * IAM and S3 policy documents compared by meaning, not by text: AWS hands policies back with
 * reordered keys, single values where arrays were written (and the reverse), URL-encoded trust
 * policies, and case-insensitive action names and condition keys.
 */

/** One policy statement as JSON. */
export type PolicyStatement = Record<string, unknown>;

/** A policy document as JSON. */
export interface PolicyDocument {
  Version?: string;
  Id?: string;
  Statement: PolicyStatement[];
}

/**
 * Parses a policy document; accepts the URL-encoded form IAM returns for trust policies. Returns
 * undefined when the text is not a JSON object with statements.
 */
export function parsePolicy(text: string): PolicyDocument | undefined {
  let source = text.trim();
  if (source.startsWith("%")) {
    try {
      source = decodeURIComponent(source);
    } catch {
      return undefined;
    }
  }
  let parsed: unknown;
  try {
    parsed = JSON.parse(source);
  } catch {
    return undefined;
  }
  if (!isRecord(parsed)) return undefined;
  const statement = parsed["Statement"];
  const statements = Array.isArray(statement) ? statement : [statement];
  if (statement === undefined || !statements.every(isRecord)) return undefined;
  const document: PolicyDocument = { Statement: statements };
  if (typeof parsed["Version"] === "string") document.Version = parsed["Version"];
  if (typeof parsed["Id"] === "string") document.Id = parsed["Id"];
  return document;
}

/**
 * The canonical text of a statement: `Sid` dropped (it names, it does not grant), every value
 * list sorted and deduplicated, actions and condition keys lowercased, `Principal: "*"` the same
 * as `{ AWS: "*" }`, keys sorted.
 */
export function canonicalStatement(statement: PolicyStatement): string {
  const out: Record<string, unknown> = {};
  for (const [key, value] of Object.entries(statement)) {
    switch (key) {
      case "Sid":
        break;
      case "Action":
      case "NotAction":
        out[key] = valueList(value).map((v) => v.toLowerCase());
        out[key] = [...new Set(out[key] as string[])].sort();
        break;
      case "Resource":
      case "NotResource":
        out[key] = [...new Set(valueList(value))].sort();
        break;
      case "Principal":
      case "NotPrincipal":
        out[key] = canonicalPrincipal(value);
        break;
      case "Condition":
        out[key] = canonicalCondition(value);
        break;
      default:
        out[key] = value;
    }
  }
  return stableStringify(out);
}

/** The canonical text of a whole document: its version and its statements as a sorted set. */
export function canonicalPolicy(document: PolicyDocument): string {
  const statements = [...new Set(document.Statement.map(canonicalStatement))].sort();
  return stableStringify({ Version: document.Version ?? "2008-10-17", Statement: statements });
}

/** Whether two documents grant and deny the same things (compared by {@link canonicalPolicy}). */
export function policiesEqual(a: PolicyDocument, b: PolicyDocument): boolean {
  return canonicalPolicy(a) === canonicalPolicy(b);
}

/** Whether `document` holds a statement equal in meaning to `statement`. */
export function hasStatement(document: PolicyDocument, statement: PolicyStatement): boolean {
  const wanted = canonicalStatement(statement);
  return document.Statement.some((s) => canonicalStatement(s) === wanted);
}

function canonicalPrincipal(value: unknown): unknown {
  if (value === "*") return { AWS: ["*"] };
  if (!isRecord(value)) return value;
  const out: Record<string, string[]> = {};
  for (const key of Object.keys(value).sort()) {
    out[key] = [...new Set(valueList(value[key]))].sort();
  }
  return out;
}

function canonicalCondition(value: unknown): unknown {
  if (!isRecord(value)) return value;
  const out: Record<string, Record<string, string[]>> = {};
  for (const operator of Object.keys(value).sort()) {
    const block = value[operator];
    if (!isRecord(block)) continue;
    const keys: Record<string, string[]> = {};
    for (const [key, v] of Object.entries(block)) {
      // Condition keys are case-insensitive; values of Bool and numeric operators may be written
      // as JSON booleans or numbers, which AWS treats as their string form.
      keys[key.toLowerCase()] = [...new Set(valueList(v))].sort();
    }
    out[operator] = keys;
  }
  return out;
}

function valueList(value: unknown): string[] {
  const list = Array.isArray(value) ? value : [value];
  return list.map((v) => (typeof v === "string" ? v : JSON.stringify(v)));
}

function isRecord(value: unknown): value is Record<string, unknown> {
  return typeof value === "object" && value !== null && !Array.isArray(value);
}

/** JSON with object keys sorted at every level, so equal values give equal text. */
export function stableStringify(value: unknown): string {
  if (Array.isArray(value)) return `[${value.map(stableStringify).join(",")}]`;
  if (isRecord(value)) {
    const entries = Object.keys(value)
      .sort()
      .filter((k) => value[k] !== undefined)
      .map((k) => `${JSON.stringify(k)}:${stableStringify(value[k])}`);
    return `{${entries.join(",")}}`;
  }
  return JSON.stringify(value) ?? "null";
}
