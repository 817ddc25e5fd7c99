/**
 * A unit planned again during an apply, after its dependencies applied (or because it had no plan:
 * blocked or skipped): may its new plan be applied? The run's one approval covers it while the new
 * plan stays within the approved one (core/run/replan-scope.ts): no question, in a terminal or in
 * CI. Beyond it, a terminal asks again and shows exactly the difference; a run that cannot ask
 * goes ahead only under `--auto-approve` in an ordinary account, and otherwise stops the unit as
 * `needs re-plan` naming the difference (docs/decisions/0029-one-approval-per-run.md).
 */
import { approvalAccountsOf } from "../../core/run/approvals.ts";
import { describeReplanExcess, replanExcess } from "../../core/run/replan-scope.ts";
import type { RunSession } from "./session.ts";
import type { UnitRunner } from "./unit-runner.ts";
import type { PlannedUnit } from "./unit-steps.ts";

/** Whether the new plan may be applied; when not, why (the unit's `needs re-plan` reason). */
export type ReplanApproval = { approved: true } | { approved: false; reason: string };

/** Why the unit was planned again, for messages. */
function replanCause(session: RunSession, runner: UnitRunner, hadPlan: boolean): string {
  const applied = runner.unit.dependsOn.filter(
    (d) => session.ledger.get(d)?.appliedChanges === true,
  );
  const after = applied.length > 0 ? applied.join(", ") : "its dependencies";
  return hadPlan
    ? `${runner.unit.id} was planned again after ${after} applied`
    : `${runner.unit.id} had no plan when the run was confirmed and was planned after ${after} applied`;
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

/**
 * Whether `runner`'s new plan `replanned` may be applied; `before` is the plan the run's
 * confirmation covered, if the unit had one.
 */
export async function approveReplan(
  session: RunSession,
  runner: UnitRunner,
  before: PlannedUnit | undefined,
  replanned: PlannedUnit,
): Promise<ReplanApproval> {
  const { deps, options, config } = session;
  const unit = runner.unit;
  const excess = replanExcess(before, replanned.summary);
  const cause = replanCause(session, runner, before !== undefined);
  if (excess.length === 0) {
    deps.events?.emit({
      type: "message",
      code: "run.replan-within-approval",
      level: "info",
      text: `${cause}; ${before ? "its new plan stays within the approved one (the same resources, no new destroy or replace)" : "its plan only creates resources, as deploying it was approved"}: no new approval needed`,
    });
    return { approved: true };
  }
  const beyond = describeReplanExcess(excess);
  const approval = approvalAccountsOf(config, unit);
  if (deps.confirm) {
    const yes = await deps.confirm({
      command: options.command === "destroy" ? "destroy" : "apply",
      plan: session.ledger.planReport([unit.id]),
      approvalAccounts: approval,
      reason: `${cause}, and its new plan goes beyond the approved one`,
      excess,
    });
    return yes
      ? { approved: true }
      : {
          approved: false,
          reason: `its new plan ${beyond}, and was not approved: run apply again`,
        };
  }
  // Nobody to ask: only --auto-approve of an ordinary account covers a plan beyond its approval.
  if (approval.length === 0 && options.autoApprove) return { approved: true };
  const flags =
    approval.length > 0
      ? `--approve ${approval.join(",")} covers only a new plan within the approved one`
      : "no --auto-approve";
  return {
    approved: false,
    reason: `its plan changed after its dependencies applied: it ${beyond}; ${flags}: review it and run apply again`,
  };
}
