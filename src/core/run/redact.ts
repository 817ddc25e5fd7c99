/**
 * Redaction of credentials from terraform's output before it reaches a log, a record or a screen
 * (docs/contract.md sections 5 and 7). Terraform's `TF_LOG=trace` prints the
 * assumed-role `SessionToken` of every STS response in full, so `--debug` logs would otherwise
 * carry live credentials.
 *
 * Redaction works on complete lines: a stream is split into lines first, so a token split across
 * two chunks of a pipe is still seen whole. A value found by a pattern (a session token in an STS
 * response, say) is remembered and redacted wherever it appears later in the same run.
 *
 * Values known in advance (the values of sensitive variables, sensitive outputs: see
 * `app/run/run-secrets.ts`) are redacted by value, in each of the forms they take in text: as
 * written, URL-encoded, escaped inside a JSON string, and, for a value holding whitespace or line
 * breaks (which terraform may wrap or split over lines), each of its pieces of
 * {@link MIN_SECRET_LENGTH} or more characters.
 */

/** What a redacted value is replaced with. */
export const REDACTED = "[redacted]";

/**
 * Exact values shorter than this are not redacted by value (they would blank common words: the
 * emulator's secret key is `test`); real AWS secrets are 40 characters, tokens hundreds.
 */
export const MIN_SECRET_LENGTH = 8;

/** Environment names whose values are credentials. */
const SECRET_VARIABLES = [
  "AWS_ACCESS_KEY_ID",
  "AWS_SECRET_ACCESS_KEY",
  "AWS_SESSION_TOKEN",
  "AWS_SECURITY_TOKEN",
  "AWS_CONTAINER_AUTHORIZATION_TOKEN",
];

/** Prefixes of environment names whose values are credentials: terraform's registry tokens. */
const SECRET_PREFIXES = ["TF_TOKEN_"];

/**
 * The credential values of an environment (the base keys, a session token, registry tokens), to
 * redact by value.
 */
export function secretValuesOf(env: Readonly<Record<string, string | undefined>>): string[] {
  const values: string[] = [];
  for (const [name, value] of Object.entries(env)) {
    const secret =
      SECRET_VARIABLES.includes(name) || SECRET_PREFIXES.some((p) => name.startsWith(p));
    if (secret && value !== undefined && value !== "") values.push(value);
  }
  return values;
}

/** Splits one output stream into redacted complete lines. */
export interface RedactingLineStream {
  /** Adds a chunk; returns the lines it completed, redacted, without their line ends. */
  push(chunk: string): string[];
  /** Ends the stream; returns its last line, redacted, when it did not end with a newline. */
  end(): string[];
}

/** Redacts credentials from text; one per terraform run (it learns values as it sees them). */
export interface Redactor {
  /** Redacts one complete line, without its line end. */
  redactLine(line: string): string;
  /** Redacts a whole text, line by line, keeping its line ends. */
  redactText(text: string): string;
  /** A line splitter for one output stream (stdout, stderr); streams share learned values. */
  lineStream(): RedactingLineStream;
  /** Redacts `value` wherever it appears from now on (ignored below {@link MIN_SECRET_LENGTH}). */
  addSecret(value: string): void;
}

/** `value` (any JSON-like data) with every string in it redacted by `redactor`; keys are kept. */
export function redactValue<T>(value: T, redactor: Pick<Redactor, "redactText">): T {
  const walk = (item: unknown): unknown => {
    if (typeof item === "string") return redactor.redactText(item);
    if (Array.isArray(item)) return item.map(walk);
    if (typeof item === "object" && item !== null) {
      const out: Record<string, unknown> = {};
      for (const [key, inner] of Object.entries(item)) out[key] = walk(inner);
      return out;
    }
    return item;
  };
  return walk(value) as T;
}

// XML elements of STS and container-credential responses that hold secrets.
const XML_NAMES = "SessionToken|SecretAccessKey|SecurityToken";
const XML_ELEMENT = new RegExp(`<(${XML_NAMES})>([^<]*)</\\1>`, "gi");
const XML_UNCLOSED = new RegExp(`<(${XML_NAMES})>([^<]*)$`, "i");

// JSON properties, plain or embedded in a JSON string (`\"SessionToken\":\"...\"`), value a
// string or a one-string array (Go's header maps).
const JSON_NAMES = [
  "SessionToken",
  "SecretAccessKey",
  "SecurityToken",
  "Token",
  "session_token",
  "secret_access_key",
  "aws_session_token",
  "aws_secret_access_key",
  "aws_security_token",
  "X-Amz-Security-Token",
].join("|");
const JSON_PROPERTY = new RegExp(
  `(\\\\?"(?:${JSON_NAMES})\\\\?"\\s*:\\s*\\[?\\s*\\\\?")([^"\\\\]*(?:\\\\(?!")[\\s\\S][^"\\\\]*)*)`,
  "gi",
);

// name = value, name: value, name=value: ini files, environment dumps, logfmt, HTTP headers,
// URL query strings.
const ASSIGNMENT = new RegExp(
  "\\b(aws_session_token|aws_secret_access_key|aws_security_token|x[-_]amz[-_]security[-_]token)" +
    "(\\s*[=:]\\s*)([\"']?)([^\\s\"'&,;<>]+)",
  "gi",
);

