/**
 * Accounts x stacks x regions -> units (docs/contract.md section 2). A unit is one state: its id is
 * `stack/account/region`; a multi-account stack has one unit, in its home.
 */
import { roleArnFor } from "../config/arn.ts";
import type { Account, Config, LockSetting, Stack, StackMode } from "../config/model.ts";
import { renderPattern } from "../config/placeholders.ts";
import type { Diagnostic } from "../errors.ts";

/** Where one unit's state lives, fully rendered. */
export interface StateAddress {
  bucket: string;
  key: string;
  region: string;
  /** The account that holds the state. */
  accountName: string;
  accountId: string;
  /** Role assumed to reach the state. */
  roleArn: string;
  externalId: string | undefined;
  lock: LockSetting;
}

/** One account and region a unit reaches. */
export interface UnitTarget {
  account: string;
  region: string;
}

/** One (stack, account, region): exactly one state. */
export interface Unit {
  /** `stack/account/region`. */
  id: string;
  stack: string;
  /** Target account (home for a multi-account stack). */
  account: string;
  region: string;
  mode: StackMode;
  /** Every account and region the unit reaches: itself, or each account of a multi-account stack. */
  targets: UnitTarget[];
  /** Index of the unit's wave (the latest of the accounts it touches). */
  wave: number;
  /** File name stem of its backend and tfvars files: `<account>` or `<account>.<region>`. */
  fileStem: string;
  state: StateAddress;
  /** Ids of the units whose state this one reads. */
  dependsOn: string[];
}

/** The units of a configuration, in config order (stack, then account, then region). */
export interface UnitSet {
  units: Unit[];
  byId: Map<string, Unit>;
}

/** The regions an account deploys a stack to. */
export function regionsOf(stack: Stack, account: Account): string[] {
  return stack.regions ?? account.regions;
}

/** Expands a normalized config into units, with the state layout and dependency rules checked. */
export function expandUnits(config: Config): { units: UnitSet; diagnostics: Diagnostic[] } {
  const diagnostics: Diagnostic[] = [];
  const units: Unit[] = [];
  const byId = new Map<string, Unit>();
  const add = (unit: Unit): void => {
    units.push(unit);
    byId.set(unit.id, unit);
  };

  for (const stack of config.stacks.values()) {
    if (stack.mode === "multi-account") {
      const home = config.accounts.get(stack.home ?? "");
      if (!home) continue;
      const region = stack.regions?.[0] ?? home.regions[0] ?? config.base.region;
      const targets: UnitTarget[] = [];
      let wave = 0;
      for (const name of stack.accounts) {
        const account = config.accounts.get(name);
        if (!account) continue;
        wave = Math.max(wave, account.wave);
        for (const r of regionsOf(stack, account)) targets.push({ account: name, region: r });
      }
      add({
        id: `${stack.name}/${home.name}/${region}`,
        stack: stack.name,
        account: home.name,
        region,
        mode: stack.mode,
        targets,
        wave,
        fileStem: home.name,
        state: stateAddress(config, stack, home, region),
        dependsOn: [],
      });
      continue;
    }
    for (const name of stack.accounts) {
      const account = config.accounts.get(name);
      if (!account) continue;
      const regions = regionsOf(stack, account);
      for (const region of regions) {
        add({
          id: `${stack.name}/${name}/${region}`,
          stack: stack.name,
          account: name,
          region,
          mode: stack.mode,
          targets: [{ account: name, region }],
          wave: account.wave,
          fileStem: regions.length > 1 ? `${name}.${region}` : name,
          state: stateAddress(config, stack, account, region),
          dependsOn: [],
        });
      }
    }
  }

  // Dependencies: the dependency's unit in the same account and region, or its single unit.
  for (const unit of units) {
    const stack = config.stacks.get(unit.stack);
    for (const dep of stack?.dependsOn ?? []) {
      const depStack = config.stacks.get(dep);
      if (!depStack) continue;
      const target =
        depStack.mode === "multi-account"
          ? units.find((u) => u.stack === dep)
          : byId.get(`${dep}/${unit.account}/${unit.region}`);
      if (!target) {
        diagnostics.push({
          severity: "error",
          code: "config/dependency-not-deployed",
          message: `unit ${unit.id} depends on stack ${dep}, which is not deployed to ${unit.account} in ${unit.region}`,
          hint: `deploy ${dep} to ${unit.account} (${unit.region}) too, or remove it from stacks.${unit.stack}.depends_on`,
          position: config.locator.positionOf(["stacks", unit.stack, "depends_on"]),
        });
        continue;
      }
      if (target.wave > unit.wave) {
        const waveName = (i: number): string => config.waves[i]?.name ?? String(i + 1);
        diagnostics.push({
          severity: "error",
          code: "config/dependency-in-later-wave",
          message: `unit ${unit.id} (wave ${waveName(unit.wave)}) depends on ${target.id}, which runs later (wave ${waveName(target.wave)})`,
          hint: `a dependency must be in the same or an earlier wave: move the accounts of ${target.id} to an earlier wave, or drop ${dep} from stacks.${unit.stack}.depends_on`,
          position: config.locator.positionOf(["stacks", unit.stack, "depends_on"]),
        });
      }
      unit.dependsOn.push(target.id);
    }
  }

  diagnostics.push(...checkStateLayout(config, units));
  return { units: { units, byId }, diagnostics };
}

