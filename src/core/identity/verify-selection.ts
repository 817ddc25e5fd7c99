/**
 * What `verify` checks: accounts, not units. The shared selector grammar (docs/contract.md section 2)
 * picks accounts by name, tier and tag; `stack:` terms narrow them to the accounts those stacks
 * deploy to; unit ids select the accounts those units reach. The accounts the selected units reach (a referenced account, the other accounts of a
 * multi-account stack) are added, because a run over those units needs them too.
 */
import type { Config } from "../config/model.ts";
import { selectUnits, unitMatches, unknownSelectorName } from "../units/select-units.ts";
import { hasAccountTerms, matchesAccount, parseSelector } from "../units/selector.ts";
import type { Unit, UnitSet } from "../units/units.ts";
import { shardOf, unitsOfShard } from "../units/shard.ts";
import type { Shard } from "../units/shard.ts";

/** The accounts to verify and the units whose state is checked, both in config order. */
export interface VerifySelection {
  /** Account names. */
  accounts: string[];
  /** Units whose state addresses are checked (each under the row of its own account). */
  units: Unit[];
}

/** A selection, or why it was refused. */
export type VerifySelectionResult =
  ({ ok: true } & VerifySelection) | { ok: false; message: string; hint: string };

/** What the user asked for: two groups of selectors that intersect (positional and `--target`). */
export interface VerifySelectionRequest {
  /** Positional selectors; several are OR-ed. */
  selectors?: string[];
  /** `--target` selectors; several are OR-ed. */
  targets?: string[];
}

/** Names of the accounts a set of units reaches: each unit's targets and its stack's references. */
export function accountsReachedBy(config: Config, units: readonly Unit[]): string[] {
  const reached = new Set<string>();
  for (const unit of units) {
    reached.add(unit.account);
    for (const target of unit.targets) reached.add(target.account);
    for (const account of Object.values(config.stacks.get(unit.stack)?.references ?? {})) {
      reached.add(account);
    }
  }
  return [...config.accounts.keys()].filter((name) => reached.has(name));
}

/** The verify selection for a run's preflight: the accounts its units reach, and those units. */
export function verifySelectionForUnits(config: Config, units: readonly Unit[]): VerifySelection {
  return { accounts: accountsReachedBy(config, units), units: [...units] };
}

/** Selects the accounts (and units) `verify` checks; an empty request selects everything. */
export function selectVerifyTargets(
  config: Config,
  set: UnitSet,
  request: VerifySelectionRequest,
): VerifySelectionResult {
  const groups = [request.selectors ?? [], request.targets ?? []].filter((g) => g.length > 0);
  if (groups.length === 0) {
    return { ok: true, accounts: [...config.accounts.keys()], units: [...set.units] };
  }
  let accounts: Set<string> | undefined;
  let units: Set<Unit> | undefined;
  for (const group of groups) {
    const picked = pickGroup(config, set, group);
    if (!picked.ok) return picked;
    accounts =
      accounts === undefined
        ? picked.accounts
        : new Set([...accounts].filter((a) => picked.accounts.has(a)));
    units =
      units === undefined ? picked.units : new Set([...units].filter((u) => picked.units.has(u)));
  }
  const selectedUnits = set.units.filter((u) => units?.has(u) === true);
  const names = new Set([...(accounts ?? []), ...accountsReachedBy(config, selectedUnits)]);
  if (names.size === 0) {
    return {
      ok: false,
      message: "the selection matches no account",
      hint: "positional selectors and --target intersect: check that they pick common accounts",
    };
  }
  return {
    ok: true,
    accounts: [...config.accounts.keys()].filter((name) => names.has(name)),
    units: selectedUnits,
  };
}

type GroupResult =
  | { ok: true; accounts: Set<string>; units: Set<Unit> }
  | { ok: false; message: string; hint: string };

function pickGroup(config: Config, set: UnitSet, texts: string[]): GroupResult {
  const accounts = new Set<string>();
  const units = new Set<Unit>();
  for (const text of texts) {
    if (text.includes("/")) {
      // Unit ids: the accounts those units reach.
      const selected = selectUnits(config, set, { targets: [text] });
      if (!selected.ok) return selected;
      for (const unit of selected.units) units.add(unit);
      for (const name of accountsReachedBy(config, selected.units)) accounts.add(name);
      continue;
    }
    const parsed = parseSelector(text);
    if (!parsed.ok) {
      return {
        ok: false,
        message: parsed.error,
        hint: "selectors: <account>, tier:<tier>, tag:<key>=<value>, stack:<stack>, joined by commas",
      };
    }
    const unknown = unknownSelectorName(config, parsed.selector);
    if (unknown) return { ok: false, ...unknown };
    const matchingUnits = set.units.filter((u) => unitMatches(parsed.selector, u, config));
    const hasStackTerms = parsed.selector.terms.some((t) => t.kind === "stack");
    const reachable = hasStackTerms ? new Set(accountsReachedBy(config, matchingUnits)) : undefined;
    let matched = 0;
    for (const account of config.accounts.values()) {
      if (hasAccountTerms(parsed.selector) && !matchesAccount(parsed.selector, account)) continue;
      if (reachable && !reachable.has(account.name)) continue;
      accounts.add(account.name);
      matched += 1;
    }
    if (matched === 0) {
      return {
        ok: false,
        message: `selector "${text}" matches no account`,
        hint: "check the names, tiers and tags against crossform.yaml (`crossform validate` lists them)",
      };
    }
    for (const unit of matchingUnits) units.add(unit);
  }
  return { ok: true, accounts, units };
}

/**
 * The part of a verify selection that shard `shard` checks: the selected units of that shard
 * (docs/contract.md section 9) and the accounts they reach, plus each selected account that no selected
 * unit deploys to, by the shard of its own name and first region. An account whose units fall in
 * several shards is verified by each of them (verify only reads).
 */
export function verifySelectionOfShard(
  config: Config,
  selection: VerifySelection,
  shard: Shard,
): VerifySelection {
  const units = unitsOfShard(selection.units, shard);
  const reached = new Set(accountsReachedBy(config, units));
  const deployed = new Set(selection.units.map((u) => u.account));
  const accounts = selection.accounts.filter((name) => {
    if (reached.has(name)) return true;
    if (deployed.has(name)) return false;
    const region = config.accounts.get(name)?.regions[0] ?? config.base.region;
    return shardOf({ account: name, region }, shard.count) === shard.index;
  });
  return { accounts, units };
}
