/**
 * `crossform verify`, and the preflight of every run command: from the base identity, per account,
 * assume the deploy role, ask STS who we are and compare with the configured id; then check each
 * state bucket the account's units use (exists, owned by the account holding the state, versioning,
 * public access block, default encryption) and the DynamoDB lock table when one is configured.
 * Accounts run in a sliding window of `parallel`; inside one account the calls run one after the
 * other, so `parallel` bounds the requests in flight. Nothing is printed: progress goes to the
 * event sink, the outcome is the returned report.
 */
import type { Account, Config, LockSetting } from "../core/config/model.ts";
import { CrossformError } from "../core/errors.ts";
import { mapWithWindow } from "../core/concurrency/sliding-window.ts";
import { sessionName } from "../core/generate/unit-inputs.ts";
import { checkSessionLifetime } from "../core/identity/session-lifetime.ts";
import type { SessionLifetime } from "../core/identity/session-lifetime.ts";
import { describeBaseCredentialSource } from "../core/profiles/base-credential-source.ts";
import { profileFailureHint, profilesStale } from "../core/profiles/profiles-check.ts";
import type { ProfilesCheck } from "../core/profiles/profiles-check.ts";
import type { VerifySelection } from "../core/identity/verify-selection.ts";
import type { StateAddress } from "../core/units/units.ts";
import type { AccountTarget, AwsClients, AwsSessions } from "../ports/aws.ts";
import type { EventSink } from "../ports/event-sink.ts";

/** Version of the report's JSON shape; bumped on any incompatible change. */
export const VERIFY_REPORT_VERSION = 1;

/** Accounts verified at once unless `--parallel` says otherwise (docs/contract.md section 6). */
export const DEFAULT_VERIFY_PARALLEL = 16;

/** Outcome of one check. */
export type CheckStatus = "ok" | "failed" | "skipped";

/** Why a check failed: a stable code, what is wrong, and what to change. */
export interface VerifyProblem {
  /** `aws/access-denied`, `aws/role-in-other-account`, `state/versioning-off`, ... */
  code: string;
  message: string;
  hint?: string | undefined;
}

/** The checks made on one state address, in the order they run. */
export type StateCheckName =
  | "state-identity"
  | "bucket-exists"
  | "bucket-owner"
  | "bucket-region"
  | "versioning"
  | "public-access-block"
  | "encryption"
  | "lock-table";

/** One check of a state bucket or lock table. */
export interface StateCheck {
  name: StateCheckName;
  status: CheckStatus;
  /** What was found, e.g. `Enabled`, `AES256`, `missing`. */
  detail: string;
  problem?: VerifyProblem | undefined;
}

/** The checks of one state bucket (and its lock table). */
export interface StateVerification {
  bucket: string;
  region: string;
  /** The account that holds the state (the target itself, or a central state account). */
  holder: string;
  holderId: string;
  /** Role assumed to reach the state. */
  roleArn: string;
  /** `s3` or `dynamodb:<table>`. */
  lock: string;
  /** Ids of the selected units whose state lives in this bucket. */
  units: string[];
  status: CheckStatus;
  checks: StateCheck[];
}

/** The role session in one more region of the account. */
export interface RegionVerification {
  region: string;
  status: CheckStatus;
  problem?: VerifyProblem | undefined;
}

/** The identity of one account's role session. */
export interface IdentityVerification {
  status: CheckStatus;
  /** The account `GetCallerIdentity` returned. */
  account?: string | undefined;
  /** The ARN `GetCallerIdentity` returned. */
  arn?: string | undefined;
  /** Each further region of the account (its first region is the session's own). */
  regions: RegionVerification[];
  problem?: VerifyProblem | undefined;
}

/** Everything verified for one account. */
export interface AccountVerification {
  name: string;
  /** The configured id. */
  id: string;
  roleArn: string;
  /** The AWS CLI profile used, with `--via-profiles`. */
  profile?: string | undefined;
  regions: string[];
  status: CheckStatus;
  identity: IdentityVerification;
  state: StateVerification[];
  /** The hint of the first failure. */
  hint?: string | undefined;
  ok: boolean;
}

