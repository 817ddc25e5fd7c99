/**
 * The whole pure path from `crossform.yaml` text to a checked configuration and its units:
 * parse -> schema -> normalize -> units and state layout. I/O (finding and reading the file) is
 * done by the app layer.
 */
import type { Diagnostic } from "../errors.ts";
import { boundText } from "../excerpt.ts";
import { expandUnits } from "../units/units.ts";
import type { UnitSet } from "../units/units.ts";
import type { Config } from "./model.ts";
import { checkRegions } from "./check-regions.ts";
import { checkReservedVars } from "./check-vars.ts";
import { normalizeConfig } from "./normalize.ts";
import { parseConfig } from "./parse-config.ts";

/** A checked configuration with its units, or every problem found. */
export type ReadConfigResult =
  | { ok: true; config: Config; units: UnitSet; warnings: Diagnostic[] }
  | { ok: false; diagnostics: Diagnostic[] };

/** A diagnostic whose message and hint quote at most a short excerpt of the input. */
function bounded(diagnostic: Diagnostic): Diagnostic {
  return {
    ...diagnostic,
    message: boundText(diagnostic.message),
    ...(diagnostic.hint === undefined ? {} : { hint: boundText(diagnostic.hint) }),
  };
}

/**
 * Reads configuration text; `file` names the file in every diagnostic. No message is longer than
 * `MESSAGE_LENGTH` (core/excerpt.ts), whatever the input holds.
 */
export function readConfigText(text: string, file: string): ReadConfigResult {
  const result = readConfig(text, file);
  if (!result.ok) return { ok: false, diagnostics: result.diagnostics.map(bounded) };
  return { ...result, warnings: result.warnings.map(bounded) };
}

function readConfig(text: string, file: string): ReadConfigResult {
  const parsed = parseConfig(text, file);
  if (!parsed.ok) return { ok: false, diagnostics: parsed.diagnostics };
  const normalized = normalizeConfig(parsed.config, parsed.locator, file);
  const checked = [
    ...checkRegions(parsed.config, parsed.locator),
    ...checkReservedVars(parsed.config, parsed.locator),
  ];
  if (!normalized.ok) return { ok: false, diagnostics: [...normalized.diagnostics, ...checked] };
  if (checked.length > 0) return { ok: false, diagnostics: checked };
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
