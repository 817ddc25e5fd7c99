/**
 * The run guards of crossform.yaml's `guards` (docs/contract.md section 1): how many units one apply or
 * destroy may touch, and how many resources one unit's apply may destroy or replace (stricter in
 * approval accounts). Pure: the use case asks, and refuses before anything changes.
 */

/** The configured limits. */
export interface GuardLimits {
  /** `guards.max_destroy`: destroys plus replaces one unit may apply. */
  maxDestroy: number;
  /** `guards.max_destroy_approval`: the same in a unit touching an approval account. */
  maxDestroyApproval: number;
  /** `guards.max_units`: units one apply or destroy may touch. */
  maxUnits: number;
}

/** A unit whose plan destroys more than its cap allows. */
export interface DestroyCapBreach {
  unitId: string;
  /** Resources destroyed, replacements included. */
  destroys: number;
  cap: number;
  approval: boolean;
}

/** The cap of one unit. */
export function destroyCapOf(limits: GuardLimits, approval: boolean): number {
  return approval ? limits.maxDestroyApproval : limits.maxDestroy;
}

/** The breach of one unit's plan, or undefined when it stays within its cap. */
export function destroyCapBreach(
  limits: GuardLimits,
  unit: { id: string; approval: boolean; destroy: number; replace: number },
): DestroyCapBreach | undefined {
  const destroys = unit.destroy + unit.replace;
  const cap = destroyCapOf(limits, unit.approval);
  return destroys > cap ? { unitId: unit.id, destroys, cap, approval: unit.approval } : undefined;
}

/** One line per breach, for a refusal message. */
export function describeBreaches(breaches: DestroyCapBreach[]): string {
  return breaches
    .map(
      (b) =>
        `${b.unitId} would destroy ${b.destroys} resource${b.destroys === 1 ? "" : "s"} (cap ${b.cap}${b.approval ? ", guards.max_destroy_approval: an approval account" : ", guards.max_destroy"})`,
    )
    .join("; ");
}

/** The unit-count refusal, or undefined: `--max-units` raises the cap for one run. */
export function unitCountProblem(
  count: number,
  limits: GuardLimits,
  flag: number | undefined,
): { message: string; hint: string } | undefined {
  const cap = flag ?? limits.maxUnits;
  if (count <= cap) return undefined;
  return flag === undefined
    ? {
        message: `the selection has ${count} units, more than guards.max_units (${cap})`,
        hint: `narrow the selection, or pass --max-units ${count} to mean all of them`,
      }
    : {
        message: `the selection has ${count} units, more than --max-units ${cap}`,
        hint: `narrow the selection, or pass --max-units ${count}`,
      };
}