/** The base identity and its remaining lifetime. */
export interface BaseVerification {
  /** `warning`: usable, but the session may end before the run does. */
  status: "ok" | "warning" | "failed";
  account?: string | undefined;
  arn?: string | undefined;
  /** Where the credentials came from (`environment`, `profile org-admin (SSO)`...). */
  source?: string | undefined;
  /** ISO time the base credentials expire; absent when unknown. */
  expiration?: string | undefined;
  lifetime?: SessionLifetime | undefined;
  problem?: VerifyProblem | undefined;
}

/** The generated AWS CLI profiles that `--via-profiles` goes through, as the config file holds them. */
export interface ProfilesVerification {
  /** The AWS config file. */
  path: string;
  /** The base identity the profiles must take their credentials from. */
  source: string;
  /** Whether every generated profile is exactly what `crossform profiles --write` writes now. */
  current: boolean;
  /** The profiles that are missing or differ. */
  stale: string[];
}

/** The report of `verify` (JSON shape versioned by {@link VERIFY_REPORT_VERSION}). */
export interface VerifyReport {
  version: typeof VERIFY_REPORT_VERSION;
  ok: boolean;
  viaProfiles: boolean;
  parallel: number;
  base: BaseVerification;
  /** With `--via-profiles` and a profiles check: the state of the generated profiles. */
  profiles?: ProfilesVerification | undefined;
  accounts: AccountVerification[];
}

/** What verify reaches the world through. */
export interface VerifyDeps {
  aws: AwsSessions;
  /** Progress; nothing is emitted when absent. */
  events?: EventSink | undefined;
  /** The clock, for the session lifetime check. */
  now: () => Date;
}

/** What to verify and how. */
export interface VerifyOptions {
  config: Config;
  /** The accounts and units to verify (`selectVerifyTargets` or `verifySelectionForUnits`). */
  selection: VerifySelection;
  /**
   * Accounts verified at once.
   * @default 16
   */
  parallel?: number | undefined;
  /** Reach each account through its generated AWS CLI profile instead of an AssumeRole. */
  viaProfiles?: boolean | undefined;
  /**
   * With `viaProfiles`: the profiles as the AWS config file holds them (`checkProfiles`), so that
   * a failure's hint names what is wrong (never written, stale, or the base identity's login).
   */
  profiles?: ProfilesCheck | undefined;
  /**
   * Expected run length for the session lifetime check, in seconds.
   * @default 1800
   */
  expectedRunSeconds?: number | undefined;
  /** The operator's name, for `{user}` in `session.name`. */
  user: string;
  /** Once aborted, the accounts not yet asked are not verified (`skipped`, not ok). */
  signal?: AbortSignal | undefined;
  /** Told of the base identity's verification as soon as it is known, before any account's. */
  onBase?: ((base: BaseVerification) => void) | undefined;
  /**
   * Told of each account's verification as soon as it is known (a run starts a unit then,
   * docs/decisions/0032-units-start-as-early-as-safe.md). Accounts are verified in the order of
   * `selection.accounts`.
   */
  onAccount?: ((account: AccountVerification) => void) | undefined;
}

const silent: EventSink = { emit: () => undefined };

function problemOf(error: unknown): VerifyProblem {
  if (error instanceof CrossformError) {
    return { code: error.code, message: error.message, hint: error.hint };
  }
  return {
    code: "internal/unexpected",
    message: `unexpected error: ${error instanceof Error ? error.message : String(error)}`,
    hint: "this is a crossform bug: please report it with the command you ran",
  };
}

function lockText(lock: LockSetting): string {
  return lock.kind === "s3" ? "s3" : `dynamodb:${lock.table}`;
}

/** The name AWS accepts for a role session: `[\w+=,.@-]`, 2 to 64 characters. */
export function roleSessionName(config: Config, account: string, user: string): string {
  const name = sessionName(config, account, "", user).replace(/[^\w+=,.@-]/g, "-");
  return name.length >= 2 ? name : `crossform-${account}`.slice(0, 64);
}

