/**
 * Which resources bootstrap manages in which account, from the configuration and the selected
 * units: each state bucket and lock table in the account that holds the state, and with
 * `--create-role` the deploy role of each account the units reach (their targets and referenced
 * accounts, as verify counts them). Pure: nothing is read from AWS.
 */
import { partitionOf, roleArnFor } from "../config/arn.ts";
import type { Config } from "../config/model.ts";
import { accountsReachedBy } from "../identity/verify-selection.ts";
import type { Unit } from "../units/units.ts";
import { deployRoleTrustPolicy, parseRoleArn } from "./deploy-role.ts";
import type { PolicyDocument } from "./policy-document.ts";

/** A reason a resource or an account cannot be bootstrapped, found before any AWS call. */
export interface PlanProblem {
  code: string;
  message: string;
  hint: string;
}

/** A state bucket to create and harden. */
export interface BucketTarget {
  name: string;
  region: string;
}

/** A DynamoDB lock table to create. */
export interface LockTableTarget {
  name: string;
  region: string;
}

/** The deploy role of one account, as bootstrap wants it. */
export interface DeployRoleTarget {
  /** The configured role ARN (`accounts.<name>.role`). */
  arn: string;
  name: string;
  /** `/` or `/path/`. */
  path: string;
  principals: string[];
  externalId: string | undefined;
  trustPolicy: PolicyDocument;
  policyArns: string[];
  /** Set when the role cannot be managed (e.g. its ARN points into another account). */
  problem: PlanProblem | undefined;
}

/** Everything bootstrap does in one account. */
export interface AccountPlan {
  account: string;
  accountId: string;
  /** The admin role assumed to act in the account. */
  adminRoleArn: string;
  /** Region for the account's global calls (IAM): its home region, else `base.region`. */
  region: string;
  partition: string;
  buckets: BucketTarget[];
  lockTables: LockTableTarget[];
  deployRole: DeployRoleTarget | undefined;
  /** Set when nothing can be done in the account (e.g. the admin role is in another account). */
  problem: PlanProblem | undefined;
}

/** Options of {@link planBootstrap}. */
export interface PlanBootstrapOptions {
  /** Admin role name or ARN; `--admin-role` or `bootstrap.admin_role`. */
  adminRole: string;
  /** `--create-role`. */
  createRole: boolean;
  /**
   * Principals trusted by the deploy role: `bootstrap.deploy_role.trust`, else the base
   * principal. Needed only with `createRole`.
   */
  trust: string[];
}

/** The accounts bootstrap touches for `units`, in config order, with their resources. */
export function planBootstrap(
  config: Config,
  units: readonly Unit[],
  options: PlanBootstrapOptions,
): AccountPlan[] {
  const plans = new Map<string, AccountPlan>();
  const planOf = (name: string): AccountPlan | undefined => {
    const existing = plans.get(name);
    if (existing) return existing;
    const account = config.accounts.get(name);
    if (!account) return undefined;
    const region = account.regions[0] ?? config.base.region;
    const adminRoleArn = roleArnFor(options.adminRole, account.id, region);
    const adminParts = parseRoleArn(adminRoleArn);
    const plan: AccountPlan = {
      account: name,
      accountId: account.id,
      adminRoleArn,
      region,
      partition: partitionOf(region),
      buckets: [],
      lockTables: [],
      deployRole: undefined,
      problem:
        adminParts?.accountId === account.id
          ? undefined
          : {
              code: "bootstrap/admin-role-account",
              message: `admin role ${adminRoleArn} is not a role in account ${name} (${account.id})`,
              hint: "give the admin role as a name (bootstrap.admin_role or --admin-role), so it is looked up in each account",
            },
    };
    plans.set(name, plan);
    return plan;
  };

  for (const unit of units) {
    const holder = planOf(unit.state.accountName);
    if (holder) {
      if (!holder.buckets.some((b) => b.name === unit.state.bucket)) {
        holder.buckets.push({ name: unit.state.bucket, region: unit.state.region });
      }
      const lock = unit.state.lock;
      if (
        lock.kind === "dynamodb" &&
        !holder.lockTables.some((t) => t.name === lock.table && t.region === unit.state.region)
      ) {
        holder.lockTables.push({ name: lock.table, region: unit.state.region });
      }
    }
    if (!options.createRole) continue;
    // Terraform reaches the state through the holder's deploy role unless state.role names another.
    const roleAccounts = accountsReachedBy(config, [unit]);
    if (config.state.role === undefined) roleAccounts.push(unit.state.accountName);
    for (const name of roleAccounts) {
      const plan = planOf(name);
      const account = config.accounts.get(name);
      if (!plan || !account || plan.deployRole) continue;
      plan.deployRole = deployRoleTarget(
        account.roleArn,
        account.id,
        account.name,
        account.externalId,
        options.trust,
        config.bootstrap.deployRole.policyArns,
      );
    }
  }

  const order = [...config.accounts.keys()];
  return [...plans.values()].sort((a, b) => order.indexOf(a.account) - order.indexOf(b.account));
}

function deployRoleTarget(
  arn: string,
  accountId: string,
  accountName: string,
  externalId: string | undefined,
  trust: string[],
  policyArns: string[],
): DeployRoleTarget {
  const parts = parseRoleArn(arn);
  const target: DeployRoleTarget = {
    arn,
    name: parts?.name ?? arn,
    path: parts?.path ?? "/",
    principals: [...trust],
    externalId,
    trustPolicy: deployRoleTrustPolicy(trust, externalId),
    policyArns: [...policyArns],
    problem: undefined,
  };
  if (!parts) {
    target.problem = {
      code: "bootstrap/invalid-role-arn",
      message: `deploy role ${arn} of account ${accountName} is not an IAM role ARN`,
      hint: `set accounts.${accountName}.role (or defaults.role) to a role name or arn:aws:iam::${accountId}:role/<name>`,
    };
  } else if (parts.accountId !== accountId) {
    target.problem = {
      code: "bootstrap/role-in-other-account",
      message: `deploy role ${arn} of account ${accountName} lies in account ${parts.accountId}, not ${accountId}`,
      hint: `bootstrap creates roles only in the account itself: fix accounts.${accountName}.role, or create that role by other means`,
    };
  } else if (trust.length === 0) {
    target.problem = {
      code: "bootstrap/no-trust",
      message: `no principal to trust for the deploy role of account ${accountName}`,
      hint: "set bootstrap.deploy_role.trust to the ARNs that may assume the role",
    };
  }
  return target;
}
