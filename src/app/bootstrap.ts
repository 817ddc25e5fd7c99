/**
 * `crossform bootstrap`: in each account that holds state (and, with `--create-role`, each account
 * the selected units reach), assume the admin role and idempotently create and harden the state
 * buckets, the lock tables and the deploy role. Every decision is taken by reading the setting
 * from AWS: a setting already as wanted is left alone, a written one is read back to confirm it.
 */
import type { Config } from "../core/config/model.ts";
import { planBootstrap } from "../core/bootstrap/bootstrap-plan.ts";
import type {
  AccountPlan,
  BucketTarget,
  DeployRoleTarget,
  LockTableTarget,
  PlanProblem,
} from "../core/bootstrap/bootstrap-plan.ts";
import { emitDeployRoleTemplate } from "../core/bootstrap/cloudformation-template.ts";
import type { EmittedTemplate } from "../core/bootstrap/cloudformation-template.ts";
import {
  basePrincipalOf,
  DEPLOY_ROLE_DESCRIPTION,
  missingPolicyArns,
  trustPolicyMatches,
} from "../core/bootstrap/deploy-role.ts";
import { lockTableChange } from "../core/bootstrap/lock-table.ts";
import type {
  AccountOutcome,
  BootstrapReport,
  ReportError,
  ResourceKind,
  ResourceOutcome,
} from "../core/bootstrap/report.ts";
import {
  BUCKET_SETTINGS,
  bucketPolicyChange,
  encryptionChange,
  lifecycleChange,
  ownershipChange,
  publicAccessBlockChange,
  versioningChange,
} from "../core/bootstrap/state-bucket.ts";
import type { BucketSetting } from "../core/bootstrap/state-bucket.ts";
import { mapWithWindow } from "../core/concurrency/sliding-window.ts";
import { CrossformError } from "../core/errors.ts";
import { sessionName } from "../core/generate/unit-inputs.ts";
import { selectUnits } from "../core/units/select-units.ts";
import type { Unit, UnitSet } from "../core/units/units.ts";
import type { AwsClients, AwsSessions, S3Api } from "../ports/aws.ts";
import type { EventSink, ProgressEvent } from "../ports/event-sink.ts";

/** Parallelism over accounts when none is given: the same as verify's. */
export const DEFAULT_BOOTSTRAP_PARALLEL = 16;

/** Sessions assumed through the admin role last at most one hour (AWS caps a chained hop). */
const ADMIN_SESSION_SECONDS = 3_600;

/** What to bootstrap, and how. */
export interface BootstrapOptions {
  /** Positional selectors (OR-ed); empty = every unit. */
  selectors?: string[];
  /** `--target` selectors (OR-ed), intersected with the positional ones. */
  targets?: string[];
  /** `--admin-role`; default `bootstrap.admin_role`. */
  adminRole?: string;
  /** `--create-role`: create or update the deploy role too. */
  createRole?: boolean;
  /** `--dry-run`: read only, report what would change. */
  dryRun?: boolean;
  /** Accounts worked on at once. @default 16 */
  parallel?: number;
  /** The operator's name, for `{user}` in the session name. @default "crossform" */
  user?: string;
  /**
   * The S3 endpoint is plain HTTP (`AWS_ENDPOINT_URL` of a local emulator): the TLS-only bucket
   * policy would then refuse every request, Terraform's included, so it is not applied.
   * @default false
   */
  plainHttpEndpoint?: boolean;
}

/** The ports bootstrap uses. */
export interface BootstrapDeps {
  aws: AwsSessions;
  events?: EventSink;
}

