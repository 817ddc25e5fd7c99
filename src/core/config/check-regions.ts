/**
 * Every region the configuration names must be an AWS region (core/aws-regions.ts): `base.region`,
 * `defaults.regions`, each account's and each stack's `regions`, `state.region`. An unknown one is
 * an error at its position, with the closest known name.
 */
import { AWS_REGIONS, isKnownRegion } from "../aws-regions.ts";
import type { Diagnostic } from "../errors.ts";
import { quote } from "../excerpt.ts";
import { didYouMean } from "./did-you-mean.ts";
import type { ConfigLocator, ConfigPath } from "./parse-config.ts";
import type { WrittenConfig } from "./schema.ts";

/** Where regions are written, with their values. */
function regionPlaces(written: WrittenConfig): [ConfigPath, string][] {
  const places: [ConfigPath, string][] = [];
  const list = (path: ConfigPath, regions: readonly string[] | undefined): void => {
    regions?.forEach((region, i) => places.push([[...path, i], region]));
  };
  if (written.base?.region !== undefined) places.push([["base", "region"], written.base.region]);
  list(["defaults", "regions"], written.defaults?.regions);
  for (const [name, account] of Object.entries(written.accounts))
    list(["accounts", name, "regions"], account.regions);
  for (const [name, stack] of Object.entries(written.stacks ?? {}))
    list(["stacks", name, "regions"], stack.regions);
  if (written.state?.region !== undefined) places.push([["state", "region"], written.state.region]);
  return places;
}

/** `accounts.dev.regions[1]`. */
function pathText(path: ConfigPath): string {
  return path.map((p, i) => (typeof p === "number" ? `[${p}]` : i === 0 ? p : `.${p}`)).join("");
}

/** The unknown regions of a configuration, each with a did-you-mean. */
export function checkRegions(written: WrittenConfig, locator: ConfigLocator): Diagnostic[] {
  const diagnostics: Diagnostic[] = [];
  for (const [path, region] of regionPlaces(written)) {
    if (isKnownRegion(region)) continue;
    const suggestion = didYouMean(region, AWS_REGIONS);
    diagnostics.push({
      severity: "error",
      code: "config/unknown-region",
      message: `unknown region ${quote(region)} in ${pathText(path)}`,
      hint: suggestion
        ? `did you mean "${suggestion}"?`
        : "write a region such as us-east-1 (docs/config.md lists where the known regions come from)",
      position: locator.positionOf(path),
    });
  }
  return diagnostics;
}
