// What the quickstart's resources look like from inside each account: per account, read through
// a session of that account, the Parameter Store entries of each of its regions, its buckets,
// IAM roles and hosted zones. The base identity's own account is read with the base keys and
// unfiltered: it must hold nothing at all. Used by the real-provider tests and by the demo.
import { AccountResources } from "./account-resources.ts";
import type { Bucket, HostedZone, Parameter, Role } from "./account-resources.ts";
import type { EmulatorEnv } from "./emulator-accounts.ts";

/** An account to read: its name in crossform.yaml (or `base`), id and regions. */
export interface InventoryAccount {
  name: string;
  /** The 12-digit id, or `base` for the base identity's own account. */
  id: string;
  regions: readonly string[];
}

/** What one account holds. */
export interface AccountInventory {
  name: string;
  /** The account the session acted in (GetCallerIdentity). */
  accountId: string;
  /** Parameter Store entries by region. */
  parameters: Record<string, Parameter[]>;
  buckets: Bucket[];
  roles: Role[];
  zones: HostedZone[];
}

/** Names the quickstart gives what it creates: everything else (state buckets, roles) is left out. */
const PREFIX = { parameter: "/quickstart/", bucket: "quickstart-", role: "quickstart-" };

/**
 * Reads each account through its own session (`role`, default OrganizationAccountAccessRole). The
 * quickstart's resources only, except in the base account, where everything counts.
 */
export async function readInventory(
  env: EmulatorEnv,
  accounts: readonly InventoryAccount[],
  role?: string,
): Promise<AccountInventory[]> {
  const out: AccountInventory[] = [];
  for (const account of accounts) {
    const base = account.id === "base";
    const session = await AccountResources.open(env, account.id, role);
    try {
      const parameters: Record<string, Parameter[]> = {};
      for (const region of account.regions) {
        parameters[region] = (await session.parameters(region)).filter(
          (p) => base || p.name.startsWith(PREFIX.parameter),
        );
      }
      out.push({
        name: account.name,
        accountId: session.accountId,
        parameters,
        buckets: await session.buckets(base ? "" : PREFIX.bucket),
        roles: await session.roles(base ? "" : PREFIX.role),
        zones: await session.hostedZones(),
      });
    } finally {
      session.close();
    }
  }
  return out;
}

/** Whether an account holds none of what the inventory reads. */
export function isEmpty(inventory: AccountInventory): boolean {
  return (
    Object.values(inventory.parameters).every((list) => list.length === 0) &&
    inventory.buckets.length === 0 &&
    inventory.roles.length === 0 &&
    inventory.zones.length === 0
  );
}
