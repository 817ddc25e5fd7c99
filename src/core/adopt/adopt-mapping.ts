/**
 * The mapping of `crossform adopt` (docs/commands/adopt.md): which existing state goes to which
 * unit. Written as a YAML file (`--mapping adopt.yaml`) or as flags for one unit; both become the
 * same {@link WrittenMapping}, checked here with file:line:column in every message, then turned
 * into moves (adopt-moves.ts).
 *
 * ```yaml
 * version: 1
 * from:                                  # defaults of every move
 *   bucket: acme-terraform-state
 *   key: network/terraform.tfstate
 *   region: us-east-1
 * moves:
 *   network/dev/us-east-1: { workspace: dev }
 *   network/prod/us-east-1: { workspace: prod }
 *   app/dev/us-east-1: { key: app/dev.tfstate, account: dev }
 * ```
 */
import { LineCounter, parseDocument } from "yaml";
import { z } from "zod";
import { makeLocator } from "../config/parse-config.ts";
import type { ConfigLocator, ConfigPath } from "../config/parse-config.ts";
import type { Diagnostic } from "../errors.ts";
import { quote } from "../excerpt.ts";

const sourceSchema = z
  .object({
    bucket: z.string().min(1).optional(),
    key: z.string().min(1).optional(),
    region: z.string().min(1).optional(),
    workspace: z.string().min(1).optional(),
    workspace_key_prefix: z.string().min(1).optional(),
    role_arn: z.string().startsWith("arn:").optional(),
    external_id: z.string().min(1).optional(),
    account: z.string().min(1).optional(),
  })
  .strict();

const mappingSchema = z
  .object({
    version: z.literal(1),
    from: sourceSchema.optional(),
    moves: z.record(z.string(), sourceSchema.nullable()),
  })
  .strict();

/** Where one state is, as written (every key optional: `from` gives defaults). */
export type WrittenSource = z.infer<typeof sourceSchema>;

/** A mapping as written. */
export interface WrittenMapping {
  /** Defaults of every move. */
  from: WrittenSource;
  /** Unit id -> its source, in the order written. */
  moves: [string, WrittenSource][];
  /** Positions of the moves' keys, for messages. */
  locator: ConfigLocator | undefined;
}

/** Reads a mapping file's text; `file` names it in every diagnostic. */
export function parseAdoptMapping(
  text: string,
  file: string,
): { ok: true; mapping: WrittenMapping } | { ok: false; diagnostics: Diagnostic[] } {
  const lineCounter = new LineCounter();
  const doc = parseDocument(text, { lineCounter, uniqueKeys: true, prettyErrors: false });
  const locator = makeLocator(doc, lineCounter, file);
  if (doc.errors.length > 0) {
    return {
      ok: false,
      diagnostics: doc.errors.map((error) => {
        const pos = lineCounter.linePos(error.pos[0]);
        return {
          severity: "error",
          code: "adopt/mapping-syntax",
          message: `${file} is not valid YAML: ${error.message.split("\n")[0] ?? ""}`,
          hint: "fix the YAML at this position (indentation, a missing ':' or an unclosed quote)",
          position: { file, line: pos.line, column: pos.col },
        };
      }),
    };
  }
  let data: unknown;
  try {
    data = doc.toJS({ maxAliasCount: 100 });
  } catch (error) {
    return {
      ok: false,
      diagnostics: [
        {
          severity: "error",
          code: "adopt/mapping-syntax",
          message: `${file} cannot be read as data: ${error instanceof Error ? error.message : String(error)}`,
          hint: "write the values out instead of nesting aliases",
          position: { file, line: 1, column: 1 },
        },
      ],
    };
  }
  const parsed = mappingSchema.safeParse(data);
  if (!parsed.success) {
    return {
      ok: false,
      diagnostics: parsed.error.issues.map((issue) => schemaDiagnostic(issue, locator, file)),
    };
  }
  return {
    ok: true,
    mapping: {
      from: parsed.data.from ?? {},
      moves: Object.entries(parsed.data.moves).map(([unit, source]) => [unit, source ?? {}]),
      locator,
    },
  };
}

const KEYS_HINT =
  "a mapping has `version: 1`, `from:` (defaults) and `moves:` (unit id -> { bucket, key, region, workspace, workspace_key_prefix, role_arn, external_id, account })";

function schemaDiagnostic(
  issue: z.core.$ZodIssue,
  locator: ConfigLocator,
  file: string,
): Diagnostic {
  const path = issue.path.filter((p): p is string | number => typeof p !== "symbol");
  const where = path.length > 0 ? path.join(".") : "the top level";
  const unknown = issue.code === "unrecognized_keys" ? issue.keys : [];
  const message =
    unknown.length > 0
      ? `unknown key ${unknown.map((k) => quote(k)).join(", ")} in ${where}`
      : path[0] === "version"
        ? `${file}: version must be 1`
        : `${where}: ${issue.message}`;
  return {
    severity: "error",
    code: "adopt/mapping-invalid",
    message,
    hint: KEYS_HINT,
    position: locator.positionOf(
      unknown.length > 0 ? ([...path, unknown[0] as string] as ConfigPath) : path,
      { key: unknown.length > 0 },
    ),
  };
}
