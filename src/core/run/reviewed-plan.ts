/**
 * Reviewed plans (docs/ci.md, "Applying what was reviewed"): a unit's saved plan, made for a pull
 * request and kept in the bucket that holds the unit's state, next to the state, under the digest
 * of the unit's inputs at the reviewed commit (its "commit tree"). The main-branch apply takes it
 * when the unit's inputs at the merged commit have the same digest and the state has not changed
 * since the plan (terraform's serial and lineage). Pure: where it lies, and why it no longer holds.
 */
import type { PlanSummary } from "../plan/plan-summary.ts";

/** A state's version as terraform counts it; both null when the unit has no state yet. */
export interface StateVersion {
  serial: number | null;
  lineage: string | null;
}

/** What is stored with a reviewed plan, next to its `plan.tfplan`, `binding.json` and `summary.json`. */
export interface ReviewedPlanRecord {
  version: 1;
  unit: string;
  /** The plan run that made it. */
  run_id: string;
  /** The commit it was planned at (the pull request's), when in git. */
  commit?: string;
  /** SHA-256 of the unit's inputs at that commit (app/run/unit-inputs.ts). */
  inputs_tree_sha256: string;
  /** The unit's state as it was read just before the plan. */
  state: StateVersion;
  /** ISO 8601. */
  planned_at: string;
}

/** The files of a reviewed plan, in its prefix. */
export const REVIEWED_PLAN_FILES = ["plan.tfplan", "binding.json", "summary.json", "reviewed.json"];

/** What every reviewed plan's object key holds, and no state key does. */
export const REVIEWED_PLAN_KEY_MARKER = ".crossform-reviewed/";

/** Where a unit's reviewed plans lie: beside its state object, one prefix per inputs digest. */
export function reviewedPlanPrefix(stateKey: string, inputsTreeSha256: string): string {
  return `${stateKey}${REVIEWED_PLAN_KEY_MARKER}${inputsTreeSha256}/`;
}

/** The version of a state document (the text of its state object); no text: no state yet. */
export function stateVersionOf(text: string | undefined): StateVersion {
  if (text === undefined || text.trim() === "") return { serial: null, lineage: null };
  try {
    const state = JSON.parse(text) as { serial?: unknown; lineage?: unknown };
    return {
      serial: typeof state.serial === "number" ? state.serial : null,
      lineage: typeof state.lineage === "string" ? state.lineage : null,
    };
  } catch {
    return { serial: null, lineage: null };
  }
}

function shown(version: StateVersion): string {
  return version.serial === null ? "no state" : `serial ${version.serial}`;
}

/**
 * Why the state no longer is the one a plan was made against, or undefined when it is: another
 * lineage (the state was replaced) or another serial (something wrote it since).
 */
export function stateChange(reviewed: StateVersion, now: StateVersion): string | undefined {
  if (reviewed.lineage !== now.lineage && reviewed.lineage !== null && now.lineage !== null)
    return `its state was replaced since the review (lineage ${reviewed.lineage}, now ${now.lineage})`;
  if (reviewed.serial !== now.serial)
    return `its state changed since the review (${shown(reviewed)} then, ${shown(now)} now)`;
  return undefined;
}

/**
 * Whether two plans do exactly the same (resources, actions, values, outputs): a unit planned again
 * whose new plan is the reviewed one's twin may be applied without a new review.
 */
export function samePlan(a: PlanSummary, b: PlanSummary): boolean {
  const shape = (s: PlanSummary): string =>
    JSON.stringify({
      r: s.resources.map((r) => [r.address, r.action, r.attributes.map((x) => [x.name, x.after])]),
      o: s.outputs.map((o) => [o.name, o.action, o.after]),
    });
  return shape(a) === shape(b);
}