interface Run {
  deps: VerifyDeps;
  events: EventSink;
  options: VerifyOptions;
  /** One check per state address for the whole run, shared by the accounts that use it. */
  stateChecks: Map<string, Promise<StateCheck[]>>;
}

/** Verifies the base identity and every selected account; never throws for an AWS failure. */
export async function verify(deps: VerifyDeps, options: VerifyOptions): Promise<VerifyReport> {
  const parallel = options.parallel ?? DEFAULT_VERIFY_PARALLEL;
  if (!Number.isInteger(parallel) || parallel < 1) {
    throw new CrossformError(
      "usage",
      "user",
      `--parallel must be a positive integer, got ${parallel}`,
      {
        hint: `use --parallel ${DEFAULT_VERIFY_PARALLEL}, the default`,
      },
    );
  }
  const events = deps.events ?? silent;
  const run: Run = { deps, events, options, stateChecks: new Map() };
  const base = await verifyBase(run);
  options.onBase?.(base);
  const viaProfiles = options.viaProfiles === true;
  const profiles = profilesVerification(options);

  if (base.account === undefined) {
    // Without a base identity nothing else can be asked: one error, no further call.
    const accounts = options.selection.accounts.map((name) => skippedAccount(run, name, base));
    for (const account of accounts) options.onAccount?.(account);
    return {
      version: VERIFY_REPORT_VERSION,
      ok: false,
      viaProfiles,
      parallel,
      base,
      ...(profiles === undefined ? {} : { profiles }),
      accounts,
    };
  }
  const accounts = await mapWithWindow(options.selection.accounts, parallel, async (name) => {
    const account =
      options.signal?.aborted === true
        ? skippedAccount(run, name, base, "not checked: the run was stopped")
        : await verifyAccount(run, name);
    options.onAccount?.(account);
    return account;
  });
  const ok = base.status !== "failed" && accounts.every((a) => a.ok);
  return {
    version: VERIFY_REPORT_VERSION,
    ok,
    viaProfiles,
    parallel,
    base,
    ...(profiles === undefined ? {} : { profiles }),
    accounts,
  };
}

function profilesVerification(options: VerifyOptions): ProfilesVerification | undefined {
  const check = options.profiles;
  if (options.viaProfiles !== true || check === undefined) return undefined;
  return {
    path: check.path,
    source: describeBaseCredentialSource(check.source),
    current: !profilesStale(check),
    stale: [...check.states]
      .filter(([, state]) => state.status !== "current")
      .map(([name]) => name),
  };
}

/** A problem met through an account's profile, with the hint the profiles check gives for it. */
function throughProfile(run: Run, account: Account, problem: VerifyProblem): VerifyProblem {
  const profile = profileOf(run, account);
  const check = run.options.profiles;
  if (profile === undefined || check === undefined) return problem;
  const hint = profileFailureHint(check, profile, problem.code, account.name);
  return hint === undefined ? problem : { ...problem, hint };
}

async function verifyBase(run: Run): Promise<BaseVerification> {
  const { deps, events } = run;
  events.emit({ type: "task-started", id: "verify/base", label: "base identity" });
  try {
    const identity = await deps.aws.baseIdentity();
    const lifetime = checkSessionLifetime({
      expiration: identity.expiration,
      now: deps.now(),
      ...(run.options.expectedRunSeconds !== undefined
        ? { expectedRunSeconds: run.options.expectedRunSeconds }
        : {}),
    });
    const base: BaseVerification = {
      status:
        lifetime.status === "refused" ? "failed" : lifetime.status === "warning" ? "warning" : "ok",
      account: identity.account,
      arn: identity.arn,
      source: identity.source,
      expiration: identity.expiration?.toISOString(),
      lifetime,
    };
    if (lifetime.status === "refused") {
      base.problem = {
        code: "session/too-short",
        message: lifetime.message,
        hint: "log in again for a fresh base session, then run again",
      };
    }
    if (lifetime.status === "warning") {
      events.emit({
        type: "message",
        level: "warning",
        text: lifetime.message,
        taskId: "verify/base",
      });
    }
    events.emit({
      type: "task-finished",
      id: "verify/base",
      label: "base identity",
      status: base.status === "failed" ? "failed" : base.status === "warning" ? "warning" : "ok",
      detail: `${identity.arn} (${identity.source}); ${lifetime.message}`,
    });
    return base;
  } catch (error) {
    const problem = problemOf(error);
    events.emit({
      type: "task-finished",
      id: "verify/base",
      label: "base identity",
      status: "failed",
      detail: problem.message,
    });
    return { status: "failed", problem };
  }
}

