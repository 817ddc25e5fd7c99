/**
 * `--ou-tier OU=TIER`: the tier of every account below an organizational unit. `OU` is an OU's
 * name (`Prod`: every OU of that name) or its path (`Root/Workloads/Prod`, or without the root's
 * name, `Workloads/Prod`). An account takes the tier of the deepest OU on its path that a mapping
 * names; an account below no mapped OU gets no tier.
 */
import { didYouMean } from "../config/did-you-mean.ts";
import type { DiscoveredAccount, OrganizationNode } from "./organization-tree.ts";

/** One parsed `--ou-tier` option. */
export interface OuTierMapping {
  /** The OU name or path as written. */
  ou: string;
  tier: string;
  /** The option as written, for messages. */
  text: string;
}

/** The tier pattern of crossform.yaml (`accounts.<name>.tier`). */
export const TIER_PATTERN = /^[a-z][a-z0-9_-]*$/;

/** Parses one `--ou-tier` value; the tier follows the last `=` (OU names may hold one). */
export function parseOuTier(
  text: string,
): { ok: true; mapping: OuTierMapping } | { ok: false; error: string } {
  const eq = text.lastIndexOf("=");
  if (eq < 0) {
    return {
      ok: false,
      error: `--ou-tier ${text} has no "=": write --ou-tier <OU name or path>=<tier>, e.g. --ou-tier Prod=prod`,
    };
  }
  const ou = text.slice(0, eq).trim();
  const tier = text.slice(eq + 1).trim();
  if (ou === "") return { ok: false, error: `--ou-tier ${text} names no OU before "="` };
  if (!TIER_PATTERN.test(tier)) {
    return {
      ok: false,
      error: `tier "${tier}" in --ou-tier ${text} is not a tier name: use lowercase letters, digits, '_' and '-', starting with a letter`,
    };
  }
  return { ok: true, mapping: { ou: ou.replace(/\/+$/, ""), tier, text } };
}

/** Whether a mapping names this node: by its name, its full path, or its path below the root. */
function names(mapping: OuTierMapping, node: OrganizationNode): boolean {
  if (!mapping.ou.includes("/")) return mapping.ou === node.name;
  if (mapping.ou === node.path) return true;
  return node.depth > 0 && mapping.ou === node.names.slice(1).join("/");
}

/** The tiers of the accounts, or every problem with the mappings. */
export type TierAssignment =
  { ok: true; tiers: Map<string, string> } | { ok: false; errors: string[] };

/**
 * Gives each account (by id) the tier of the deepest mapped OU on its path. Errors: a mapping
 * that names no OU of the organization (with the closest OU name), and two mappings that name
 * the same OU with different tiers.
 */
export function assignTiers(
  mappings: readonly OuTierMapping[],
  nodes: readonly OrganizationNode[],
  accounts: readonly DiscoveredAccount[],
): TierAssignment {
  const errors: string[] = [];
  const tierOf = new Map<string, { tier: string; mapping: OuTierMapping }>();
  for (const mapping of mappings) {
    const matched = nodes.filter((node) => names(mapping, node));
    if (matched.length === 0) {
      const candidates = nodes.flatMap((n) => [n.name, n.path]);
      const close = didYouMean(mapping.ou, candidates);
      const shown = nodes.slice(0, 12).map((n) => n.path);
      errors.push(
        `--ou-tier ${mapping.text} names no OU of the organization${close ? `; did you mean ${close}?` : ""} (OUs: ${shown.join(", ")}${nodes.length > shown.length ? `, ... ${nodes.length - shown.length} more` : ""})`,
      );
      continue;
    }
    for (const node of matched) {
      const previous = tierOf.get(node.id);
      if (previous && previous.tier !== mapping.tier) {
        errors.push(
          `--ou-tier ${previous.mapping.text} and --ou-tier ${mapping.text} both name OU ${node.path}: keep one of them`,
        );
        continue;
      }
      if (!previous) tierOf.set(node.id, { tier: mapping.tier, mapping });
    }
  }
  if (errors.length > 0) return { ok: false, errors };
  const tiers = new Map<string, string>();
  for (const account of accounts) {
    // The parent and its ancestors, deepest first: the first mapped one wins.
    for (const id of [...account.parent.ids].reverse()) {
      const mapped = tierOf.get(id);
      if (mapped) {
        tiers.set(account.id, mapped.tier);
        break;
      }
    }
  }
  return { ok: true, tiers };
}
