/**
 * Account selectors written in crossform.yaml (a stack's `accounts`, a wave's selectors), resolved
 * against the accounts: each must parse, select accounts (not stacks), name only accounts that
 * exist, and match at least one.
 */
import { accountsMatching, hasAccountTerms, parseSelector } from "../units/selector.ts";
import type { Selector } from "../units/selector.ts";
import { didYouMean } from "./did-you-mean.ts";
import type { Account } from "./model.ts";
import { namesHint } from "./normalize-context.ts";
import type { NormalizeContext } from "./normalize-context.ts";
import type { ConfigPath } from "./parse-config.ts";

/** Resolves the selectors at `path` to the names of the accounts they select, in config order. */
export type SelectorResolver = (
  texts: string[],
  path: ConfigPath,
  what: string,
  options: { allowStack: boolean },
) => { names: string[]; selectors: Selector[] };

/** A resolver over `accounts`, reporting through `ctx`. */
export function selectorResolver(
  ctx: NormalizeContext,
  accounts: ReadonlyMap<string, Account>,
): SelectorResolver {
  const accountNames = [...accounts.keys()];
  return (
    texts: string[],
    path: ConfigPath,
    what: string,
    options: { allowStack: boolean },
  ): { names: string[]; selectors: Selector[] } => {
    const selectors: Selector[] = [];
    const names = new Set<string>();
    texts.forEach((text, i) => {
      const parsed = parseSelector(text);
      if (!parsed.ok) {
        ctx.error(
          "config/invalid-selector",
          [...path, i],
          `${what}: ${parsed.error}`,
          "see the selector grammar in docs/config.md",
        );
        return;
      }
      if (!options.allowStack && !hasAccountTerms(parsed.selector)) {
        ctx.error(
          "config/invalid-selector",
          [...path, i],
          `${what}: "${text}" selects no accounts`,
          "use an account name, tier:<tier> or tag:<key>=<value>",
        );
        return;
      }
      if (!options.allowStack && parsed.selector.terms.some((t) => t.kind === "stack")) {
        ctx.error(
          "config/invalid-selector",
          [...path, i],
          `${what}: "${text}" uses stack:, which selects stacks, not accounts`,
          "remove the stack: term",
        );
        return;
      }
      for (const term of parsed.selector.terms) {
        if (term.kind === "name" && !accounts.has(term.name)) {
          const suggestion = didYouMean(term.name, accountNames);
          ctx.error(
            "config/unknown-account",
            [...path, i],
            `${what}: no account named "${term.name}"`,
            namesHint(suggestion, "accounts", accountNames),
          );
          return;
        }
      }
      const matched = accountsMatching(parsed.selector, accounts);
      if (matched.length === 0) {
        ctx.error(
          "config/selector-matches-nothing",
          [...path, i],
          `${what}: selector "${text}" matches no account`,
          "check the tier and tag values against the accounts, or remove the selector",
        );
        return;
      }
      selectors.push(parsed.selector);
      for (const a of matched) names.add(a.name);
    });
    return { names: accountNames.filter((n) => names.has(n)), selectors };
  };
}
