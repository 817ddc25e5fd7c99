/**
 * The preflight's check that no selected unit would start from an empty state while its state
 * lies at an earlier address (`state.bucket`, `state.key` or `state.region` changed in
 * crossform.yaml; docs/decisions/0039-previous-state-addresses.md): such units stop the run, and
 * the stop names the adopt command that brings their state over. Addresses that cannot be read are
 * warnings: the check cannot tell, and says so.
 */
import type { Diagnostic } from "../../core/errors.ts";
import { sourceUrl } from "../../core/adopt/state-source.ts";
import type { Unit } from "../../core/units/units.ts";
import { earlierStates } from "../adopt/earlier-states.ts";
import type { LoadedConfig } from "../load-config.ts";
import type { RunDeps, RunOptions } from "./run-types.ts";
import { stop } from "./stop.ts";
import type { Stop } from "./stop.ts";

/** The adopt command for units whose state lies at an earlier address. */
export function adoptFromPreviousCommand(unitIds: readonly string[]): string {
  return `crossform adopt --from-previous --target ${unitIds.join(",")}`;
}

/** A stop naming each unit and the adopt command, or the warnings of what could not be read. */
export async function checkEarlierStates(
  deps: RunDeps,
  loaded: LoadedConfig,
  units: readonly Unit[],
  options: RunOptions,
): Promise<{ stop: Stop | undefined; warnings: Diagnostic[] }> {
  const found = await earlierStates(deps, loaded, units, options.user);
  const warnings: Diagnostic[] = found.unreadable.map((line) => ({
    severity: "warning",
    code: "preflight/earlier-state-unreadable",
    message: `could not check whether a state lies at an earlier address: ${line}`,
    hint: "if this unit's state was moved, check that its new address holds it before applying",
  }));
  if (found.found.length === 0) return { stop: undefined, warnings };
  const command = adoptFromPreviousCommand(found.found.map((f) => f.unit.id));
  const diagnostics: Diagnostic[] = found.found.map(({ unit, address, resources }) => ({
    severity: "error",
    code: "preflight/state-at-earlier-address",
    message: `${unit.id} has no state at s3://${unit.state.bucket}/${unit.state.key}, but its earlier address ${sourceUrl(address.source)} (from ${address.origin}) holds a state with ${resources} resource${resources === 1 ? "" : "s"}: run now, it would start from an empty state and create ${resources === 1 ? "it" : "them"} again`,
    hint: `adopt it first: ${command} (a dry run), then the same with --apply`,
  }));
  diagnostics.push({
    severity: "error",
    code: "preflight/state-at-earlier-address",
    message: `preflight: ${found.found.length} unit${found.found.length === 1 ? "" : "s"} would start from an empty state; no terraform process was started`,
    hint: `${command} copies each state to its new address (the earlier one is kept); docs/commands/adopt.md`,
  });
  return { stop: stop("problems", diagnostics), warnings };
}