/** The units a bootstrap or emit covers: positional selectors and `--target` intersect. */
export function selectBootstrapUnits(
  config: Config,
  set: UnitSet,
  options: Pick<BootstrapOptions, "selectors" | "targets">,
): Unit[] {
  let units = set.units;
  for (const group of [options.selectors ?? [], options.targets ?? []]) {
    if (group.length === 0) continue;
    const selected = selectUnits(config, set, { targets: group });
    if (!selected.ok) {
      throw new CrossformError("selection/no-match", "user", selected.message, {
        hint: selected.hint,
      });
    }
    const ids = new Set(selected.units.map((u) => u.id));
    units = units.filter((u) => ids.has(u.id));
  }
  if (units.length === 0) {
    throw new CrossformError("selection/no-match", "user", "the selection matches no unit", {
      hint: "positional selectors and --target intersect: check that they select common accounts",
    });
  }
  return units;
}

/** The principals the deploy role trusts: `bootstrap.deploy_role.trust`, else the base principal. */
export async function deployRoleTrust(aws: AwsSessions, config: Config): Promise<string[]> {
  if (config.bootstrap.deployRole.trust.length > 0) return [...config.bootstrap.deployRole.trust];
  const base = await aws.baseIdentity();
  return [basePrincipalOf(base.arn)];
}

/** Bootstraps the selected accounts; never throws for one account's failure (see the report). */
export async function bootstrap(
  deps: BootstrapDeps,
  config: Config,
  set: UnitSet,
  options: BootstrapOptions = {},
): Promise<BootstrapReport> {
  const units = selectBootstrapUnits(config, set, options);
  const createRole = options.createRole === true;
  const trust = createRole ? await deployRoleTrust(deps.aws, config) : [];
  const plans = planBootstrap(config, units, {
    adminRole: options.adminRole ?? config.bootstrap.adminRole,
    createRole,
    trust,
  });
  const dryRun = options.dryRun === true;
  const emit = (event: ProgressEvent): void => deps.events?.emit(event);
  const worker = new AccountBootstrapper(deps.aws, config, {
    dryRun,
    plainHttpEndpoint: options.plainHttpEndpoint === true,
    user: options.user ?? "crossform",
    emit,
  });
  const accounts = await mapWithWindow(
    plans,
    Math.max(1, options.parallel ?? DEFAULT_BOOTSTRAP_PARALLEL),
    (plan) => worker.run(plan),
  );
  return { version: 1, dryRun, accounts };
}

/** The `--emit cloudformation` template for the deploy roles of the selection. */
export async function emitBootstrapTemplate(
  deps: BootstrapDeps,
  config: Config,
  set: UnitSet,
  options: Pick<BootstrapOptions, "selectors" | "targets">,
): Promise<EmittedTemplate> {
  const units = selectBootstrapUnits(config, set, options);
  const trust = await deployRoleTrust(deps.aws, config);
  const plans = planBootstrap(config, units, {
    adminRole: config.bootstrap.adminRole,
    createRole: true,
    trust,
  });
  const result = emitDeployRoleTemplate(plans, config.session.durationSeconds);
  if (!result.ok) {
    throw new CrossformError(result.problem.code, "user", result.problem.message, {
      hint: result.problem.hint,
    });
  }
  return result.emitted;
}

interface WorkerOptions {
  dryRun: boolean;
  plainHttpEndpoint: boolean;
  user: string;
  emit: (event: ProgressEvent) => void;
}

/** A setting that did not read back as written. */
class NotApplied extends Error {}

/** One resource's outcome while it is being worked on. */
class ResourceRecorder {
  readonly outcome: ResourceOutcome;
  created = false;

  constructor(kind: ResourceKind, name: string, region: string | undefined) {
    this.outcome = {
      kind,
      name,
      region,
      status: "unchanged",
      changes: [],
      notes: [],
      error: undefined,
    };
  }

  fail(error: unknown): ResourceOutcome {
    this.outcome.status = "failed";
    this.outcome.error = toReportError(error);
    return this.outcome;
  }

  finish(dryRun: boolean): ResourceOutcome {
    if (this.created) this.outcome.status = dryRun ? "would-create" : "created";
    else if (this.outcome.changes.length > 0)
      this.outcome.status = dryRun ? "would-update" : "updated";
    else this.outcome.status = "unchanged";
    return this.outcome;
  }
}

