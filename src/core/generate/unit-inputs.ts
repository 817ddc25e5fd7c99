/**
 * The values each unit's generated files carry: its own account, the accounts it references, the
 * state of its dependencies, and the user's variables (docs/contract.md section 3).
 */
import type { Account, Config, Stack, Vars } from "../config/model.ts";
import { renderPattern } from "../config/placeholders.ts";
import type { StateAddress, Unit, UnitSet } from "../units/units.ts";

/**
 * The value `{user}` takes in committed files, which must not depend on who generates them. The
 * run commands pass the operator's own session name on the command line.
 */
export const COMMITTED_SESSION_USER = "terraform";

/** `crossform_ref_<alias>`: one account a unit reaches besides its own. */
export interface RefValue {
  account_id: string;
  role_arn: string;
  region: string;
  external_id: string | null;
}

/** `crossform_dep_<stack>`: how to read one dependency's state. */
export interface DepValue {
  bucket: string;
  key: string;
  region: string;
  role_arn: string;
  session_name: string;
  external_id: string | null;
  allowed_account_ids: string[];
}

/** Everything the tfvars of one unit set. */
export interface UnitInputs {
  crossform: {
    crossform_account_id: string;
    crossform_account_name: string;
    crossform_tier: string;
    crossform_region: string;
    crossform_role_arn: string;
    crossform_external_id: string | null;
    crossform_session_name: string;
    crossform_default_tags: Record<string, string>;
  };
  refs: Record<string, RefValue>;
  deps: Record<string, DepValue>;
  user: Vars;
}

/** The provider alias of an account (and region, when it deploys to several) in a multi-account stack. */
export function multiAccountAlias(account: string, region: string, regionCount: number): string {
  return regionCount > 1 ? `${account}_${region.replace(/-/g, "_")}` : account;
}

/** Renders `session.name` for an account and stack, with `{user}` as given. */
export function sessionName(config: Config, account: string, stack: string, user: string): string {
  return renderPattern(config.session.name, { user, account, stack }).slice(0, 64);
}

function refValue(account: Account, region: string): RefValue {
  return {
    account_id: account.id,
    role_arn: account.roleArn,
    region,
    external_id: account.externalId ?? null,
  };
}

/** The aliases a stack's units reach, in a stable order: alias -> (account, region) per unit. */
export function stackAliases(
  config: Config,
  stack: Stack,
  unit: Unit,
): Map<string, { account: Account; region: string }> {
  const aliases = new Map<string, { account: Account; region: string }>();
  if (stack.mode === "multi-account") {
    const regionCounts = new Map<string, number>();
    for (const t of unit.targets)
      regionCounts.set(t.account, (regionCounts.get(t.account) ?? 0) + 1);
    for (const t of unit.targets) {
      const account = config.accounts.get(t.account);
      if (!account) continue;
      aliases.set(multiAccountAlias(t.account, t.region, regionCounts.get(t.account) ?? 1), {
        account,
        region: t.region,
      });
    }
    return aliases;
  }
  for (const [alias, name] of Object.entries(stack.references)) {
    const account = config.accounts.get(name);
    if (!account) continue;
    // A referenced account is reached in the unit's region when it deploys there, else in its first.
    const region = account.regions.includes(unit.region)
      ? unit.region
      : (account.regions[0] ?? unit.region);
    aliases.set(alias, { account, region });
  }
  return aliases;
}

/** How a dependency's state is read: the same address, role and guard as its backend. */
export function depValue(config: Config, state: StateAddress, stack: string): DepValue {
  return {
    bucket: state.bucket,
    key: state.key,
    region: state.region,
    role_arn: state.roleArn,
    session_name: sessionName(config, state.accountName, stack, COMMITTED_SESSION_USER),
    external_id: state.externalId ?? null,
    allowed_account_ids: [state.accountId],
  };
}

/** Computes the inputs of one unit. */
export function unitInputs(
  config: Config,
  units: UnitSet,
  unit: Unit,
  user = COMMITTED_SESSION_USER,
): UnitInputs {
  const stack = config.stacks.get(unit.stack);
  const account = config.accounts.get(unit.account);
  if (!stack || !account) throw new Error(`unit ${unit.id} refers to an unknown stack or account`);
  const refs: Record<string, RefValue> = {};
  for (const [alias, { account: a, region }] of stackAliases(config, stack, unit))
    refs[alias] = refValue(a, region);
  const deps: Record<string, DepValue> = {};
  for (const depId of unit.dependsOn) {
    const dep = units.byId.get(depId);
    if (dep) deps[dep.stack] = depValue(config, dep.state, dep.stack);
  }
  return {
    crossform: {
      crossform_account_id: account.id,
      crossform_account_name: account.name,
      crossform_tier: account.tier,
      crossform_region: unit.region,
      crossform_role_arn: account.roleArn,
      crossform_external_id: account.externalId ?? null,
      crossform_session_name: sessionName(config, account.name, stack.name, user),
      crossform_default_tags: { ...account.defaultTags, ...stack.defaultTags },
    },
    refs,
    deps,
    user: { ...account.vars, ...stack.vars, ...stack.targetVars[account.name] },
  };
}
