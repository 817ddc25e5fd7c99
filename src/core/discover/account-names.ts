/**
 * crossform names for the accounts of an organization (docs/decisions/0009). An organization's
 * account names are free text ("Prod Payments", "Über-Sandbox 2"); crossform.yaml needs
 * `^[a-z][a-z0-9_-]{0,62}$`. The rule: fold accents, lowercase, replace every run of other
 * characters with one `-`, trim `-` and `_` at both ends, cut to 63 characters, prefix
 * `account-` when the result does not start with a letter (`account-<id>` when nothing is
 * left). Names that clash (with a name already in crossform.yaml, or between two discovered
 * accounts) get `-<last 4 digits of the id>`, or `-<id>` when that still clashes, on every
 * account that shares the name: no account's name depends on which one was listed first.
 */

/** The longest account name crossform.yaml accepts. */
export const MAX_NAME_LENGTH = 63;

/** The account name pattern of crossform.yaml. */
export const ACCOUNT_NAME_PATTERN = /^[a-z][a-z0-9_-]{0,62}$/;

function trimEnds(text: string): string {
  return text.replace(/^[-_]+/, "").replace(/[-_]+$/, "");
}

function fit(base: string, suffix: string): string {
  return `${trimEnds(base.slice(0, MAX_NAME_LENGTH - suffix.length))}${suffix}`;
}

/** The crossform name for an organization account's name, before clashes are resolved. */
export function deriveAccountName(organizationName: string, id: string): string {
  const folded = organizationName
    .normalize("NFKD")
    .replace(/[\u0300-\u036f]/g, "")
    .toLowerCase()
    .replace(/[^a-z0-9_-]+/g, "-")
    .replace(/-{2,}/g, "-");
  let name = trimEnds(folded);
  if (name === "") return `account-${id}`;
  if (!/^[a-z]/.test(name)) name = `account-${name}`;
  return fit(name, "");
}

/** One account to name. */
export interface NameRequest {
  id: string;
  /** The account's name in the organization. */
  organizationName: string;
}

/**
 * Names for `accounts` (by id), unique among themselves and different from every name in
 * `taken` (the names crossform.yaml already uses).
 */
export function assignAccountNames(
  accounts: readonly NameRequest[],
  taken: ReadonlySet<string> = new Set(),
): Map<string, string> {
  const base = new Map(accounts.map((a) => [a.id, deriveAccountName(a.organizationName, a.id)]));
  const count = new Map<string, number>();
  for (const name of base.values()) count.set(name, (count.get(name) ?? 0) + 1);
  const clashes = (name: string): boolean => taken.has(name) || (count.get(name) ?? 0) > 1;

  const names = new Map<string, string>();
  const used = new Set(taken);
  // Names that need no suffix first, so that a suffixed name never takes one of them.
  for (const [id, name] of base) {
    if (!clashes(name)) {
      names.set(id, name);
      used.add(name);
    }
  }
  for (const [id, name] of base) {
    if (names.has(id)) continue;
    let candidate = fit(name, `-${id.slice(-4)}`);
    if (used.has(candidate)) candidate = fit(name, `-${id}`);
    // Only a crafted collision survives the full id; count up from 2 to stay unique.
    for (let n = 2; used.has(candidate); n++) candidate = fit(name, `-${id}-${n}`);
    names.set(id, candidate);
    used.add(candidate);
  }
  return names;
}

/** A discovered account before it has a crossform name. */
export interface AccountCandidate {
  id: string;
  organizationName: string;
  /** The OU path. */
  ou: string;
  tier: string | undefined;
}

/** Names `candidates` (see {@link assignAccountNames}), keeping their order. */
export function nameCandidates(
  candidates: readonly AccountCandidate[],
  taken: ReadonlySet<string> = new Set(),
): (AccountCandidate & { name: string })[] {
  const names = assignAccountNames(candidates, taken);
  return candidates.map((c) => ({
    ...c,
    name: names.get(c.id) ?? deriveAccountName(c.organizationName, c.id),
  }));
}
