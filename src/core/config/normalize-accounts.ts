/**
 * The `accounts:` section: each account with its defaults applied, its role as an ARN in that
 * account, and no two entries for one AWS account.
 */
import { accountIdOfArn, roleArnFor } from "./arn.ts";
import type { Account } from "./model.ts";
import type { NormalizeContext } from "./normalize-context.ts";
import type { WrittenConfig } from "./schema.ts";

/** Where accounts take what they do not set. */
export interface AccountDefaults {
  baseRegion: string;
  regions: string[];
  role: string;
}

/** The accounts, in the order written. */
export function normalizeAccounts(
  ctx: NormalizeContext,
  written: WrittenConfig,
  defaults: AccountDefaults,
): Map<string, Account> {
  const { baseRegion } = defaults;
  const defaultRegions = defaults.regions;
  const defaultRole = defaults.role;
  const accounts = new Map<string, Account>();
  const ids = new Map<string, string>();
  for (const [name, a] of Object.entries(written.accounts)) {
    const regions = a.regions ?? defaultRegions;
    const firstRegion = regions[0] ?? baseRegion;
    const roleArn = roleArnFor(a.role ?? defaultRole, a.id, firstRegion);
    const roleAccount = accountIdOfArn(roleArn);
    if (roleAccount === undefined) {
      ctx.error(
        "config/invalid-role",
        ["accounts", name, "role"],
        `role "${roleArn}" of account ${name} is not an IAM role ARN`,
        "write a role name (TerraformDeploy) or a full ARN: arn:aws:iam::<12-digit id>:role/<name>",
      );
    } else if (roleAccount !== a.id) {
      ctx.error(
        "config/role-in-other-account",
        a.role ? ["accounts", name, "role"] : ["defaults", "role"],
        `role ${roleArn} of account ${name} is in account ${roleAccount}, not ${a.id}`,
        `a deploy role must live in the account it deploys to: use arn:...:iam::${a.id}:role/<name>, or a role name`,
      );
    }
    const other = ids.get(a.id);
    if (other !== undefined) {
      ctx.error(
        "config/duplicate-account-id",
        ["accounts", name, "id"],
        `accounts ${other} and ${name} have the same id ${a.id}`,
        "each account entry must describe a different AWS account; remove or correct one",
      );
    }
    ids.set(a.id, name);
    accounts.set(name, {
      name,
      id: a.id,
      tier: a.tier ?? "",
      tags: a.tags ?? {},
      roleArn,
      regions: [...new Set(regions)],
      externalId: a.external_id ?? written.defaults?.external_id,
      approval: a.approval === "required",
      vars: { ...written.defaults?.vars, ...a.vars },
      defaultTags: { ...written.defaults?.default_tags, ...a.default_tags },
      wave: 0,
    });
  }
  if (accounts.size === 0) {
    ctx.error(
      "config/no-accounts",
      ["accounts"],
      "no accounts are configured",
      "add at least one entry under `accounts:`",
    );
  }

  return accounts;
}
