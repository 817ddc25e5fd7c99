/**
 * `terraform validate -json` output (format 1.0, the same in OpenTofu) read into diagnostics: each
 * with its severity, summary, detail and, when Terraform gives one, the file and position it is
 * about, as Terraform names them (relative to its working directory).
 */

/** One diagnostic Terraform reported. */
export interface TerraformDiagnostic {
  severity: "error" | "warning";
  /** Terraform's one-line summary, e.g. `Reference to undeclared input variable`. */
  summary: string;
  /** Terraform's explanation; `""` when it gives none. */
  detail: string;
  /** Where it is; absent for diagnostics about no file (a missing provider). */
  range?: { filename: string; line: number; column: number } | undefined;
}

/** What a `validate -json` run said. */
export type TerraformValidateOutput =
  | { ok: true; valid: boolean; diagnostics: TerraformDiagnostic[] }
  /** The output was not the JSON document Terraform writes (a crash, another binary). */
  | { ok: false; reason: string };

function record(value: unknown): Record<string, unknown> | undefined {
  return typeof value === "object" && value !== null && !Array.isArray(value)
    ? (value as Record<string, unknown>)
    : undefined;
}

function text(value: unknown): string {
  return typeof value === "string" ? value : "";
}

function positive(value: unknown): number | undefined {
  return typeof value === "number" && Number.isInteger(value) && value > 0 ? value : undefined;
}

function rangeOf(value: unknown): TerraformDiagnostic["range"] {
  const range = record(value);
  const start = record(range?.start);
  const filename = text(range?.filename);
  const line = positive(start?.line);
  const column = positive(start?.column);
  if (filename === "" || line === undefined) return undefined;
  return { filename, line, column: column ?? 1 };
}

function diagnosticOf(value: unknown): TerraformDiagnostic | undefined {
  const d = record(value);
  if (d === undefined) return undefined;
  const range = rangeOf(d.range);
  return {
    severity: d.severity === "warning" ? "warning" : "error",
    summary: text(d.summary).trim() || "terraform reported a problem",
    detail: text(d.detail).trim(),
    ...(range === undefined ? {} : { range }),
  };
}

/** Reads the stdout of `terraform validate -json`. */
export function parseValidateJson(stdout: string): TerraformValidateOutput {
  let document: unknown;
  try {
    document = JSON.parse(stdout);
  } catch {
    const shown = stdout.trim().slice(0, 200);
    return { ok: false, reason: shown === "" ? "no output" : `not JSON: ${shown}` };
  }
  const root = record(document);
  if (root === undefined || typeof root.valid !== "boolean" || !Array.isArray(root.diagnostics)) {
    return { ok: false, reason: "JSON without the valid and diagnostics fields" };
  }
  const diagnostics = root.diagnostics
    .map(diagnosticOf)
    .filter((d): d is TerraformDiagnostic => d !== undefined);
  return { ok: true, valid: root.valid, diagnostics };
}

const UNDECLARED =
  /^An input variable with the name "(crossform_[A-Za-z0-9_]+)" has not been declared/;

/**
 * The hint for a diagnostic crossform can say more about: a `crossform_*` variable that is not
 * declared means the generated `crossform_variables.tf` is missing or stale.
 */
export function terraformDiagnosticHint(diagnostic: TerraformDiagnostic): string | undefined {
  const variable = UNDECLARED.exec(diagnostic.detail)?.[1];
  if (variable !== undefined) {
    return `${variable} is declared by the generated crossform_variables.tf: run crossform generate, and commit the files it writes`;
  }
  return undefined;
}
