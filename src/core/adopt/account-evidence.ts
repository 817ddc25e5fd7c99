/**
 * The anti-migrate guard of `crossform adopt` (docs/decisions/0038-adopt-account-guard.md): every
 * account a state's resources name must be one the destination unit may hold. A resource names its
 * account through its own identity: the top-level `arn` (or an `id` that is an ARN), and the
 * top-level `account_id` and `owner_id`. Which account is allowed follows the provider
 * configuration that manages the resource: the default aws provider of a per-account stack is the
 * unit's own account, an alias is the account crossform wires it to, anything else may be any
 * account the unit reaches. ARNs deeper in a resource (a policy's principals, a peer's role) name
 * accounts the resource points at, not the account it lives in, and are not evidence.
 */
import type { Config } from "../config/model.ts";
import { stackAliases } from "../generate/unit-inputs.ts";
import type { Unit } from "../units/units.ts";
import type { StateInstance, TerraformState } from "./terraform-state.ts";

/** One account a resource names, and where. */
export interface AccountEvidence {
  /** The resource instance's address. */
  address: string;
  /** The top-level attribute that names it. */
  attribute: string;
  accountId: string;
  /** The attribute's value (an ARN or the id); undefined when Terraform marks it sensitive. */
  value: string | undefined;
}

/** A resource that names an account the destination may not hold. */
export interface ForeignResource extends AccountEvidence {
  /** The accounts allowed for it. */
  allowed: string[];
}

/** What the guard found in one state for one destination unit. */
export interface GuardResult {
  /** Evidence of accounts the unit may not hold: the state is refused when any. */
  foreign: ForeignResource[];
  /** Every account named, with how many resource instances name it. */
  accounts: Map<string, number>;
  /** Resource instances that name no account at all (no ARN, no account id). */
  withoutEvidence: number;
}

const ARN = /^arn:aws[a-z-]*:[a-z0-9-]+:[a-z0-9-]*:(\d{12})?:/;
const ACCOUNT_ID = /^\d{12}$/;
const ACCOUNT_ATTRIBUTES = ["account_id", "owner_id"] as const;

/** The accounts an instance names through its own identity. */
export function evidenceOf(instance: StateInstance): AccountEvidence[] {
  const found: AccountEvidence[] = [];
  const add = (attribute: string, accountId: string, value: string): void => {
    if (found.some((e) => e.accountId === accountId && e.attribute === attribute)) return;
    found.push({
      address: instance.address,
      attribute,
      accountId,
      value: instance.sensitive.has(attribute) ? undefined : value,
    });
  };
  for (const attribute of ["arn", "id"]) {
    const value = instance.attributes[attribute];
    if (typeof value !== "string") continue;
    const account = ARN.exec(value)?.[1];
    if (account !== undefined) add(attribute, account, value);
  }
  for (const attribute of ACCOUNT_ATTRIBUTES) {
    const value = instance.attributes[attribute];
    if (typeof value === "string" && ACCOUNT_ID.test(value)) add(attribute, value, value);
  }
  return found;
}

/** The account ids a unit may hold: each provider configuration's, and every one it reaches. */
export interface UnitAccounts {
  /** The unit's own account: its default aws provider's (a per-account stack). */
  own: string | undefined;
  /** Alias -> account id. */
  aliases: Map<string, string>;
  /** Every account the unit reaches: its targets and its references. */
  reachable: string[];
}

/** The accounts of a unit, as its generated providers wire them. */
export function unitAccounts(config: Config, unit: Unit): UnitAccounts {
  const stack = config.stacks.get(unit.stack);
  const aliases = new Map<string, string>();
  if (stack) {
    for (const [alias, { account }] of stackAliases(config, stack, unit))
      aliases.set(alias, account.id);
  }
  const reachable = new Set<string>(aliases.values());
  for (const target of unit.targets) {
    const id = config.accounts.get(target.account)?.id;
    if (id !== undefined) reachable.add(id);
  }
  const own = unit.mode === "per-account" ? config.accounts.get(unit.account)?.id : undefined;
  return { own, aliases, reachable: [...reachable].sort() };
}

/** The accounts allowed for one instance of the unit's state. */
function allowedFor(instance: StateInstance, accounts: UnitAccounts): string[] {
  const { provider } = instance;
  if (provider.type === "aws" && provider.root) {
    if (provider.alias === undefined && accounts.own !== undefined) return [accounts.own];
    const aliased = provider.alias === undefined ? undefined : accounts.aliases.get(provider.alias);
    if (aliased !== undefined) return [aliased];
  }
  return accounts.reachable;
}

/** Checks every instance of `state` against the accounts `unit` may hold. */
export function guardState(state: TerraformState, accounts: UnitAccounts): GuardResult {
  const foreign: ForeignResource[] = [];
  const named = new Map<string, number>();
  let withoutEvidence = 0;
  for (const instance of state.instances) {
    const evidence = evidenceOf(instance);
    if (evidence.length === 0) withoutEvidence += 1;
    const allowed = allowedFor(instance, accounts);
    for (const accountId of new Set(evidence.map((e) => e.accountId)))
      named.set(accountId, (named.get(accountId) ?? 0) + 1);
    for (const e of evidence) {
      if (!allowed.includes(e.accountId)) foreign.push({ ...e, allowed });
    }
  }
  return { foreign, accounts: named, withoutEvidence };
}