function accountOf(config: Config, name: string): Account {
  const account = config.accounts.get(name);
  if (account === undefined) {
    throw new CrossformError(
      "internal",
      "internal",
      `verify was asked for unknown account ${name}`,
    );
  }
  return account;
}

function regionsOf(config: Config, account: Account): string[] {
  return account.regions.length > 0 ? account.regions : [config.base.region];
}

function profileOf(run: Run, account: Account): string | undefined {
  return run.options.viaProfiles === true
    ? `${run.options.config.profiles.prefix}${account.name}`
    : undefined;
}

function targetOf(run: Run, account: Account, region: string): AccountTarget {
  const { config, user } = run.options;
  return {
    name: account.name,
    accountId: account.id,
    roleArn: account.roleArn,
    externalId: account.externalId,
    sessionName: roleSessionName(config, account.name, user),
    durationSeconds: config.session.durationSeconds,
    region,
    profile: profileOf(run, account),
  };
}

/** The distinct state addresses of the selected units of an account, with those units. */
function stateAddressesOf(run: Run, name: string): { address: StateAddress; units: string[] }[] {
  const byKey = new Map<string, { address: StateAddress; units: string[] }>();
  for (const unit of run.options.selection.units) {
    if (unit.account !== name) continue;
    const key = stateKey(unit.state);
    const entry = byKey.get(key);
    if (entry) entry.units.push(unit.id);
    else byKey.set(key, { address: unit.state, units: [unit.id] });
  }
  return [...byKey.values()];
}

function stateKey(s: StateAddress): string {
  return [s.bucket, s.region, s.accountId, s.roleArn, lockText(s.lock)].join("|");
}

function stateShell(
  address: StateAddress,
  units: string[],
): Omit<StateVerification, "status" | "checks"> {
  return {
    bucket: address.bucket,
    region: address.region,
    holder: address.accountName,
    holderId: address.accountId,
    roleArn: address.roleArn,
    lock: lockText(address.lock),
    units,
  };
}

function skippedAccount(
  run: Run,
  name: string,
  base: BaseVerification,
  reason = "not checked: the base identity failed",
): AccountVerification {
  const account = accountOf(run.options.config, name);
  return {
    name,
    id: account.id,
    roleArn: account.roleArn,
    profile: profileOf(run, account),
    regions: regionsOf(run.options.config, account),
    status: "skipped",
    identity: { status: "skipped", regions: [] },
    state: stateAddressesOf(run, name).map(({ address, units }) => ({
      ...stateShell(address, units),
      status: "skipped",
      checks: [{ name: "bucket-exists", status: "skipped", detail: reason }],
    })),
    hint: base.problem?.hint,
    ok: false,
  };
}

