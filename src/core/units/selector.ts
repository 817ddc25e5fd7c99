/**
 * The selection grammar shared by every command (docs/contract.md section 2): `dev`, `tier:prod`,
 * `tag:team=pay`, `stack:app`, joined by commas. Terms of one kind are OR-ed, terms of different
 * kinds AND-ed.
 */

/** One parsed term of a selector. */
export type SelectorTerm =
  | { kind: "name"; name: string }
  | { kind: "tier"; tier: string }
  | { kind: "tag"; key: string; value: string | undefined }
  | { kind: "stack"; stack: string };

/** A parsed selector: its terms grouped by kind. */
export interface Selector {
  text: string;
  terms: SelectorTerm[];
}

/** What an account looks like to a selector. */
export interface SelectableAccount {
  name: string;
  tier: string;
  tags: Record<string, string>;
}

/** Parses a selector; returns an error message instead of throwing. */
export function parseSelector(
  text: string,
): { ok: true; selector: Selector } | { ok: false; error: string } {
  const terms: SelectorTerm[] = [];
  const parts = text.split(",").map((p) => p.trim());
  for (const part of parts) {
    if (part === "") return { ok: false, error: `empty term in selector "${text}"` };
    const colon = part.indexOf(":");
    if (colon < 0) {
      if (!/^[a-z][a-z0-9_-]{0,62}$/.test(part)) {
        return {
          ok: false,
          error: `"${part}" is not an account name, tier:<tier>, tag:<key>=<value> or stack:<stack>`,
        };
      }
      terms.push({ kind: "name", name: part });
      continue;
    }
    const kind = part.slice(0, colon);
    const rest = part.slice(colon + 1);
    if (rest === "") return { ok: false, error: `"${part}" names no ${kind}` };
    switch (kind) {
      case "tier":
        terms.push({ kind: "tier", tier: rest });
        break;
      case "stack":
        terms.push({ kind: "stack", stack: rest });
        break;
      case "tag": {
        const eq = rest.indexOf("=");
        if (eq === 0)
          return { ok: false, error: `"${part}" names no tag key (write tag:<key>=<value>)` };
        terms.push(
          eq < 0
            ? { kind: "tag", key: rest, value: undefined }
            : { kind: "tag", key: rest.slice(0, eq), value: rest.slice(eq + 1) },
        );
        break;
      }
      default:
        return {
          ok: false,
          error: `unknown selector kind "${kind}:" in "${part}" (use tier:, tag: or stack:)`,
        };
    }
  }
  return { ok: true, selector: { text, terms } };
}

function termsOf<K extends SelectorTerm["kind"]>(
  selector: Selector,
  kind: K,
): Extract<SelectorTerm, { kind: K }>[] {
  return selector.terms.filter((t): t is Extract<SelectorTerm, { kind: K }> => t.kind === kind);
}

/** Whether an account matches the account terms (name, tier, tag) of a selector. */
export function matchesAccount(selector: Selector, account: SelectableAccount): boolean {
  const names = termsOf(selector, "name");
  const tiers = termsOf(selector, "tier");
  const tags = termsOf(selector, "tag");
  if (names.length > 0 && !names.some((t) => t.name === account.name)) return false;
  if (tiers.length > 0 && !tiers.some((t) => t.tier === account.tier)) return false;
  if (
    tags.length > 0 &&
    !tags.some((t) =>
      t.value === undefined ? t.key in account.tags : account.tags[t.key] === t.value,
    )
  ) {
    return false;
  }
  return true;
}

/**
 * The accounts a selector matches, in the order of `accounts`. A selector that is one account
 * name is answered by lookup (a stack listing 3,000 accounts by name is 3,000 lookups, not 9
 * million comparisons); any other selector is matched against every account.
 */
export function accountsMatching<A extends SelectableAccount>(
  selector: Selector,
  accounts: ReadonlyMap<string, A>,
): A[] {
  const [only, ...others] = selector.terms;
  if (only?.kind === "name" && others.length === 0) {
    const account = accounts.get(only.name);
    return account === undefined ? [] : [account];
  }
  return [...accounts.values()].filter((a) => matchesAccount(selector, a));
}

/** Whether a stack matches the `stack:` terms of a selector (no such terms = every stack). */
export function matchesStack(selector: Selector, stack: string): boolean {
  const stacks = termsOf(selector, "stack");
  return stacks.length === 0 || stacks.some((t) => t.stack === stack);
}

/** Whether a selector has terms that pick accounts (as opposed to only `stack:` terms). */
export function hasAccountTerms(selector: Selector): boolean {
  return selector.terms.some((t) => t.kind !== "stack");
}

/** Names of the accounts a list of selectors picks (union of the list), in the given order. */
export function selectAccounts(
  selectors: Selector[],
  accounts: Iterable<SelectableAccount>,
): string[] {
  const picked: string[] = [];
  for (const account of accounts) {
    if (selectors.some((s) => matchesAccount(s, account))) picked.push(account.name);
  }
  return picked;
}
