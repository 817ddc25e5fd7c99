/** Organizations, narrowed to walking the OU tree, on the AWS SDK v3 client. */
import {
  paginateListAccountsForParent,
  paginateListOrganizationalUnitsForParent,
  paginateListRoots,
} from "@aws-sdk/client-organizations";
import type { OrganizationsClient } from "@aws-sdk/client-organizations";
import type { OrganizationAccount, OrganizationalUnit, OrganizationsApi } from "../../ports/aws.ts";
import type { AwsCall } from "./aws-call.ts";

/** {@link OrganizationsApi} on one SDK client; every list is paged to its end. */
export class SdkOrganizationsApi implements OrganizationsApi {
  readonly #client: OrganizationsClient;
  readonly #call: AwsCall;

  constructor(client: OrganizationsClient, call: AwsCall) {
    this.#client = client;
    this.#call = call;
  }

  async listRoots(): Promise<{ id: string; name: string }[]> {
    return this.#call("organizations:ListRoots", async () => {
      const roots: { id: string; name: string }[] = [];
      for await (const page of paginateListRoots({ client: this.#client }, {})) {
        for (const r of page.Roots ?? []) roots.push({ id: r.Id ?? "", name: r.Name ?? "" });
      }
      return roots;
    });
  }

  async listOrganizationalUnitsForParent(parentId: string): Promise<OrganizationalUnit[]> {
    return this.#call(
      "organizations:ListOrganizationalUnitsForParent",
      async () => {
        const units: OrganizationalUnit[] = [];
        for await (const page of paginateListOrganizationalUnitsForParent(
          { client: this.#client },
          { ParentId: parentId },
        )) {
          for (const u of page.OrganizationalUnits ?? []) {
            units.push({ id: u.Id ?? "", name: u.Name ?? "" });
          }
        }
        return units;
      },
      { resource: `parent ${parentId}` },
    );
  }

  async listAccountsForParent(parentId: string): Promise<OrganizationAccount[]> {
    return this.#call(
      "organizations:ListAccountsForParent",
      async () => {
        const accounts: OrganizationAccount[] = [];
        for await (const page of paginateListAccountsForParent(
          { client: this.#client },
          { ParentId: parentId },
        )) {
          for (const a of page.Accounts ?? []) {
            accounts.push({
              id: a.Id ?? "",
              name: a.Name ?? "",
              email: a.Email ?? "",
              status: a.State ?? a.Status ?? "",
            });
          }
        }
        return accounts;
      },
      { resource: `parent ${parentId}` },
    );
  }
}