async function verifyAccount(run: Run, name: string): Promise<AccountVerification> {
  const { deps, events, options } = run;
  const account = accountOf(options.config, name);
  const regions = regionsOf(options.config, account);
  const taskId = `verify/${name}`;
  const label = `${name} (${account.id})`;
  events.emit({ type: "task-started", id: taskId, label });

  const identity: IdentityVerification = { status: "ok", regions: [] };
  const firstRegion = regions[0] ?? options.config.base.region;
  try {
    const clients = await deps.aws.forAccount(targetOf(run, account, firstRegion));
    const caller = await clients.sts.getCallerIdentity();
    identity.account = caller.account;
    identity.arn = caller.arn;
    if (caller.account !== account.id) {
      identity.status = "failed";
      identity.problem = otherAccountProblem(run, account, caller.account);
    }
  } catch (error) {
    identity.status = "failed";
    identity.problem = throughProfile(run, account, problemOf(error));
  }
  if (identity.status === "ok") {
    for (const region of regions.slice(1)) {
      try {
        const clients = await deps.aws.forAccount(targetOf(run, account, region));
        const caller = await clients.sts.getCallerIdentity();
        identity.regions.push(
          caller.account === account.id
            ? { region, status: "ok" }
            : {
                region,
                status: "failed",
                problem: otherAccountProblem(run, account, caller.account),
              },
        );
      } catch (error) {
        identity.regions.push({ region, status: "failed", problem: problemOf(error) });
      }
    }
    const failedRegion = identity.regions.find((r) => r.status === "failed");
    if (failedRegion) {
      identity.status = "failed";
      identity.problem = failedRegion.problem;
    }
  }

  const state: StateVerification[] = [];
  for (const { address, units } of stateAddressesOf(run, name)) {
    if (identity.status !== "ok") {
      // A role that is not the configured account's never touches state.
      state.push({
        ...stateShell(address, units),
        status: "skipped",
        checks: [
          {
            name: "bucket-exists",
            status: "skipped",
            detail: "not checked: the identity check failed",
          },
        ],
      });
      continue;
    }
    const checks = await stateChecksOf(run, account, address);
    const status: CheckStatus = checks.some((c) => c.status === "failed") ? "failed" : "ok";
    state.push({ ...stateShell(address, units), status, checks });
  }

  const firstProblem =
    identity.problem ?? state.flatMap((s) => s.checks).find((c) => c.status === "failed")?.problem;
  const ok = identity.status === "ok" && state.every((s) => s.status !== "failed");
  const result: AccountVerification = {
    name,
    id: account.id,
    roleArn: account.roleArn,
    profile: profileOf(run, account),
    regions,
    status: ok ? "ok" : "failed",
    identity,
    state,
    hint: firstProblem?.hint,
    ok,
  };
  events.emit({
    type: "task-finished",
    id: taskId,
    label,
    status: ok ? "ok" : "failed",
    detail: ok
      ? `identity ${identity.account ?? account.id}, ${state.length} state ${state.length === 1 ? "bucket" : "buckets"} ok`
      : (firstProblem?.message ?? "failed"),
  });
  return result;
}

function otherAccountProblem(run: Run, account: Account, actual: string): VerifyProblem {
  const via = profileOf(run, account);
  return throughProfile(run, account, {
    code: "aws/role-in-other-account",
    message: `${via !== undefined ? `profile ${via}` : `role ${account.roleArn}`} of account ${account.name} resolves to account ${actual}, not the configured ${account.id}`,
    hint:
      via !== undefined
        ? `profile ${via} is stale or edited: rewrite the profiles with \`crossform profiles --write\``
        : `fix accounts.${account.name}.id or accounts.${account.name}.role in crossform.yaml so that both name the same account`,
  });
}

function stateChecksOf(run: Run, account: Account, address: StateAddress): Promise<StateCheck[]> {
  const key = stateKey(address);
  let pending = run.stateChecks.get(key);
  if (pending === undefined) {
    pending = checkState(run, account, address).catch((error: unknown) => [
      {
        name: "bucket-exists" as const,
        status: "failed" as const,
        detail: "failed",
        problem: problemOf(error),
      },
    ]);
    run.stateChecks.set(key, pending);
  }
  return pending;
}

const LATER_CHECKS: StateCheckName[] = [
  "bucket-owner",
  "bucket-region",
  "versioning",
  "public-access-block",
  "encryption",
];

function skipRest(checks: StateCheck[], address: StateAddress, reason: string): StateCheck[] {
  const done = new Set(checks.map((c) => c.name));
  const rest = [
    ...LATER_CHECKS,
    ...(address.lock.kind === "dynamodb" ? ["lock-table" as const] : []),
  ];
  for (const name of rest) {
    if (!done.has(name)) checks.push({ name, status: "skipped", detail: `not checked: ${reason}` });
  }
  return checks;
}

