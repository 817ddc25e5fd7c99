/**
 * `crossform discover [--ou-tier OU=TIER ...] [--merge]`: the ACTIVE accounts of an AWS
 * Organization with their OU paths, as `accounts:` entries; with `--merge`, the new ones added to
 * crossform.yaml (atomically, the previous file backed up) with the wave line they still need.
 */
import { nameCandidates } from "../core/discover/account-names.ts";
import type { AccountCandidate } from "../core/discover/account-names.ts";
import { mergeAccounts } from "../core/discover/merge-accounts.ts";
import type { KnownAccount } from "../core/discover/merge-accounts.ts";
import { walkOrganization } from "../core/discover/organization-tree.ts";
import type { OrganizationTree } from "../core/discover/organization-tree.ts";
import { assignTiers, parseOuTier } from "../core/discover/ou-tiers.ts";
import type { OuTierMapping } from "../core/discover/ou-tiers.ts";
import { renderAccountsYaml } from "../core/discover/render-accounts.ts";
import type { AccountEntry } from "../core/discover/render-accounts.ts";
import type { WavePlan } from "../core/discover/wave-plan.ts";
import { CrossformError } from "../core/errors.ts";
import type { OrganizationsApi } from "../ports/aws.ts";
import type { FileSystem } from "../ports/file-system.ts";
import type { FileWriter } from "../ports/file-writer.ts";

/** An organization read once: its tree, the accounts to configure and their tiers. */
export interface Discovery {
  tree: OrganizationTree;
  /** The ACTIVE accounts, in tree order, with their OU path and tier. */
  candidates: AccountCandidate[];
  /** The candidates named on their own (no crossform.yaml to avoid), as `discover` prints them. */
  entries: AccountEntry[];
  /** The tiers of the `--ou-tier` options, in the order given (distinct). */
  tiers: string[];
}

const HINT_MANAGEMENT =
  "run discover with credentials of the organization's management account or of a delegated administrator for AWS Organizations (base.profile, AWS_PROFILE or the default chain)";

// Failures whose cause is the credentials or the network keep the adapter's hint; the others
// (denied, no organization, not allowed for a member account) mean the wrong identity.
const OWN_HINT = new Set([
  "aws/no-credentials",
  "aws/invalid-credentials",
  "aws/expired-token",
  "aws/throttled",
  "aws/network",
  "aws/region-disabled",
]);

/** Parses the `--ou-tier` options; throws one usage error naming every bad option. */
export function parseOuTiers(texts: readonly string[]): OuTierMapping[] {
  const mappings: OuTierMapping[] = [];
  const errors: string[] = [];
  for (const text of texts) {
    const parsed = parseOuTier(text);
    if (parsed.ok) mappings.push(parsed.mapping);
    else errors.push(parsed.error);
  }
  if (errors.length > 0)
    throw new CrossformError("discover/bad-ou-tier", "user", errors.join("; "));
  return mappings;
}

/**
 * Walks the organization through `organizations` (the base identity's client) and maps OUs to
 * tiers. AWS failures keep their classification and gain a hint on the identity to use.
 */
export async function discoverOrganization(
  organizations: OrganizationsApi,
  ouTiers: readonly OuTierMapping[],
): Promise<Discovery> {
  let tree: OrganizationTree;
  try {
    tree = await walkOrganization(organizations);
  } catch (error) {
    if (error instanceof CrossformError) {
      throw new CrossformError(
        error.code,
        error.source,
        `cannot list the organization's accounts: ${error.message}`,
        {
          hint: OWN_HINT.has(error.code) ? (error.hint ?? HINT_MANAGEMENT) : HINT_MANAGEMENT,
          cause: error,
        },
      );
    }
    throw error;
  }
  if (tree.nodes.length === 0) {
    throw new CrossformError(
      "discover/no-root",
      "external",
      "the organization has no root: ListRoots returned nothing",
      {
        hint: HINT_MANAGEMENT,
      },
    );
  }
  const assigned = assignTiers(ouTiers, tree.nodes, tree.accounts);
  if (!assigned.ok)
    throw new CrossformError("discover/bad-ou-tier", "user", assigned.errors.join("; "));
  const candidates: AccountCandidate[] = tree.accounts.map((account) => ({
    id: account.id,
    organizationName: account.name,
    ou: account.parent.path,
    tier: assigned.tiers.get(account.id),
  }));
  return {
    tree,
    candidates,
    entries: nameCandidates(candidates),
    tiers: [...new Set(ouTiers.map((m) => m.tier))],
  };
}

/** The `accounts:` YAML that `discover` prints. */
export function discoveryYaml(discovery: Discovery): string {
  return renderAccountsYaml(discovery.entries);
}

/** What `discover --merge` did to crossform.yaml. */
export interface MergeReport {
  /** Absolute path of crossform.yaml. */
  path: string;
  added: AccountEntry[];
  known: KnownAccount[];
  waves: WavePlan;
  /** False when every account was already there: the file was not touched. */
  wrote: boolean;
  backupPath: string | undefined;
}

/**
 * Adds the discovered accounts that crossform.yaml does not hold yet (by id) to it. `file` names
 * the file in messages. Existing entries are never changed.
 */
export async function mergeDiscovery(
  deps: { fs: FileSystem; writer: FileWriter },
  path: string,
  file: string,
  discovery: Discovery,
): Promise<MergeReport> {
  const text = await deps.fs.readText(path);
  const merged = mergeAccounts(text, discovery.candidates, file);
  const report: MergeReport = {
    path,
    added: merged.added,
    known: merged.known,
    waves: merged.waves,
    wrote: false,
    backupPath: undefined,
  };
  if (merged.added.length === 0) return report;
  const result = await deps.writer.writeAtomic(path, merged.text, { backup: true });
  return { ...report, wrote: result.changed, backupPath: result.backupPath };
}
