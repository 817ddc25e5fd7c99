/**
 * The normalized configuration: every default applied, every role an ARN, every selector resolved
 * to account names. Everything after parsing works on this model only.
 */
import type { AwsSettings } from "./normalize-aws.ts";
import type { ConfigLocator } from "./parse-config.ts";

/** User variables of a unit, as they go into its tfvars. */
export type Vars = Record<string, unknown>;

/** One AWS account, with its inherited settings resolved. */
export interface Account {
  /** Name from `accounts.<name>`. */
  name: string;
  /** 12-digit id. */
  id: string;
  /** Tier, e.g. `prod`; `""` when none is configured. */
  tier: string;
  /** Selection metadata (`tag:key=value`). */
  tags: Record<string, string>;
  /** The deploy role as a full ARN. */
  roleArn: string;
  /** Regions the account deploys to (first is its home region). */
  regions: string[];
  externalId: string | undefined;
  /** Whether an apply needs explicit approval of this account. */
  approval: boolean;
  /** Variables merged defaults < account. */
  vars: Vars;
  /** default_tags merged defaults < account. */
  defaultTags: Record<string, string>;
  /** Index of the account's wave in {@link Config.waves}. */
  wave: number;
}

/** How a stack deploys. */
export type StackMode = "per-account" | "multi-account";

/** One stack (Terraform root module). */
export interface Stack {
  name: string;
  /** Directory relative to the config file, POSIX separators, no trailing slash. */
  path: string;
  mode: StackMode;
  /** Multi-account stacks: the account that holds the state. */
  home: string | undefined;
  /** Names of the accounts the stack deploys to, in config order. */
  accounts: string[];
  /** Regions override; undefined = each account's regions. */
  regions: string[] | undefined;
  dependsOn: string[];
  /** alias -> account name. */
  references: Record<string, string>;
  /** Providers to wire; undefined = detect from the code. */
  providers: "aws"[] | undefined;
  vars: Vars;
  defaultTags: Record<string, string>;
  /** account name -> vars. */
  targetVars: Record<string, Vars>;
}

/** One promotion wave. */
export interface Wave {
  name: string;
  /** Account names, in config order. */
  accounts: string[];
  canary: number | undefined;
  tolerance: number;
}

/** Locking of the S3 backend. */
export type LockSetting = { kind: "s3" } | { kind: "dynamodb"; table: string };

/** Where state lives (patterns still hold placeholders). */
export interface StateSettings {
  bucket: string;
  key: string;
  /** Explicit region; undefined = unit region when the bucket has `{region}`, else base region. */
  region: string | undefined;
  lock: LockSetting;
  /** Central state account name. */
  account: string | undefined;
  /** State-access role (name or ARN); undefined = deploy role of the holding account. */
  role: string | undefined;
}

/** The whole normalized configuration. */
export interface Config {
  /** Path of the config file as given (for messages). */
  file: string;
  /** Finds positions of keys in the file. */
  locator: ConfigLocator;
  base: { profile: string | undefined; region: string };
  session: { durationSeconds: number; name: string };
  state: StateSettings;
  /** Accounts by name, in config order. */
  accounts: Map<string, Account>;
  /** Stacks by name, in config order. */
  stacks: Map<string, Stack>;
  waves: Wave[];
  guards: { maxDestroy: number; maxDestroyApproval: number; maxUnits: number };
  run: {
    parallel: number;
    lockTimeoutSeconds: number;
    /** `run.grace_period`; undefined when not written (30 s, 6 s under CI=true). */
    gracePeriodSeconds: number | undefined;
    /** `run.keep`: run records kept after each run; undefined for `all` (none removed). */
    keep: number | undefined;
  };
  terraform: { binary: string; version: string };
  lint: {
    failLevel: "error" | "warn";
    rules: Record<string, "error" | "warn" | "off">;
    /** Third-party account ids that `hard-coded-account-id` accepts in reusable modules. */
    thirdPartyAccounts: string[];
  };
  bootstrap: {
    adminRole: string;
    deployRole: { trust: string[]; policyArns: string[] };
    noncurrentVersionDays: number;
  };
  ci: { roleArn: string | undefined; sessionDurationSeconds: number | undefined };
  profiles: { prefix: string };
  /** Timeouts of crossform's own AWS calls. */
  aws: AwsSettings;
}