async function checkState(
  run: Run,
  account: Account,
  address: StateAddress,
): Promise<StateCheck[]> {
  const { deps, options } = run;
  const checks: StateCheck[] = [];
  const sameSession = address.accountId === account.id && address.roleArn === account.roleArn;
  const holder = options.config.accounts.get(address.accountName) ?? account;
  const target: AccountTarget = sameSession
    ? targetOf(run, account, address.region)
    : {
        ...targetOf(run, holder, address.region),
        accountId: address.accountId,
        roleArn: address.roleArn,
        externalId: address.externalId,
        // A separate state-access role has no generated profile: it is assumed from the base.
        profile: address.roleArn === holder.roleArn ? profileOf(run, holder) : undefined,
      };
  const where = `state bucket ${address.bucket} (account ${address.accountName}, ${address.region})`;
  const fail = (name: StateCheckName, detail: string, problem: VerifyProblem): void => {
    checks.push({ name, status: "failed", detail, problem });
  };

  let clients: AwsClients;
  try {
    clients = await deps.aws.forAccount(target);
    if (!sameSession) {
      const caller = await clients.sts.getCallerIdentity();
      if (caller.account !== address.accountId) {
        fail("state-identity", caller.account, {
          code: "aws/role-in-other-account",
          message: `state role ${address.roleArn} resolves to account ${caller.account}, not ${address.accountName} (${address.accountId}) which holds the state`,
          hint: "fix state.role or state.account in crossform.yaml so that both name the same account",
        });
        return skipRest(checks, address, "the state role is in another account");
      }
      checks.push({ name: "state-identity", status: "ok", detail: caller.account });
    }
  } catch (error) {
    fail("state-identity", "failed", problemOf(error));
    return skipRest(checks, address, "the state account could not be reached");
  }

  let bucketRegion: string | undefined;
  try {
    bucketRegion = (await clients.s3.headBucket(address.bucket, address.accountId)).region;
    checks.push({ name: "bucket-exists", status: "ok", detail: "exists" });
  } catch (error) {
    const problem = problemOf(error);
    const listed =
      problem.code === "aws/bucket-not-owned" &&
      (await ownsBucket(clients, address.bucket).catch(() => false));
    if (listed) {
      // Listed by the account itself, yet HEAD was refused: a permission, not an owner, problem.
      fail("bucket-exists", "access denied", {
        code: "aws/access-denied",
        message: `${address.roleArn} may not read ${where}: s3:ListBucket (HeadBucket) was refused`,
        hint: `grant s3:ListBucket on ${address.bucket} to ${address.roleArn} (its IAM policy, and the bucket policy if there is one)`,
      });
    } else if (problem.code === "aws/bucket-missing") {
      fail("bucket-exists", "missing", {
        ...problem,
        message: `${where} does not exist`,
        hint: problem.hint,
      });
    } else {
      fail("bucket-exists", "failed", problem);
    }
    return skipRest(checks, address, "the bucket check failed");
  }

  try {
    if (await ownsBucket(clients, address.bucket)) {
      checks.push({ name: "bucket-owner", status: "ok", detail: address.accountId });
    } else {
      fail("bucket-owner", "another account", {
        code: "aws/bucket-not-owned",
        message: `${where} exists but is not among the buckets of account ${address.accountName} (${address.accountId}): another account owns it`,
        hint: `a bucket belongs to one account: put {account_id} in state.bucket to get a name of its own, or set state.account to the account that owns ${address.bucket}`,
      });
      return skipRest(checks, address, "the bucket belongs to another account");
    }
  } catch (error) {
    fail("bucket-owner", "failed", problemOf(error));
    return skipRest(checks, address, "the owner check failed");
  }

  if (bucketRegion === undefined || bucketRegion === address.region) {
    checks.push({ name: "bucket-region", status: "ok", detail: bucketRegion ?? address.region });
  } else {
    fail("bucket-region", bucketRegion, {
      code: "state/bucket-region",
      message: `${where} is in ${bucketRegion}, not in ${address.region}`,
      hint: `set state.region to ${bucketRegion}, or move the state to a bucket in ${address.region}`,
    });
  }

  const bootstrapHint = `\`crossform bootstrap ${address.accountName}\``;
  await check(checks, "versioning", async () => {
    const status = await clients.s3.getVersioning(address.bucket);
    if (status === "Enabled") return { detail: status };
    return {
      detail: status,
      problem: {
        code: "state/versioning-off",
        message: `versioning is ${status.toLowerCase()} on ${where}`,
        hint: `turn versioning on with ${bootstrapHint}: without it a bad write loses the state's history`,
      },
    };
  });
  await check(checks, "public-access-block", async () => {
    const block = await clients.s3.getPublicAccessBlock(address.bucket);
    const off =
      block === undefined
        ? ["BlockPublicAcls", "IgnorePublicAcls", "BlockPublicPolicy", "RestrictPublicBuckets"]
        : [
            ...(block.blockPublicAcls ? [] : ["BlockPublicAcls"]),
            ...(block.ignorePublicAcls ? [] : ["IgnorePublicAcls"]),
            ...(block.blockPublicPolicy ? [] : ["BlockPublicPolicy"]),
            ...(block.restrictPublicBuckets ? [] : ["RestrictPublicBuckets"]),
          ];
    if (off.length === 0) return { detail: "all four blocked" };
    return {
      detail: block === undefined ? "none" : `off: ${off.join(", ")}`,
      problem: {
        code: "state/public-access-not-blocked",
        message:
          block === undefined
            ? `${where} has no public access block`
            : `public access block of ${where} leaves ${off.join(", ")} off`,
        hint: `block all public access (all four settings) with ${bootstrapHint}`,
      },
    };
  });
  await check(checks, "encryption", async () => {
    const encryption = await clients.s3.getEncryption(address.bucket);
    if (encryption !== undefined) return { detail: encryption.algorithm };
    return {
      detail: "none",
      problem: {
        code: "state/no-encryption",
        message: `${where} has no default encryption`,
        hint: `set default encryption (SSE-S3 or SSE-KMS) with ${bootstrapHint}`,
      },
    };
  });
  if (address.lock.kind === "dynamodb") {
    const table = address.lock.table;
    const tableWhere = `lock table ${table} (account ${address.accountName}, ${address.region})`;
    await check(checks, "lock-table", async () => {
      const described = await clients.dynamodb.describeTable(table);
      if (described === undefined) {
        return {
          detail: "missing",
          problem: {
            code: "state/lock-table-missing",
            message: `${tableWhere} does not exist`,
            hint: `create it with ${bootstrapHint}, or fix state.lock in crossform.yaml`,
          },
        };
      }
      if (described.hashKey !== "LockID") {
        return {
          detail: `hash key ${described.hashKey ?? "none"}`,
          problem: {
            code: "state/lock-table-key",
            message: `${tableWhere} has the hash key ${described.hashKey ?? "(none)"}, not LockID`,
            hint: "Terraform locks need a table whose partition key is LockID (a string): name another table in state.lock, or recreate this one",
          },
        };
      }
      if (described.status !== "ACTIVE") {
        return {
          detail: described.status,
          problem: {
            code: "state/lock-table-not-active",
            message: `${tableWhere} is ${described.status}, not ACTIVE`,
            hint: "wait until the table is ACTIVE, then run again",
          },
        };
      }
      return { detail: "ACTIVE, hash key LockID" };
    });
  }
  return checks;
}

async function ownsBucket(clients: AwsClients, bucket: string): Promise<boolean> {
  return (await clients.s3.listBuckets()).includes(bucket);
}

async function check(
  checks: StateCheck[],
  name: StateCheckName,
  run: () => Promise<{ detail: string; problem?: VerifyProblem }>,
): Promise<void> {
  try {
    const { detail, problem } = await run();
    checks.push(
      problem === undefined
        ? { name, status: "ok", detail }
        : { name, status: "failed", detail, problem },
    );
  } catch (error) {
    checks.push({ name, status: "failed", detail: "failed", problem: problemOf(error) });
  }
}