// Long-term (AKIA) and temporary (ASIA) access key ids.
const KEY_ID = /\b(AKIA|ASIA)[A-Z0-9]{16}\b/g;

/** True when a matched value is worth remembering: long enough and not already masked. */
function learnable(value: string): boolean {
  return value.length >= MIN_SECRET_LENGTH && !/^\**$/.test(value) && !value.includes(REDACTED);
}

/** Whether `value` can be redacted by value: long enough, and not part of the redaction mark. */
export function redactableByValue(value: string): boolean {
  return value.length >= MIN_SECRET_LENGTH && !REDACTED.includes(value);
}

/**
 * The forms a secret takes in text, each to be redacted: itself, URL-encoded, escaped inside a JSON
 * string, and, when it holds whitespace, each of its whitespace-separated pieces long enough to be
 * redacted on its own (terraform wraps long messages at spaces, and a multi-line value reaches a
 * line-by-line redactor one line at a time). Empty when the value is too short.
 */
export function secretForms(value: string): string[] {
  if (!redactableByValue(value)) return [];
  const forms = new Set<string>([
    value,
    encodeURIComponent(value),
    JSON.stringify(value).slice(1, -1),
  ]);
  if (/\s/.test(value)) {
    for (const piece of value.split(/\s+/)) if (redactableByValue(piece)) forms.add(piece);
  }
  return [...forms].filter(redactableByValue);
}

function escapeRegExp(text: string): string {
  return text.replace(/[.*+?^${}()|[\]\\]/g, "\\$&");
}

/** Creates a redactor that also removes each of `secrets` (exact values) wherever it appears. */
export function createRedactor(secrets: readonly string[] = []): Redactor {
  const known = new Set<string>();
  // One alternation, longest first (so that a secret containing another is replaced whole),
  // rebuilt when a secret is added: one native scan per line however many secrets there are.
  let matcher: RegExp | undefined;
  const addSecret = (value: string): void => {
    let changed = false;
    for (const form of secretForms(value)) {
      if (!known.has(form)) {
        known.add(form);
        changed = true;
      }
    }
    if (changed) {
      const sorted = [...known].sort((a, b) => b.length - a.length);
      matcher = new RegExp(sorted.map(escapeRegExp).join("|"), "g");
    }
  };
  for (const secret of secrets) addSecret(secret);

  const learn = (value: string): void => {
    if (learnable(value)) addSecret(value);
  };

  const redactPatterns = (line: string): string =>
    line
      .replace(XML_ELEMENT, (_m, name: string, value: string) => {
        learn(value);
        return `<${name}>${REDACTED}</${name}>`;
      })
      .replace(JSON_PROPERTY, (_m, head: string, value: string) => {
        learn(value);
        return `${head}${REDACTED}`;
      })
      .replace(ASSIGNMENT, (_m, name: string, sep: string, quote: string, value: string) => {
        learn(value);
        return `${name}${sep}${quote}${REDACTED}`;
      })
      .replace(KEY_ID, (_m, prefix: string) => `${prefix}${REDACTED}`);

  const redactKnown = (line: string): string =>
    matcher === undefined ? line : line.replace(matcher, REDACTED);

  /** Redacts a line; `carry.open` names an XML element whose value continues on later lines. */
  const redact = (line: string, carry: { open: string | undefined }): string => {
    let head = "";
    let rest = line;
    if (carry.open !== undefined) {
      const close = rest.search(new RegExp(`</${carry.open}>`, "i"));
      if (close < 0) {
        learn(rest.trim());
        return REDACTED;
      }
      learn(rest.slice(0, close).trim());
      head = REDACTED;
      rest = rest.slice(close);
      carry.open = undefined;
    }
    let out = redactPatterns(rest);
    const unclosed = XML_UNCLOSED.exec(out);
    if (unclosed) {
      learn(unclosed[2]?.trim() ?? "");
      out = `${out.slice(0, unclosed.index)}<${unclosed[1]}>${REDACTED}`;
      carry.open = unclosed[1];
    }
    return redactKnown(head + out);
  };

  const lineStream = (): RedactingLineStream => {
    const carry: { open: string | undefined } = { open: undefined };
    let pending = "";
    const take = (line: string): string =>
      redact(line.endsWith("\r") ? line.slice(0, -1) : line, carry);
    return {
      push(chunk) {
        pending += chunk;
        const parts = pending.split("\n");
        pending = parts.pop() ?? "";
        return parts.map(take);
      },
      end() {
        if (pending === "") return [];
        const last = take(pending);
        pending = "";
        return [last];
      },
    };
  };

  return {
    redactLine: (line) => redact(line, { open: undefined }),
    redactText(text) {
      const carry: { open: string | undefined } = { open: undefined };
      return text
        .split("\n")
        .map((line) => {
          const cr = line.endsWith("\r");
          const redacted = redact(cr ? line.slice(0, -1) : line, carry);
          return cr ? `${redacted}\r` : redacted;
        })
        .join("\n");
    },
    lineStream,
    addSecret,
  };
}