function stateAddress(
  config: Config,
  stack: Stack,
  account: Account,
  region: string,
): StateAddress {
  const holder = config.accounts.get(config.state.account ?? account.name) ?? account;
  const values = {
    account: account.name,
    account_id: account.id,
    region,
    stack: stack.name,
    tier: account.tier,
    state_account_id: holder.id,
  };
  const stateRegion =
    config.state.region ?? (config.state.bucket.includes("{region}") ? region : config.base.region);
  return {
    bucket: renderPattern(config.state.bucket, values),
    key: renderPattern(config.state.key, values),
    region: stateRegion,
    accountName: holder.name,
    accountId: holder.id,
    roleArn: stateRoleArn(config, holder, stateRegion),
    externalId: holder.externalId,
    lock: config.state.lock,
  };
}

/** The role that reaches the states an account holds: `state.role` in it, else its deploy role. */
export function stateRoleArn(config: Config, holder: Account, region: string): string {
  return config.state.role ? roleArnFor(config.state.role, holder.id, region) : holder.roleArn;
}

const BUCKET_NAME = /^(?!xn--)(?!.*-s3alias$)[a-z0-9][a-z0-9.-]{1,61}[a-z0-9]$/;

/**
 * The offline state layout rule (docs/contract.md section 2): no two units share (bucket, key); no two
 * accounts compute one bucket unless it is the configured state account; bucket names are valid.
 */
export function checkStateLayout(config: Config, units: Unit[]): Diagnostic[] {
  const diagnostics: Diagnostic[] = [];
  const byAddress = new Map<string, Unit>();
  const bucketHolder = new Map<string, Unit>();
  const bucketPosition = config.locator.positionOf(["state", "bucket"]);
  const keyPosition = config.locator.positionOf(["state", "key"]);
  const reportedBuckets = new Set<string>();
  for (const unit of units) {
    const { bucket, key } = unit.state;
    if (!BUCKET_NAME.test(bucket) && !reportedBuckets.has(bucket)) {
      reportedBuckets.add(bucket);
      diagnostics.push({
        severity: "error",
        code: "state/invalid-bucket-name",
        message: `state bucket "${bucket}" of unit ${unit.id} is not a valid S3 bucket name`,
        hint: "bucket names are 3-63 lowercase letters, digits, '.' and '-', starting and ending with a letter or digit",
        position: bucketPosition,
      });
    }
    const address = `${bucket}\u0000${key}`;
    const other = byAddress.get(address);
    if (other) {
      diagnostics.push({
        severity: "error",
        code: "state/shared-address",
        message: `units ${other.id} and ${unit.id} share one state: s3://${bucket}/${key}`,
        hint: "every unit needs its own state: put {stack}, {account} and {region} in state.key or state.bucket",
        position: keyPosition,
      });
    } else {
      byAddress.set(address, unit);
    }
    const holder = bucketHolder.get(bucket);
    if (holder && holder.state.accountId !== unit.state.accountId) {
      const pair = `${bucket}\u0000pair`;
      if (!reportedBuckets.has(pair)) {
        reportedBuckets.add(pair);
        diagnostics.push({
          severity: "error",
          code: "state/bucket-in-two-accounts",
          message: `accounts ${holder.state.accountName} and ${unit.state.accountName} both compute the state bucket "${bucket}"`,
          hint: "a bucket belongs to one account: put {account_id} in state.bucket, or name a central account with state.account",
          position: bucketPosition,
        });
      }
    } else if (!holder) {
      bucketHolder.set(bucket, unit);
    }
  }
  return diagnostics;
}
