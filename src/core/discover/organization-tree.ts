/**
 * Walking an AWS Organization from its root: breadth-first through the organizational units,
 * listing each parent's accounts, so every account gets its OU path (`Root/Workloads/Prod`)
 * without one `ListParents` call per account. The reader is the organizations part of the AWS
 * port (structurally: core imports no ports); it pages each call to the end.
 */

/** One account as the organization lists it. */
export interface OrganizationAccountRecord {
  id: string;
  name: string;
  email: string;
  /** `ACTIVE`, `SUSPENDED`, `PENDING_CLOSURE`, ... */
  status: string;
}

/** What the walk reads; the AWS port's `OrganizationsApi` has this shape. */
export interface OrganizationReader {
  listRoots(): Promise<{ id: string; name: string }[]>;
  listOrganizationalUnitsForParent(parentId: string): Promise<{ id: string; name: string }[]>;
  listAccountsForParent(parentId: string): Promise<OrganizationAccountRecord[]>;
}

/** The root or an organizational unit, with where it sits. */
export interface OrganizationNode {
  id: string;
  name: string;
  /** Names from the root down, joined by `/`: `Root/Workloads/Prod`. The root's path is its name. */
  path: string;
  /** The names from the root down (the path's segments; a name may itself hold a `/`). */
  names: string[];
  /** The ids from the root down to this node. */
  ids: string[];
  /** 0 for the root. */
  depth: number;
}

/** An account of the organization and the node (root or OU) it sits in. */
export interface DiscoveredAccount extends OrganizationAccountRecord {
  /** The root or OU directly holding the account. */
  parent: OrganizationNode;
}

/** The whole organization as one walk found it. */
export interface OrganizationTree {
  /** The root first, then the OUs, sorted by path. */
  nodes: OrganizationNode[];
  /** ACTIVE accounts, sorted by OU path, then account name, then id. */
  accounts: DiscoveredAccount[];
  /** Accounts in any other state (suspended, closing), in the same order; never configured. */
  inactive: DiscoveredAccount[];
}

/** Options of {@link walkOrganization}. */
export interface WalkOptions {
  /**
   * How many parents are listed at the same time. Organizations allows only a few calls per
   * second per account, so this stays small; the adapter retries throttled calls.
   * @default 4
   */
  concurrency?: number;
}

/** Compares two paths segment by segment, so `Root/A/B` sorts before `Root/A-B`. */
export function compareNames(a: readonly string[], b: readonly string[]): number {
  const length = Math.min(a.length, b.length);
  for (let i = 0; i < length; i++) {
    const x = a[i] as string;
    const y = b[i] as string;
    if (x !== y) return x < y ? -1 : 1;
  }
  return a.length - b.length;
}

function compareAccounts(a: DiscoveredAccount, b: DiscoveredAccount): number {
  const byPath = compareNames(a.parent.names, b.parent.names);
  if (byPath !== 0) return byPath;
  if (a.name !== b.name) return a.name < b.name ? -1 : 1;
  return a.id < b.id ? -1 : a.id > b.id ? 1 : 0;
}

/**
 * Lists every OU and account of the organization, starting from its (single) root. Each parent
 * costs two list calls, so the whole walk costs 2 x (OUs + 1) calls however many accounts there
 * are. Rejects with the reader's error (the adapter's classified AWS error) on the first failure.
 */
export async function walkOrganization(
  reader: OrganizationReader,
  options: WalkOptions = {},
): Promise<OrganizationTree> {
  const concurrency = Math.max(1, options.concurrency ?? 4);
  const roots = await reader.listRoots();
  const nodes: OrganizationNode[] = roots.map((root) => ({
    id: root.id,
    name: root.name,
    path: root.name,
    names: [root.name],
    ids: [root.id],
    depth: 0,
  }));
  const seen = new Set(nodes.map((n) => n.id));
  const found: DiscoveredAccount[] = [];
  let level = [...nodes];
  while (level.length > 0) {
    const next: OrganizationNode[] = [];
    for (let start = 0; start < level.length; start += concurrency) {
      const batch = level.slice(start, start + concurrency);
      const listed = await Promise.all(
        batch.map(async (parent) => {
          const [units, accounts] = await Promise.all([
            reader.listOrganizationalUnitsForParent(parent.id),
            reader.listAccountsForParent(parent.id),
          ]);
          return { parent, units, accounts };
        }),
      );
      for (const { parent, units, accounts } of listed) {
        for (const account of accounts) found.push({ ...account, parent });
        for (const unit of units) {
          // A listing that repeats a node would walk it twice; the tree has no cycles.
          if (seen.has(unit.id)) continue;
          seen.add(unit.id);
          const names = [...parent.names, unit.name];
          const node: OrganizationNode = {
            id: unit.id,
            name: unit.name,
            path: names.join("/"),
            names,
            ids: [...parent.ids, unit.id],
            depth: parent.depth + 1,
          };
          nodes.push(node);
          next.push(node);
        }
      }
    }
    level = next;
  }
  // An account listed twice (it moved between two list calls) counts once, at its last place.
  const byId = new Map<string, DiscoveredAccount>();
  for (const account of found) byId.set(account.id, account);
  const all = [...byId.values()].sort(compareAccounts);
  nodes.sort((a, b) => compareNames(a.names, b.names));
  return {
    nodes,
    accounts: all.filter((a) => a.status === "ACTIVE"),
    inactive: all.filter((a) => a.status !== "ACTIVE"),
  };
}
