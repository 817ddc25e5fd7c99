/**
 * A unit planned again during an apply, after its dependencies applied (or because it was
 * blocked): may its new plan be applied? Interactively the operator is asked again, with the
 * unit's new summary. Non-interactively (docs/decisions/0012-run-engine.md): a unit that was
 * blocked goes ahead under the run's own approvals; a confirmed plan that changed goes ahead only
 * with `--auto-approve` and no approval account.
 */
import type { PlanSummary } from "../../core/plan/plan-summary.ts";
import { approvalAccountsOf } from "../../core/run/approvals.ts";
import type { RunSession } from "./session.ts";
import type { UnitRunner } from "./unit-runner.ts";
import type { PlannedUnit } from "./unit-steps.ts";

/** Whether two plans would do the same: same resources, actions, attributes and outputs. */
export function samePlan(a: PlanSummary, b: PlanSummary): boolean {
  const shape = (s: PlanSummary): string =>
    JSON.stringify({
      r: s.resources.map((r) => [r.address, r.action, r.attributes.map((x) => [x.name, x.after])]),
      o: s.outputs.map((o) => [o.name, o.action, o.after]),
    });
  return shape(a) === shape(b);
}

/**
 * `apply --reviewed-plans`: whether a unit's new plan, made because its reviewed plan does not hold
 * (`why`), may be applied. Only an operator at a terminal can approve it; without one it is never
 * applied: `--auto-approve` approved the reviewed plans, not a plan nobody saw.
 */
export async function approveUnreviewed(
  session: RunSession,
  runner: UnitRunner,
  why: string,
): Promise<boolean> {
  const { deps, config } = session;
  if (!deps.confirm) return false;
  return deps.confirm({
    command: "apply",
    plan: session.ledger.planReport([runner.unit.id]),
    approvalAccounts: approvalAccountsOf(config, runner.unit),
    reason: `${runner.unit.id}: ${why}; it was planned again, and this plan was not reviewed`,
  });
}

/** Whether `runner`'s new plan may be applied; `before` is its confirmed plan, if it had one. */
export async function approveReplan(
  session: RunSession,
  runner: UnitRunner,
  before: PlannedUnit | undefined,
): Promise<boolean> {
  const { deps, options, config } = session;
  const unit = runner.unit;
  const approval = approvalAccountsOf(config, unit);
  if (deps.confirm) {
    return deps.confirm({
      command: options.command === "destroy" ? "destroy" : "apply",
      plan: session.ledger.planReport([unit.id]),
      approvalAccounts: approval,
      reason: `${unit.id} was planned again after its dependencies applied, and its plan differs`,
    });
  }
  if (before === undefined) {
    // Blocked at plan time: its first plan is covered by the run's approvals.
    return approval.length > 0
      ? approval.every((a) => options.approve.includes(a))
      : options.autoApprove;
  }
  // A confirmed plan that changed: only --auto-approve of an ordinary account covers it.
  return approval.length === 0 && options.autoApprove;
}
