/**
 * The whole pure path from `crossform.yaml` text to a checked configuration and its units:
 * parse -> schema -> normalize -> units and state layout. I/O (finding and reading the file) is
 * done by the app layer.
 */
import type { Diagnostic } from "../errors.ts";
import { expandUnits } from "../units/units.ts";
import type { UnitSet } from "../units/units.ts";
import type { Config } from "./model.ts";
import { checkReservedVars } from "./check-vars.ts";
import { normalizeConfig } from "./normalize.ts";
import { parseConfig } from "./parse-config.ts";

/** A checked configuration with its units, or every problem found. */
export type ReadConfigResult =
  | { ok: true; config: Config; units: UnitSet; warnings: Diagnostic[] }
  | { ok: false; diagnostics: Diagnostic[] };

/** Reads configuration text; `file` names the file in every diagnostic. */
export function readConfigText(text: string, file: string): ReadConfigResult {
  const parsed = parseConfig(text, file);
  if (!parsed.ok) return { ok: false, diagnostics: parsed.diagnostics };
  const normalized = normalizeConfig(parsed.config, parsed.locator, file);
  const reserved = checkReservedVars(parsed.config, parsed.locator);
  if (!normalized.ok) return { ok: false, diagnostics: [...normalized.diagnostics, ...reserved] };
  if (reserved.length > 0) return { ok: false, diagnostics: reserved };
  const { units, diagnostics } = expandUnits(normalized.config);
  const errors = diagnostics.filter((d) => d.severity === "error");
  if (errors.length > 0) return { ok: false, diagnostics };
  return {
    ok: true,
    config: normalized.config,
    units,
    warnings: [...parsed.warnings, ...normalized.warnings, ...diagnostics],
  };
}
