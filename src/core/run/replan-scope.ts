/**
 * What an approval covers when a unit is planned again during an apply
 * (docs/decisions/0029-one-approval-per-run.md). The operator approved the plan the confirmation
 * showed: every resource address it holds (those it changes and those it leaves as they are), and
 * which of them it destroys or replaces. A re-plan stays within that approval while it touches
 * only those addresses and destroys or replaces nothing the approved plan did not; the values may
 * differ (that is why the unit was planned again: its dependency's outputs changed). A unit that
 * had no plan at the confirmation (blocked or skipped: shown as pending) was approved as "deploy
 * it": its new resources are covered, and anything it does to existing ones is not.
 */
import type { PlanSummary, ResourceAction, ResourceChangeSummary } from "../plan/plan-summary.ts";

/** Why a resource of a re-plan lies outside the approval. */
export type ExcessReason =
  /** Its address was not in the approved plan (or, for a unit that had none, it is not a create). */
  | "not-shown"
  /** It is destroyed or replaced, and the approved plan did not destroy or replace it. */
  | "new-destroy";

/** One resource of a re-plan that its approval does not cover. */
export interface ReplanExcess {
  address: string;
  action: ResourceAction;
  reason: ExcessReason;
  /** The attributes that force a replacement, when it is one. */
  replacedBy: string[];
}

/** Whether an action destroys what exists (a delete, or the delete of a replace). */
function destroys(action: ResourceAction): boolean {
  return action === "delete" || action === "replace";
}

/** A plain create: no move, no import. */
function plainCreate(resource: ResourceChangeSummary): boolean {
  return (
    resource.action === "create" && !resource.importing && resource.previousAddress === undefined
  );
}

/** What the operator approved of one unit: its plan's summary and every address the plan holds. */
export interface ApprovedPlan {
  summary: PlanSummary;
  /**
   * Every managed resource instance address of the plan, unchanged ones included (see
   * {@link plannedAddresses}); without it, only the addresses the summary lists.
   */
  addresses?: readonly string[];
}

/**
 * Every managed resource instance address in `terraform show -json` of a plan: Terraform lists
 * each instance of the configuration and the state in `resource_changes`, those it leaves alone
 * with the action `no-op`. Empty when the text is not a plan.
 */
export function plannedAddresses(showJson: string): string[] {
  let plan: unknown;
  try {
    plan = JSON.parse(showJson);
  } catch {
    return [];
  }
  const changes = (plan as { resource_changes?: unknown } | null)?.resource_changes;
  if (!Array.isArray(changes)) return [];
  const addresses: string[] = [];
  for (const change of changes as unknown[]) {
    const { mode, address } = (change ?? {}) as { mode?: unknown; address?: unknown };
    if (mode !== "data" && typeof address === "string") addresses.push(address);
  }
  return addresses;
}

/**
 * The resources of `replanned` that the approval of `approved` does not cover, in the plan's
 * order; empty when the re-plan stays within it. `approved` undefined: the unit had no plan at
 * the confirmation.
 */
export function replanExcess(
  approved: ApprovedPlan | undefined,
  replanned: PlanSummary,
): ReplanExcess[] {
  const actions = new Map(approved?.summary.resources.map((r) => [r.address, r.action]) ?? []);
  const shown = new Set([...actions.keys(), ...(approved?.addresses ?? [])]);
  const excess: ReplanExcess[] = [];
  for (const resource of replanned.resources) {
    const before = actions.get(resource.address);
    let reason: ExcessReason | undefined;
    if (destroys(resource.action) && (before === undefined || !destroys(before))) {
      reason = "new-destroy";
    } else if (approved === undefined ? !plainCreate(resource) : !shown.has(resource.address)) {
      reason = "not-shown";
    }
    if (reason === undefined) continue;
    excess.push({
      address: resource.address,
      action: resource.action,
      reason,
      replacedBy: resource.replacedBy,
    });
  }
  return excess;
}

/** The excess in one line, for a reason in the summary: `terraform_data.x (delete, ...), ...`. */
export function describeReplanExcess(excess: readonly ReplanExcess[]): string {
  const destroyed = excess.filter((e) => e.reason === "new-destroy");
  const unshown = excess.filter((e) => e.reason === "not-shown");
  const list = (items: readonly ReplanExcess[]): string =>
    items.map((e) => `${e.address} (${e.action})`).join(", ");
  const parts: string[] = [];
  if (destroyed.length > 0) parts.push(`destroys or replaces ${list(destroyed)}`);
  if (unshown.length > 0) parts.push(`touches ${list(unshown)}, not in the approved plan`);
  return parts.join("; ");
}
