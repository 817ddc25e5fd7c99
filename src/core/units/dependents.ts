/**
 * The units that read a unit's state (its `depends_on` dependents, transitively). A `destroy`
 * that removes a unit while one of them stays would leave that dependent reading a state that no
 * longer exists, and its resources built on what was destroyed (docs/decisions/0030-destroy-dependents.md).
 */
import type { Unit, UnitSet } from "./units.ts";

/** A selected unit and the units outside the selection that depend on it. */
export interface LeftDependents {
  unit: Unit;
  /** Direct and transitive dependents not selected, in config order. */
  dependents: Unit[];
}

/** Every unit that depends on `unit`, directly or through others, in config order. */
export function dependentsOf(set: UnitSet, unit: Unit): Unit[] {
  const found = new Set<string>();
  const queue = [unit.id];
  while (queue.length > 0) {
    const id = queue.shift() as string;
    for (const other of set.units) {
      if (other.dependsOn.includes(id) && !found.has(other.id)) {
        found.add(other.id);
        queue.push(other.id);
      }
    }
  }
  return set.units.filter((u) => found.has(u.id));
}

/** The selected units that units outside the selection depend on, with those dependents. */
export function unselectedDependents(set: UnitSet, selected: readonly Unit[]): LeftDependents[] {
  const chosen = new Set(selected.map((u) => u.id));
  const left: LeftDependents[] = [];
  for (const unit of selected) {
    const dependents = dependentsOf(set, unit).filter((d) => !chosen.has(d.id));
    if (dependents.length > 0) left.push({ unit, dependents });
  }
  return left;
}
