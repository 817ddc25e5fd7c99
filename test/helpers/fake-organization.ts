import type {
  OrganizationAccount,
  OrganizationalUnit,
  OrganizationsApi,
} from "../../src/ports/aws.ts";

/** One OU of a fake organization: its accounts and child OUs. */
export interface FakeOu {
  name: string;
  accounts?: [id: string, name: string, status?: string][];
  ous?: FakeOu[];
}

/** An in-memory {@link OrganizationsApi} over a tree, counting its calls. */
export class FakeOrganization implements OrganizationsApi {
  readonly calls: string[] = [];
  readonly #units = new Map<string, OrganizationalUnit[]>();
  readonly #accounts = new Map<string, OrganizationAccount[]>();
  readonly rootId = "r-ab12";

  constructor(root: FakeOu) {
    let next = 0;
    const add = (id: string, ou: FakeOu): void => {
      this.#accounts.set(
        id,
        (ou.accounts ?? []).map(([accountId, name, status]) => ({
          id: accountId,
          name,
          email: `${accountId}@example.com`,
          status: status ?? "ACTIVE",
        })),
      );
      const children = (ou.ous ?? []).map((child) => {
        next += 1;
        return {
          child,
          unit: { id: `ou-ab12-${String(next).padStart(8, "0")}`, name: child.name },
        };
      });
      this.#units.set(
        id,
        children.map((c) => c.unit),
      );
      for (const { child, unit } of children) add(unit.id, child);
    };
    add(this.rootId, root);
    this.rootName = root.name;
  }

  readonly rootName: string;

  listRoots(): Promise<{ id: string; name: string }[]> {
    this.calls.push("ListRoots");
    return Promise.resolve([{ id: this.rootId, name: this.rootName }]);
  }

  listOrganizationalUnitsForParent(parentId: string): Promise<OrganizationalUnit[]> {
    this.calls.push(`ListOrganizationalUnitsForParent ${parentId}`);
    const units = this.#units.get(parentId);
    return units ? Promise.resolve(units) : Promise.reject(new Error(`no parent ${parentId}`));
  }

  listAccountsForParent(parentId: string): Promise<OrganizationAccount[]> {
    this.calls.push(`ListAccountsForParent ${parentId}`);
    const accounts = this.#accounts.get(parentId);
    return accounts
      ? Promise.resolve(accounts)
      : Promise.reject(new Error(`no parent ${parentId}`));
  }
}

/**
 * Root (management) / Security (audit) / Workloads / { Prod (two accounts, one suspended),
 * NonProd / { Dev, Staging } } / Sandbox.
 */
export function sampleOrganization(): FakeOrganization {
  return new FakeOrganization({
    name: "Root",
    accounts: [["123456789012", "Management"]],
    ous: [
      { name: "Security", accounts: [["210000000001", "Audit"]] },
      {
        name: "Workloads",
        ous: [
          {
            name: "Prod",
            accounts: [
              ["310000000001", "Payments Prod"],
              ["310000000002", "Old Prod", "SUSPENDED"],
            ],
          },
          {
            name: "NonProd",
            ous: [
              { name: "Dev", accounts: [["320000000001", "Payments Dev"]] },
              { name: "Staging", accounts: [["330000000001", "Payments Staging"]] },
            ],
          },
        ],
      },
      {
        name: "Sandbox",
        accounts: [
          ["410000000001", "Sandbox: Ana"],
          ["410000000002", "sandbox ana"],
        ],
      },
    ],
  });
}