/** Bootstraps accounts through their admin roles: one `run` per account, several at once. */
class AccountBootstrapper {
  private readonly aws: AwsSessions;
  private readonly config: Config;
  private readonly options: WorkerOptions;

  constructor(aws: AwsSessions, config: Config, options: WorkerOptions) {
    this.aws = aws;
    this.config = config;
    this.options = options;
  }

  async run(plan: AccountPlan): Promise<AccountOutcome> {
    const outcome: AccountOutcome = {
      account: plan.account,
      accountId: plan.accountId,
      adminRoleArn: plan.adminRoleArn,
      resources: [],
      error: undefined,
    };
    const id = `bootstrap/${plan.account}`;
    const label = `${plan.account} (${plan.accountId})`;
    this.options.emit({ type: "task-started", id, label });
    if (plan.problem) {
      outcome.error = problemError(plan.problem);
    } else {
      await this.runResources(plan, outcome, id);
    }
    const failed =
      outcome.error !== undefined || outcome.resources.some((r) => r.status === "failed");
    this.options.emit({
      type: "task-finished",
      id,
      label,
      status: failed ? "failed" : "ok",
      detail: accountDetail(outcome),
    });
    return outcome;
  }

  private async runResources(
    plan: AccountPlan,
    outcome: AccountOutcome,
    taskId: string,
  ): Promise<void> {
    const sessions = new Map<string, Promise<AwsClients>>();
    const clients = (region: string): Promise<AwsClients> => {
      let session = sessions.get(region);
      if (!session) {
        session = this.aws.forAccount({
          name: plan.account,
          accountId: plan.accountId,
          roleArn: plan.adminRoleArn,
          sessionName: this.sessionName(plan.account),
          durationSeconds: Math.min(this.config.session.durationSeconds, ADMIN_SESSION_SECONDS),
          region,
        });
        sessions.set(region, session);
      }
      return session;
    };
    let home: AwsClients;
    try {
      home = await clients(plan.region);
    } catch (error) {
      outcome.error = toReportError(error);
      return;
    }
    let owned: Promise<Set<string>> | undefined;
    const ownedBuckets = (): Promise<Set<string>> => {
      owned ??= home.s3.listBuckets().then((names) => new Set(names));
      return owned;
    };
    const record = (resource: ResourceOutcome): void => {
      outcome.resources.push(resource);
      this.options.emit({
        type: "message",
        level: resource.status === "failed" ? "error" : "info",
        text: resourceLine(plan.account, resource),
        taskId,
      });
    };
    for (const bucket of plan.buckets) {
      record(await this.bucket(plan, bucket, clients, ownedBuckets));
    }
    for (const table of plan.lockTables) {
      record(await this.lockTable(table, clients));
    }
    if (plan.deployRole) record(await this.deployRole(plan.deployRole, home));
  }

  private sessionName(account: string): string {
    const name = sessionName(this.config, account, "", this.options.user)
      .replace(/[^A-Za-z0-9_+=,.@-]/g, "-")
      .slice(0, 64);
    return name.length >= 2 ? name : `crossform-${name}`;
  }

  private async bucket(
    plan: AccountPlan,
    target: BucketTarget,
    clients: (region: string) => Promise<AwsClients>,
    ownedBuckets: () => Promise<Set<string>>,
  ): Promise<ResourceOutcome> {
    const recorder = new ResourceRecorder("bucket", target.name, target.region);
    const { dryRun } = this.options;
    try {
      const { s3 } = await clients(target.region);
      const exists = await this.bucketExists(s3, plan, target, await ownedBuckets());
      if (!exists) {
        recorder.created = true;
        if (dryRun) {
          recorder.outcome.changes.push(...BUCKET_SETTINGS);
          return recorder.finish(true);
        }
        await s3.createBucket(target.name, target.region);
        const back = await s3.listBuckets();
        if (!back.includes(target.name)) {
          throw new NotApplied(
            `bucket ${target.name} was created but is not listed in account ${plan.account}`,
          );
        }
      }
      for (const setting of BUCKET_SETTINGS) {
        const changed = await this.bucketSetting(s3, plan, target, setting, recorder, dryRun);
        if (changed) recorder.outcome.changes.push(setting);
      }
      return recorder.finish(dryRun);
    } catch (error) {
      return recorder.fail(error);
    }
  }

