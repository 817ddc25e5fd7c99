/**
 * crossform's public library API. Everything the CLI does is available here, typed.
 * Nothing outside this module is public.
 * @packageDocumentation
 */
export { CrossformError, formatPosition } from "./core/errors.ts";
export type { Diagnostic, ErrorSource, Severity, SourcePosition } from "./core/errors.ts";
