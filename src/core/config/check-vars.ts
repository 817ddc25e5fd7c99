/**
 * User variables may not use the `crossform_` prefix: those names are crossform's public API
 * (docs/contract.md section 3), and a user value would silently replace the generated one.
 */
import type { Diagnostic } from "../errors.ts";
import type { ConfigLocator, ConfigPath } from "./parse-config.ts";
import type { WrittenConfig } from "./schema.ts";

/** Finds user variables named `crossform_*` anywhere `vars` may appear. */
export function checkReservedVars(written: WrittenConfig, locator: ConfigLocator): Diagnostic[] {
  const places: [ConfigPath, Record<string, unknown> | undefined][] = [
    [["defaults", "vars"], written.defaults?.vars],
  ];
  for (const [name, a] of Object.entries(written.accounts))
    places.push([["accounts", name, "vars"], a.vars]);
  for (const [name, s] of Object.entries(written.stacks ?? {})) {
    places.push([["stacks", name, "vars"], s.vars]);
    for (const [target, t] of Object.entries(s.targets ?? {})) {
      places.push([["stacks", name, "targets", target, "vars"], t.vars]);
    }
  }
  const diagnostics: Diagnostic[] = [];
  for (const [path, vars] of places) {
    for (const key of Object.keys(vars ?? {})) {
      if (key.startsWith("crossform_")) {
        diagnostics.push({
          severity: "error",
          code: "config/reserved-variable",
          message: `variable ${key} in ${path.join(".")} uses the reserved prefix crossform_`,
          hint: "crossform sets every crossform_* variable itself; rename yours",
          position: locator.positionOf([...path, key], { key: true }),
        });
      }
    }
  }
  return diagnostics;
}