  /** Whether the account owns the bucket; a bucket of that name elsewhere is an error. */
  private async bucketExists(
    s3: S3Api,
    plan: AccountPlan,
    target: BucketTarget,
    owned: Set<string>,
  ): Promise<boolean> {
    if (owned.has(target.name)) {
      const { region } = await s3.headBucket(target.name, plan.accountId);
      if (region !== undefined && region !== target.region) {
        throw new CrossformError(
          "bootstrap/bucket-region",
          "user",
          `state bucket ${target.name} of account ${plan.account} is in ${region}, but the configuration puts it in ${target.region}`,
          { hint: `set state.region to ${region}, or choose another state.bucket name` },
        );
      }
      return true;
    }
    try {
      await s3.headBucket(target.name, plan.accountId);
    } catch (error) {
      if (error instanceof CrossformError && error.code === "aws/bucket-missing") return false;
      if (
        !(error instanceof CrossformError) ||
        (error.code !== "aws/bucket-not-owned" && error.code !== "aws/access-denied")
      ) {
        throw error;
      }
    }
    // The name answers but the account's own listing lacks it: another account owns it.
    throw new CrossformError(
      "bootstrap/bucket-taken",
      "user",
      `state bucket ${target.name} exists but account ${plan.account} (${plan.accountId}) does not own it`,
      {
        hint: "bucket names are global: put {account_id} into state.bucket, or name the owning account with state.account",
      },
    );
  }

  /**
   * Reads one setting, writes it when it differs (unless dry-run), reads it back to confirm.
   * Returns whether it was (or would be) changed.
   */
  private async bucketSetting(
    s3: S3Api,
    plan: AccountPlan,
    target: BucketTarget,
    setting: BucketSetting,
    recorder: ResourceRecorder,
    dryRun: boolean,
  ): Promise<boolean> {
    const bucket = target.name;
    const step =
      setting === "policy" && this.options.plainHttpEndpoint
        ? plainHttpPolicyStep(bucket)
        : settingStep(s3, bucket, plan.partition, this.config, setting);
    const actual = await step.read();
    const note = step.note(actual);
    if (note !== undefined) recorder.outcome.notes.push(note);
    const write = step.decide(actual);
    if (write === undefined) return false;
    if (dryRun) return true;
    await write();
    const back = await step.read();
    if (step.decide(back) !== undefined) {
      throw new NotApplied(
        `${setting} of bucket ${bucket} in account ${plan.account} did not read back as written`,
      );
    }
    return true;
  }

  private async lockTable(
    target: LockTableTarget,
    clients: (region: string) => Promise<AwsClients>,
  ): Promise<ResourceOutcome> {
    const recorder = new ResourceRecorder("lock-table", target.name, target.region);
    const { dryRun } = this.options;
    try {
      const { dynamodb } = await clients(target.region);
      const change = lockTableChange(await dynamodb.describeTable(target.name));
      if (change.kind === "wrong-key") {
        throw new CrossformError(
          "bootstrap/lock-table-key",
          "user",
          `table ${target.name} in ${target.region} has the hash key ${change.hashKey ?? "(none)"}, but Terraform locks with LockID`,
          {
            hint: "name another table in state.lock (dynamodb:<table>); bootstrap never recreates a table",
          },
        );
      }
      if (change.kind === "unchanged") return recorder.finish(dryRun);
      recorder.created = true;
      if (dryRun) return recorder.finish(true);
      await dynamodb.createLockTable(target.name);
      const back = await dynamodb.describeTable(target.name);
      if (lockTableChange(back).kind !== "unchanged") {
        throw new NotApplied(`lock table ${target.name} did not read back after it was created`);
      }
      if (back && back.status !== "ACTIVE") {
        recorder.outcome.notes.push(
          `table status ${back.status}: Terraform can lock once it is ACTIVE (seconds)`,
        );
      }
      return recorder.finish(false);
    } catch (error) {
      return recorder.fail(error);
    }
  }

