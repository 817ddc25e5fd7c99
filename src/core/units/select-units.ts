/**
 * Selection of units for a command: positional stacks and `--target` intersect; inside a selector,
 * terms of one kind are OR-ed and of different kinds AND-ed (docs/contract.md section 2). A `--target`
 * may also name units by id (`stack/account/region`), which a CI job of one unit uses.
 */
import type { Config } from "../config/model.ts";
import { didYouMean } from "../config/did-you-mean.ts";
import { matchesAccount, matchesStack, parseSelector } from "./selector.ts";
import type { Selector } from "./selector.ts";
import type { Unit, UnitSet } from "./units.ts";

/** What the user asked for. */
export interface SelectionRequest {
  /** Positional stack names. */
  stacks?: string[];
  /** `--target` selectors (each may be a comma list); several are OR-ed. */
  targets?: string[];
}

/** Selected units, or an error message with a hint. */
export type SelectionResult =
  { ok: true; units: Unit[] } | { ok: false; message: string; hint: string };

/** Whether a unit matches a selector: its stack, and any account it reaches. */
export function unitMatches(selector: Selector, unit: Unit, config: Config): boolean {
  if (!matchesStack(selector, unit.stack)) return false;
  const accountTerms = selector.terms.some((t) => t.kind !== "stack");
  if (!accountTerms) return true;
  return unit.targets.some((t) => {
    const account = config.accounts.get(t.account);
    return account !== undefined && matchesAccount(selector, account);
  });
}

/**
 * A `--target` of unit ids (`stack/account/region`, several joined by commas): the ids, an error
 * for an unknown id or a mix with selector terms, or undefined when the text holds no unit id.
 */
function unitIdTarget(
  text: string,
  set: UnitSet,
): { ok: true; ids: Set<string> } | { ok: false; message: string; hint: string } | undefined {
  const parts = text.split(",").map((p) => p.trim());
  if (!parts.some((p) => p.includes("/"))) return undefined;
  if (!parts.every((p) => p.includes("/"))) {
    return {
      ok: false,
      message: `--target ${text} mixes unit ids with selector terms`,
      hint: "give unit ids a --target of their own, e.g. --target network/dev/us-east-1",
    };
  }
  for (const id of parts) {
    if (!set.byId.has(id)) {
      const suggestion = didYouMean(id, set.byId.keys());
      return {
        ok: false,
        message: `no unit "${id}"`,
        hint: suggestion
          ? `did you mean "${suggestion}"?`
          : "a unit id is stack/account/region (`crossform validate` lists the units)",
      };
    }
  }
  return { ok: true, ids: new Set(parts) };
}

/**
 * The first account or stack a selector names that the configuration does not have, with a
 * did-you-mean hint (or the list of names); undefined when every name exists. A stack's name
 * written where a selector takes an account (`verify network`, `-t network`) gets the `stack:`
 * selector that selects its units.
 */
export function unknownSelectorName(
  config: Config,
  selector: Selector,
): { message: string; hint: string } | undefined {
  const stackNames = [...config.stacks.keys()];
  for (const term of selector.terms) {
    if (term.kind === "name" && !config.accounts.has(term.name)) {
      if (config.stacks.has(term.name))
        return {
          message: `no account named "${term.name}": "${term.name}" is a stack, and a selector's plain name is an account`,
          hint: `select its units with stack:${term.name}`,
        };
      const suggestion = didYouMean(term.name, config.accounts.keys());
      return {
        message: `no account named "${term.name}"`,
        hint: suggestion
          ? `did you mean "${suggestion}"?`
          : `accounts: ${[...config.accounts.keys()].join(", ")}`,
      };
    }
    if (term.kind === "stack" && !config.stacks.has(term.stack)) {
      const suggestion = didYouMean(term.stack, stackNames);
      return {
        message: `no stack named "${term.stack}"`,
        hint: suggestion
          ? `did you mean "stack:${suggestion}"?`
          : `stacks: ${stackNames.join(", ")}`,
      };
    }
  }
  return undefined;
}

/**
 * Why a positional argument is not a stack: an account, a selector or a unit id given where the
 * run commands take stack names gets the `--target` that selects it; anything else the closest
 * stack name.
 */
function notAStack(config: Config, set: UnitSet, name: string): { message: string; hint: string } {
  const stackNames = [...config.stacks.keys()];
  const target = (what: string) => ({
    message: `no stack named "${name}": "${name}" is ${what}, and positional arguments are stack names`,
    hint: `select it with -t ${name} (--target ${name})`,
  });
  if (config.accounts.has(name)) return target("an account");
  if (set.byId.has(name)) return target("a unit id");
  const parsed = parseSelector(name);
  if (name.includes(":") && parsed.ok && unknownSelectorName(config, parsed.selector) === undefined)
    return target("a selector");
  const suggestion = didYouMean(name, stackNames);
  return {
    message: `no stack named "${name}"`,
    hint: suggestion ? `did you mean "${suggestion}"?` : `stacks: ${stackNames.join(", ")}`,
  };
}

/** Selects units; an empty request selects every unit. */
export function selectUnits(
  config: Config,
  set: UnitSet,
  request: SelectionRequest,
): SelectionResult {
  let units = set.units;
  for (const stack of request.stacks ?? []) {
    if (!config.stacks.has(stack)) return { ok: false, ...notAStack(config, set, stack) };
  }
  if (request.stacks && request.stacks.length > 0) {
    const wanted = new Set(request.stacks);
    units = units.filter((u) => wanted.has(u.stack));
  }
  const targets = request.targets ?? [];
  if (targets.length > 0) {
    const selectors: ((unit: Unit) => boolean)[] = [];
    for (const text of targets) {
      const ids = unitIdTarget(text, set);
      if (ids !== undefined) {
        if (!ids.ok) return ids;
        selectors.push((u) => ids.ids.has(u.id));
        continue;
      }
      const parsed = parseSelector(text);
      if (!parsed.ok)
        return {
          ok: false,
          message: parsed.error,
          hint: "selectors: <account>, tier:<tier>, tag:<key>=<value>, stack:<stack>, joined by commas",
        };
      const unknown = unknownSelectorName(config, parsed.selector);
      if (unknown) return { ok: false, ...unknown };
      if (!set.units.some((u) => unitMatches(parsed.selector, u, config))) {
        return {
          ok: false,
          message: `selector "${text}" matches no unit`,
          hint: "check the names, tiers and tags against crossform.yaml (`crossform validate` lists the units)",
        };
      }
      const selector: Selector = parsed.selector;
      selectors.push((u) => unitMatches(selector, u, config));
    }
    units = units.filter((u) => selectors.some((matches) => matches(u)));
  }
  if (units.length === 0) {
    return {
      ok: false,
      message: "the selection matches no unit",
      hint: "positional stacks and --target intersect: check that the stacks deploy to the selected accounts",
    };
  }
  return { ok: true, units };
}
