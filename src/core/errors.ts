/** Who is at fault when something goes wrong: the user's input, the outside world, or crossform itself. */
export type ErrorSource = "user" | "external" | "internal";

/** A position in a file, 1-based line and column. */
export interface SourcePosition {
  /** Path of the file as the user would type it (relative to the working directory when possible). */
  file: string;
  line: number;
  column: number;
}

/** The one error type of crossform: a stable code, who is at fault, what happened, and how to fix it. */
export class CrossformError extends Error {
  readonly code: string;
  readonly source: ErrorSource;
  readonly hint: string | undefined;
  readonly position: SourcePosition | undefined;

  constructor(
    code: string,
    source: ErrorSource,
    message: string,
    options: { hint?: string; position?: SourcePosition; cause?: unknown } = {},
  ) {
    super(message, options.cause === undefined ? undefined : { cause: options.cause });
    this.name = "CrossformError";
    this.code = code;
    this.source = source;
    this.hint = options.hint;
    this.position = options.position;
  }
}

/** Severity of a diagnostic. */
export type Severity = "error" | "warning";

/** A finding about the user's input: several can be reported at once, none is thrown. */
export interface Diagnostic {
  severity: Severity;
  /** Stable identifier, e.g. `config/unknown-key`. */
  code: string;
  message: string;
  hint?: string;
  position?: SourcePosition;
}

/** Formats a position the way editors and terminals link it: `file:line:column`. */
export function formatPosition(position: SourcePosition): string {
  return `${position.file}:${position.line}:${position.column}`;
}