  private async deployRole(target: DeployRoleTarget, home: AwsClients): Promise<ResourceOutcome> {
    const recorder = new ResourceRecorder("deploy-role", target.arn, undefined);
    const { dryRun } = this.options;
    if (target.problem) return recorder.fail(problemError(target.problem));
    const { iam } = home;
    const trust = JSON.stringify(target.trustPolicy);
    try {
      const existing = await iam.getRole(target.name);
      if (existing === undefined) {
        recorder.created = true;
        if (target.policyArns.length === 0) {
          recorder.outcome.notes.push(
            "bootstrap.deploy_role.policy_arns is empty: the role gets no permissions from bootstrap",
          );
        }
        recorder.outcome.changes.push(
          "trust-policy",
          ...target.policyArns.map((arn) => `attach ${arn}`),
        );
        if (target.path !== "/") {
          throw new CrossformError(
            "bootstrap/role-path",
            "user",
            `deploy role ${target.arn} has the path ${target.path}, and bootstrap creates roles without a path`,
            { hint: "create it with the template of `crossform bootstrap --emit cloudformation`" },
          );
        }
        if (dryRun) return recorder.finish(true);
        await iam.createRole(target.name, trust, DEPLOY_ROLE_DESCRIPTION);
      } else {
        if (existing.arn !== target.arn) {
          throw new CrossformError(
            "bootstrap/role-arn",
            "user",
            `role ${target.name} exists as ${existing.arn}, but the configuration names ${target.arn}`,
            {
              hint: "make accounts.<name>.role (or defaults.role) the role's full ARN, path included",
            },
          );
        }
        if (!trustPolicyMatches(existing.trustPolicy, target.trustPolicy)) {
          recorder.outcome.changes.push("trust-policy");
          if (!dryRun) await iam.updateTrustPolicy(target.name, trust);
        }
      }
      const attached = await iam.listAttachedPolicyArns(target.name);
      const missing = missingPolicyArns(attached, target.policyArns);
      if (!recorder.created)
        recorder.outcome.changes.push(...missing.map((arn) => `attach ${arn}`));
      if (dryRun) return recorder.finish(true);
      for (const arn of missing) await iam.attachPolicy(target.name, arn);
      const back = await iam.getRole(target.name);
      if (!back || !trustPolicyMatches(back.trustPolicy, target.trustPolicy)) {
        throw new NotApplied(`trust policy of role ${target.arn} did not read back as written`);
      }
      const stillMissing = missingPolicyArns(
        await iam.listAttachedPolicyArns(target.name),
        target.policyArns,
      );
      if (stillMissing.length > 0) {
        throw new NotApplied(
          `policies ${stillMissing.join(", ")} are not attached to role ${target.arn} after attaching them`,
        );
      }
      return recorder.finish(false);
    } catch (error) {
      return recorder.fail(error);
    }
  }
}

/** Read, decide and write of one bucket setting. */
interface SettingStep<T> {
  read(): Promise<T>;
  /** The write to make, or undefined when the setting is as wanted. */
  decide(actual: T): (() => Promise<void>) | undefined;
  note(actual: T): string | undefined;
}

/** Over a plain-HTTP endpoint the TLS-only statement is left out, and the report says so. */
function plainHttpPolicyStep(bucket: string): SettingStep<unknown> {
  return {
    read: async () => undefined,
    decide: () => undefined,
    note: () =>
      `TLS-only bucket policy not applied to ${bucket}: the S3 endpoint is plain HTTP (a local emulator), where it would refuse every request`,
  };
}

