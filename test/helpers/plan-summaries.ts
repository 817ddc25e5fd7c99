/**
 * Plan summaries built in tests, as `summarizePlan` would give them: every count 0 and the given
 * resources (the counts are not derived from them: set those a test reads).
 */
import type { PlanSummary, ResourceChangeSummary } from "../../src/core/plan/plan-summary.ts";

/** One resource change of a summary, without attributes, moves or imports unless `extra` says. */
export function resourceChange(
  address: string,
  action: ResourceChangeSummary["action"],
  extra: Partial<ResourceChangeSummary> = {},
): ResourceChangeSummary {
  return {
    address,
    previousAddress: undefined,
    action,
    actions: [],
    importing: false,
    reason: undefined,
    replacedBy: [],
    attributes: [],
    ...extra,
  };
}

/** A summary of Terraform 1.11.4 holding `resources`, every count 0. */
export function planSummary(...resources: ResourceChangeSummary[]): PlanSummary {
  return {
    terraformVersion: "1.11.4",
    errored: false,
    add: 0,
    change: 0,
    destroy: 0,
    replace: 0,
    moved: 0,
    imported: 0,
    forget: 0,
    drift: 0,
    outputsChanged: 0,
    resources,
    drifted: [],
    outputs: [],
  };
}