function settingStep(
  s3: S3Api,
  bucket: string,
  partition: string,
  config: Config,
  setting: BucketSetting,
): SettingStep<unknown> {
  const none = (): undefined => undefined;
  switch (setting) {
    case "versioning":
      return step(
        () => s3.getVersioning(bucket),
        (actual) => (versioningChange(actual) ? () => s3.putVersioning(bucket, true) : undefined),
        none,
      );
    case "encryption":
      return step(
        () => s3.getEncryption(bucket),
        (actual) => {
          const algorithm = encryptionChange(actual);
          return algorithm ? () => s3.putEncryption(bucket, algorithm) : undefined;
        },
        (actual) =>
          actual && actual.algorithm !== "AES256"
            ? `default encryption ${actual.algorithm}${actual.kmsKeyId ? ` (${actual.kmsKeyId})` : ""} kept`
            : undefined,
      );
    case "public-access-block":
      return step(
        () => s3.getPublicAccessBlock(bucket),
        (actual) => {
          const block = publicAccessBlockChange(actual);
          return block ? () => s3.putPublicAccessBlock(bucket, block) : undefined;
        },
        none,
      );
    case "ownership":
      return step(
        () => s3.getOwnershipControls(bucket),
        (actual) => {
          const ownership = ownershipChange(actual);
          return ownership ? () => s3.putOwnershipControls(bucket, ownership) : undefined;
        },
        none,
      );
    case "policy":
      return step(
        () => s3.getPolicy(bucket),
        (actual) => {
          const change = bucketPolicyChange(actual, bucket, partition);
          if (change.kind === "unreadable") {
            throw new CrossformError(
              "bootstrap/bucket-policy-unreadable",
              "external",
              `the bucket policy of ${bucket} is not a JSON policy document`,
              { hint: "fix or delete the bucket policy, then run bootstrap again" },
            );
          }
          return change.kind === "put" ? () => s3.putPolicy(bucket, change.policy) : undefined;
        },
        none,
      );
    case "lifecycle":
      return step(
        () => s3.getLifecycleRules(bucket),
        (actual) => {
          const rules = lifecycleChange(actual, config.bootstrap.noncurrentVersionDays);
          return rules ? () => s3.putLifecycleRules(bucket, rules) : undefined;
        },
        none,
      );
  }
}

function step<T>(
  read: () => Promise<T>,
  decide: (actual: T) => (() => Promise<void>) | undefined,
  note: (actual: T) => string | undefined,
): SettingStep<unknown> {
  return {
    read,
    decide: (actual) => decide(actual as T),
    note: (actual) => note(actual as T),
  };
}

/** One line on a resource, for progress messages. */
function resourceLine(account: string, resource: ResourceOutcome): string {
  const what = `${account}: ${resource.kind} ${resource.name}`;
  if (resource.error) return `${what}: ${resource.error.message}`;
  const changes = resource.changes.length > 0 ? ` (${resource.changes.join(", ")})` : "";
  return `${what}: ${resource.status}${changes}`;
}

/** The outcome of an account in one line: its failure, or its resources by status. */
function accountDetail(outcome: AccountOutcome): string {
  if (outcome.error) return outcome.error.message;
  const failed = outcome.resources.find((r) => r.error);
  if (failed?.error) return `${failed.kind} ${failed.name}: ${failed.error.message}`;
  const counts = new Map<string, number>();
  for (const r of outcome.resources) counts.set(r.status, (counts.get(r.status) ?? 0) + 1);
  return [...counts.entries()].map(([status, n]) => `${n} ${status}`).join(", ") || "nothing to do";
}

function problemError(problem: PlanProblem): ReportError {
  return { code: problem.code, message: problem.message, hint: problem.hint };
}

function toReportError(error: unknown): ReportError {
  if (error instanceof CrossformError) {
    return { code: error.code, message: error.message, hint: error.hint };
  }
  if (error instanceof NotApplied) {
    return {
      code: "bootstrap/not-applied",
      message: error.message,
      hint: "run bootstrap again; if it persists, check for a policy (SCP) or automation reverting it",
    };
  }
  return {
    code: "internal",
    message: error instanceof Error ? error.message : String(error),
    hint: "this is a bug in crossform: please report it with the command line",
  };
}
