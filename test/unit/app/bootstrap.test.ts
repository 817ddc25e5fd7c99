import assert from "node:assert/strict";
import { test } from "node:test";
import { bootstrap, emitBootstrapTemplate } from "../../../src/app/bootstrap.ts";
import type { BootstrapOptions } from "../../../src/app/bootstrap.ts";
import { parsePolicy, policiesEqual } from "../../../src/core/bootstrap/policy-document.ts";
import type { BootstrapReport, ResourceOutcome } from "../../../src/core/bootstrap/report.ts";
import { deployRoleTrustPolicy } from "../../../src/core/bootstrap/deploy-role.ts";
import { tlsOnlyStatement } from "../../../src/core/bootstrap/state-bucket.ts";
import type { Config } from "../../../src/core/config/model.ts";
import { readConfigText } from "../../../src/core/config/read-config.ts";
import { CrossformError } from "../../../src/core/errors.ts";
import type { UnitSet } from "../../../src/core/units/units.ts";
import type {
  AccountTarget,
  AwsClients,
  AwsSessions,
  BaseIdentity,
  PublicAccessBlock,
} from "../../../src/ports/aws.ts";
import type { ProgressEvent } from "../../../src/ports/event-sink.ts";

// An in-memory AWS of several accounts: what bootstrap reads and writes, and a log of writes.

interface FakeBucket {
  owner: string;
  region: string;
  versioning: "Enabled" | "Suspended" | "Disabled";
  publicAccessBlock: PublicAccessBlock | undefined;
  encryption: { algorithm: string; kmsKeyId?: string } | undefined;
  policy: string | undefined;
  ownership: string | undefined;
  lifecycle: Record<string, unknown>[];
}

interface FakeRole {
  arn: string;
  trustPolicy: string;
  attached: string[];
}

class FakeAws implements AwsSessions {
  readonly buckets = new Map<string, FakeBucket>();
  readonly tables = new Map<string, { status: string; hashKey: string | undefined }>();
  readonly roles = new Map<string, FakeRole>();
  readonly writes: string[] = [];
  readonly assumed: AccountTarget[] = [];
  /** Account ids whose admin role cannot be assumed. */
  readonly denied = new Set<string>();
  /** Writes that are accepted but do not take effect, e.g. `putVersioning`. */
  readonly ignoredWrites = new Set<string>();
  baseArn = "arn:aws:sts::123456789012:assumed-role/OrgAdmin/alice";
  inFlight = 0;
  maxInFlight = 0;
  assumeDelayMs = 0;

  async baseIdentity(): Promise<BaseIdentity> {
    return {
      account: "123456789012",
      arn: this.baseArn,
      userId: "AROA:alice",
      expiration: undefined,
      source: "environment",
    };
  }

  baseClients(): AwsClients {
    throw new Error("bootstrap must act through the admin role, never as the base identity");
  }

  async forAccount(target: AccountTarget): Promise<AwsClients> {
    this.assumed.push(target);
    this.inFlight += 1;
    this.maxInFlight = Math.max(this.maxInFlight, this.inFlight);
    try {
      if (this.assumeDelayMs > 0) await new Promise((r) => setTimeout(r, this.assumeDelayMs));
      if (this.denied.has(target.accountId)) {
        throw new CrossformError(
          "aws/access-denied",
          "external",
          `access denied assuming ${target.roleArn}`,
          { hint: "allow sts:AssumeRole" },
        );
      }
    } finally {
      this.inFlight -= 1;
    }
    return this.clients(target.accountId);
  }

  private write(account: string, call: string, apply: () => void): void {
    this.writes.push(`${account} ${call}`);
    if (!this.ignoredWrites.has(call.split(" ")[0] ?? "")) apply();
  }

  private owned(account: string, name: string): FakeBucket {
    const bucket = this.buckets.get(name);
    if (!bucket || bucket.owner !== account) {
      throw new CrossformError("aws/bucket-missing", "external", `no bucket ${name}`);
    }
    return bucket;
  }

  private roleKey(account: string, name: string): string {
    return `${account}/${name}`;
  }

  clients(account: string): AwsClients {
    const unsupported = (): never => {
      throw new Error("not used by bootstrap");
    };
    return {
      sts: { getCallerIdentity: unsupported },
      organizations: {
        listRoots: unsupported,
        listOrganizationalUnitsForParent: unsupported,
        listAccountsForParent: unsupported,
      },
      cloudformation: { createStack: unsupported, describeStackStatus: unsupported },
      s3: {
        headBucket: async (name) => {
          const bucket = this.buckets.get(name);
          if (!bucket) throw new CrossformError("aws/bucket-missing", "external", `no ${name}`);
          if (bucket.owner !== account) {
            throw new CrossformError("aws/bucket-not-owned", "external", `${name} not owned`);
          }
          return { region: bucket.region };
        },
        listBuckets: async () =>
          [...this.buckets.entries()].filter(([, b]) => b.owner === account).map(([n]) => n),
        createBucket: async (name, region) =>
          this.write(account, `createBucket ${name}`, () => {
            this.buckets.set(name, {
              owner: account,
              region,
              versioning: "Disabled",
              publicAccessBlock: undefined,
              encryption: undefined,
              policy: undefined,
              ownership: undefined,
              lifecycle: [],
            });
          }),
        getVersioning: async (name) => this.owned(account, name).versioning,
        putVersioning: async (name, enabled) =>
          this.write(account, `putVersioning ${name}`, () => {
            this.owned(account, name).versioning = enabled ? "Enabled" : "Suspended";
          }),
        getPublicAccessBlock: async (name) => this.owned(account, name).publicAccessBlock,
        putPublicAccessBlock: async (name, block) =>
          this.write(account, `putPublicAccessBlock ${name}`, () => {
            this.owned(account, name).publicAccessBlock = { ...block };
          }),
        getEncryption: async (name) => this.owned(account, name).encryption,
        putEncryption: async (name, algorithm) =>
          this.write(account, `putEncryption ${name}`, () => {
            this.owned(account, name).encryption = { algorithm };
          }),
        getPolicy: async (name) => this.owned(account, name).policy,
        putPolicy: async (name, policy) =>
          this.write(account, `putPolicy ${name}`, () => {
            this.owned(account, name).policy = policy;
          }),
        getOwnershipControls: async (name) => this.owned(account, name).ownership,
        putOwnershipControls: async (name, ownership) =>
          this.write(account, `putOwnershipControls ${name}`, () => {
            this.owned(account, name).ownership = ownership;
          }),
        getLifecycleRules: async (name) => structuredClone(this.owned(account, name).lifecycle),
        putLifecycleRules: async (name, rules) =>
          this.write(account, `putLifecycleRules ${name}`, () => {
            this.owned(account, name).lifecycle = structuredClone(rules);
          }),
        listObjectKeys: unsupported,
        getObjectText: unsupported,
        headObject: unsupported,
        putObjectText: unsupported,
        createObjectIfAbsent: unsupported,
        deleteLockObject: unsupported,
        getObjectBytes: unsupported,
        putReviewedPlanObject: unsupported,
        deleteReviewedPlanObject: unsupported,
      },
      dynamodb: {
        describeTable: async (table) => this.tables.get(`${account}/${table}`),
        createLockTable: async (table) =>
          this.write(account, `createLockTable ${table}`, () => {
            this.tables.set(`${account}/${table}`, { status: "CREATING", hashKey: "LockID" });
          }),
        acquireLock: unsupported,
        releaseLock: unsupported,
        putStateDigest: unsupported,
      },
      iam: {
        getRole: async (name) => {
          const role = this.roles.get(this.roleKey(account, name));
          return role && { arn: role.arn, trustPolicy: encodeURIComponent(role.trustPolicy) };
        },
        createRole: async (name, trustPolicy) => {
          const arn = `arn:aws:iam::${account}:role/${name}`;
          this.write(account, `createRole ${name}`, () => {
            this.roles.set(this.roleKey(account, name), { arn, trustPolicy, attached: [] });
          });
          return { arn };
        },
        updateTrustPolicy: async (name, trustPolicy) =>
          this.write(account, `updateTrustPolicy ${name}`, () => {
            const role = this.roles.get(this.roleKey(account, name));
            if (role) role.trustPolicy = trustPolicy;
          }),
        listAttachedPolicyArns: async (name) => [
          ...(this.roles.get(this.roleKey(account, name))?.attached ?? []),
        ],
        attachPolicy: async (name, arn) =>
          this.write(account, `attachPolicy ${name} ${arn}`, () => {
            this.roles.get(this.roleKey(account, name))?.attached.push(arn);
          }),
      },
    };
  }
}

function load(lines: string[]): { config: Config; units: UnitSet } {
  const read = readConfigText([...lines, ""].join("\n"), "crossform.yaml");
  assert.ok(read.ok, read.ok ? "" : JSON.stringify(read.diagnostics, null, 2));
  return { config: read.config, units: read.units };
}

const POLICY = "arn:aws:iam::aws:policy/AdministratorAccess";

const org = load([
  "version: 1",
  "base: { region: us-east-1 }",
  "defaults: { role: TerraformDeploy, regions: [us-east-1] }",
  'state: { bucket: "tfstate-{account_id}", lock: "dynamodb:tf-locks" }',
  `bootstrap: { deploy_role: { policy_arns: [${POLICY}] }, noncurrent_version_days: 30 }`,
  "accounts:",
  '  dev: { id: "111111111111", tier: dev, external_id: ext-dev }',
  '  staging: { id: "222222222222", tier: staging }',
  '  prod: { id: "333333333333", tier: prod }',
  "stacks:",
  "  app: { path: stacks/app, accounts: [dev, staging, prod] }",
]);

function run(aws: FakeAws, options: BootstrapOptions = {}, events?: ProgressEvent[]) {
  return bootstrap(
    { aws, ...(events ? { events: { emit: (e: ProgressEvent) => events.push(e) } } : {}) },
    org.config,
    org.units,
    options,
  );
}

function statuses(report: BootstrapReport): string[] {
  return report.accounts.flatMap((a) =>
    a.resources.map((r) => `${a.account} ${r.kind} ${r.name} ${r.status}`),
  );
}

function resource(report: BootstrapReport, account: string, kind: string): ResourceOutcome {
  const found = report.accounts
    .find((a) => a.account === account)
    ?.resources.find((r) => r.kind === kind);
  assert.ok(found, `no ${kind} in ${account}`);
  return found;
}

test("first run creates and hardens everything, the second finds everything unchanged", async () => {
  const aws = new FakeAws();
  const first = await run(aws, { createRole: true });
  assert.deepEqual(statuses(first), [
    "dev bucket tfstate-111111111111 created",
    "dev lock-table tf-locks created",
    "dev deploy-role arn:aws:iam::111111111111:role/TerraformDeploy created",
    "staging bucket tfstate-222222222222 created",
    "staging lock-table tf-locks created",
    "staging deploy-role arn:aws:iam::222222222222:role/TerraformDeploy created",
    "prod bucket tfstate-333333333333 created",
    "prod lock-table tf-locks created",
    "prod deploy-role arn:aws:iam::333333333333:role/TerraformDeploy created",
  ]);
  assert.deepEqual(resource(first, "dev", "bucket").changes, [
    "versioning",
    "encryption",
    "public-access-block",
    "ownership",
    "policy",
    "lifecycle",
  ]);
  assert.deepEqual(resource(first, "dev", "lock-table").notes, [
    "table status CREATING: Terraform can lock once it is ACTIVE (seconds)",
  ]);

  const bucket = aws.buckets.get("tfstate-111111111111");
  assert.ok(bucket);
  assert.equal(bucket.owner, "111111111111");
  assert.equal(bucket.versioning, "Enabled");
  assert.equal(bucket.encryption?.algorithm, "AES256");
  assert.equal(bucket.ownership, "BucketOwnerEnforced");
  assert.deepEqual(bucket.publicAccessBlock, {
    blockPublicAcls: true,
    ignorePublicAcls: true,
    blockPublicPolicy: true,
    restrictPublicBuckets: true,
  });
  assert.deepEqual(parsePolicy(bucket.policy ?? "")?.Statement, [
    tlsOnlyStatement("tfstate-111111111111", "aws"),
  ]);
  assert.deepEqual(bucket.lifecycle, [
    {
      ID: "crossform-noncurrent-versions",
      Status: "Enabled",
      Filter: { Prefix: "" },
      NoncurrentVersionExpiration: { NoncurrentDays: 30 },
    },
  ]);
  const role = aws.roles.get("111111111111/TerraformDeploy");
  assert.ok(role);
  assert.ok(
    policiesEqual(
      parsePolicy(role.trustPolicy) ?? { Statement: [] },
      deployRoleTrustPolicy(["arn:aws:iam::123456789012:role/OrgAdmin"], "ext-dev"),
    ),
  );
  assert.deepEqual(role.attached, [POLICY]);
  assert.equal(
    aws.roles.get("222222222222/TerraformDeploy")?.trustPolicy.includes("ExternalId"),
    false,
  );

  const writesAfterFirst = aws.writes.length;
  const second = await run(aws, { createRole: true });
  assert.ok(
    statuses(second).every((s) => s.endsWith(" unchanged")),
    statuses(second).join("\n"),
  );
  assert.equal(statuses(second).length, 9);
  assert.equal(aws.writes.length, writesAfterFirst, "the second run wrote nothing");
});

test("every call goes through the admin role of each account, with a bounded session", async () => {
  const aws = new FakeAws();
  await run(aws, { user: "alice" });
  const roles = [...new Set(aws.assumed.map((t) => t.roleArn))];
  assert.deepEqual(roles, [
    "arn:aws:iam::111111111111:role/OrganizationAccountAccessRole",
    "arn:aws:iam::222222222222:role/OrganizationAccountAccessRole",
    "arn:aws:iam::333333333333:role/OrganizationAccountAccessRole",
  ]);
  for (const target of aws.assumed) {
    assert.equal(target.sessionName, "crossform-alice");
    assert.equal(
      target.externalId,
      undefined,
      "the admin role is assumed without the deploy role's external id",
    );
    assert.ok((target.durationSeconds ?? 0) <= 3600);
  }
  const other = new FakeAws();
  await run(other, { adminRole: "BreakGlass" });
  assert.ok(other.assumed.every((t) => t.roleArn.endsWith(":role/BreakGlass")));
});

test("--dry-run writes nothing and says what it would create, then what it would update", async () => {
  const aws = new FakeAws();
  const dry = await run(aws, { dryRun: true, createRole: true });
  assert.equal(dry.dryRun, true);
  assert.equal(aws.writes.length, 0);
  assert.ok(
    statuses(dry).every((s) => s.endsWith(" would-create")),
    statuses(dry).join("\n"),
  );
  assert.deepEqual(resource(dry, "dev", "deploy-role").changes, [
    "trust-policy",
    `attach ${POLICY}`,
  ]);

  await run(aws, { createRole: true });
  const bucket = aws.buckets.get("tfstate-222222222222");
  assert.ok(bucket);
  bucket.versioning = "Suspended";
  bucket.lifecycle = [];
  const role = aws.roles.get("333333333333/TerraformDeploy");
  assert.ok(role);
  role.attached = [];
  const writes = aws.writes.length;
  const drifted = await run(aws, { dryRun: true, createRole: true });
  assert.equal(aws.writes.length, writes, "dry run wrote nothing");
  assert.equal(resource(drifted, "staging", "bucket").status, "would-update");
  assert.deepEqual(resource(drifted, "staging", "bucket").changes, ["versioning", "lifecycle"]);
  assert.equal(resource(drifted, "prod", "deploy-role").status, "would-update");
  assert.deepEqual(resource(drifted, "prod", "deploy-role").changes, [`attach ${POLICY}`]);
  assert.equal(resource(drifted, "dev", "bucket").status, "unchanged");
  assert.equal(bucket.versioning, "Suspended");
});

test("an existing bucket is updated setting by setting, keeping the operator's policy and rules", async () => {
  const aws = new FakeAws();
  const theirs = {
    Sid: "ReadForAudit",
    Effect: "Allow",
    Principal: { AWS: "arn:aws:iam::999999999999:root" },
    Action: "s3:GetObject",
    Resource: "arn:aws:s3:::tfstate-111111111111/*",
  };
  const logsRule = {
    ID: "logs",
    Status: "Enabled",
    Filter: { Prefix: "logs/" },
    Expiration: { Days: 7 },
  };
  aws.buckets.set("tfstate-111111111111", {
    owner: "111111111111",
    region: "us-east-1",
    versioning: "Enabled",
    publicAccessBlock: {
      blockPublicAcls: true,
      ignorePublicAcls: true,
      blockPublicPolicy: false,
      restrictPublicBuckets: true,
    },
    encryption: { algorithm: "aws:kms", kmsKeyId: "alias/state" },
    policy: JSON.stringify({ Version: "2012-10-17", Statement: [theirs] }),
    ownership: "BucketOwnerEnforced",
    lifecycle: [logsRule],
  });
  const report = await run(aws, { selectors: ["dev"] });
  const outcome = resource(report, "dev", "bucket");
  assert.equal(outcome.status, "updated");
  assert.deepEqual(outcome.changes, ["public-access-block", "policy", "lifecycle"]);
  assert.deepEqual(outcome.notes, ["default encryption aws:kms (alias/state) kept"]);
  const bucket = aws.buckets.get("tfstate-111111111111");
  assert.equal(bucket?.encryption?.algorithm, "aws:kms");
  assert.deepEqual(parsePolicy(bucket?.policy ?? "")?.Statement, [
    theirs,
    tlsOnlyStatement("tfstate-111111111111", "aws"),
  ]);
  assert.equal(bucket?.lifecycle.length, 2);
  assert.deepEqual(bucket?.lifecycle[0], logsRule);
  assert.equal(
    aws.writes.some((w) => w.includes("putVersioning")),
    false,
  );
});

test("a bucket name taken by another account fails that bucket only, with a hint", async () => {
  const aws = new FakeAws();
  aws.buckets.set("tfstate-222222222222", {
    owner: "999999999999",
    region: "us-east-1",
    versioning: "Enabled",
    publicAccessBlock: undefined,
    encryption: undefined,
    policy: undefined,
    ownership: undefined,
    lifecycle: [],
  });
  const report = await run(aws);
  const outcome = resource(report, "staging", "bucket");
  assert.equal(outcome.status, "failed");
  assert.equal(outcome.error?.code, "bootstrap/bucket-taken");
  assert.match(
    outcome.error?.message ?? "",
    /tfstate-222222222222 exists but account staging \(222222222222\) does not own it/,
  );
  assert.match(outcome.error?.hint ?? "", /\{account_id\}/);
  assert.equal(resource(report, "staging", "lock-table").status, "created");
  assert.equal(resource(report, "dev", "bucket").status, "created");
  assert.equal(aws.buckets.get("tfstate-222222222222")?.owner, "999999999999");
  assert.equal(
    aws.writes.some((w) => w.includes("tfstate-222222222222")),
    false,
  );
});

test("a bucket in another region than configured is reported, not touched", async () => {
  const aws = new FakeAws();
  await run(aws, { selectors: ["dev"] });
  const bucket = aws.buckets.get("tfstate-111111111111");
  assert.ok(bucket);
  bucket.region = "eu-west-1";
  bucket.versioning = "Suspended";
  const report = await run(aws, { selectors: ["dev"] });
  const outcome = resource(report, "dev", "bucket");
  assert.equal(outcome.error?.code, "bootstrap/bucket-region");
  assert.match(
    outcome.error?.message ?? "",
    /is in eu-west-1, but the configuration puts it in us-east-1/,
  );
  assert.equal(bucket.versioning, "Suspended");
});

test("an admin role that cannot be assumed fails its account; the others go on", async () => {
  const aws = new FakeAws();
  aws.denied.add("222222222222");
  const report = await run(aws);
  const staging = report.accounts.find((a) => a.account === "staging");
  assert.equal(staging?.error?.code, "aws/access-denied");
  assert.deepEqual(staging?.resources, []);
  assert.equal(resource(report, "prod", "bucket").status, "created");
});

test("a setting that does not read back as written fails the resource", async () => {
  const aws = new FakeAws();
  aws.ignoredWrites.add("putVersioning");
  const report = await run(aws, { selectors: ["dev"] });
  const outcome = resource(report, "dev", "bucket");
  assert.equal(outcome.status, "failed");
  assert.equal(outcome.error?.code, "bootstrap/not-applied");
  assert.match(
    outcome.error?.message ?? "",
    /versioning of bucket tfstate-111111111111 in account dev did not read back/,
  );
});

test("an existing role: a wrong trust policy is replaced, a missing policy attached, extras kept", async () => {
  const aws = new FakeAws();
  const extra = "arn:aws:iam::aws:policy/ReadOnlyAccess";
  aws.roles.set("111111111111/TerraformDeploy", {
    arn: "arn:aws:iam::111111111111:role/TerraformDeploy",
    trustPolicy: JSON.stringify(
      deployRoleTrustPolicy(["arn:aws:iam::123456789012:role/OrgAdmin"], undefined),
    ),
    attached: [extra],
  });
  const report = await run(aws, { selectors: ["dev"], createRole: true });
  const outcome = resource(report, "dev", "deploy-role");
  assert.equal(outcome.status, "updated");
  assert.deepEqual(outcome.changes, ["trust-policy", `attach ${POLICY}`]);
  const role = aws.roles.get("111111111111/TerraformDeploy");
  assert.match(role?.trustPolicy ?? "", /"sts:ExternalId":"ext-dev"/);
  assert.deepEqual(role?.attached, [extra, POLICY]);
});

test("bootstrap.deploy_role.trust replaces the base principal, which is then not asked for", async () => {
  const trusted = load([
    "version: 1",
    "defaults: { role: TerraformDeploy }",
    'state: { bucket: "tfstate-{account_id}" }',
    "bootstrap: { deploy_role: { trust: [arn:aws:iam::123456789012:role/ci, arn:aws:iam::123456789012:role/ops] } }",
    "accounts:",
    '  dev: { id: "111111111111" }',
    "stacks:",
    "  app: { path: stacks/app, accounts: [dev] }",
  ]);
  const aws = new FakeAws();
  aws.baseIdentity = () => Promise.reject(new Error("base identity must not be needed"));
  const report = await bootstrap({ aws }, trusted.config, trusted.units, { createRole: true });
  const outcome = resource(report, "dev", "deploy-role");
  assert.equal(outcome.status, "created");
  assert.deepEqual(outcome.notes, [
    "bootstrap.deploy_role.policy_arns is empty: the role gets no permissions from bootstrap",
  ]);
  const trust = parsePolicy(aws.roles.get("111111111111/TerraformDeploy")?.trustPolicy ?? "");
  assert.deepEqual(trust?.Statement[0]?.["Principal"], {
    AWS: ["arn:aws:iam::123456789012:role/ci", "arn:aws:iam::123456789012:role/ops"],
  });
});

test("a lock table with another hash key fails, and is not recreated", async () => {
  const aws = new FakeAws();
  aws.tables.set("111111111111/tf-locks", { status: "ACTIVE", hashKey: "id" });
  const report = await run(aws, { selectors: ["dev"] });
  const outcome = resource(report, "dev", "lock-table");
  assert.equal(outcome.error?.code, "bootstrap/lock-table-key");
  assert.match(outcome.error?.message ?? "", /hash key id, but Terraform locks with LockID/);
  assert.equal(
    aws.writes.some((w) => w.includes("createLockTable")),
    false,
  );
});

test("accounts run in a sliding window of --parallel, each reported in config order", async () => {
  const names = Array.from({ length: 7 }, (_, i) => `a${i}`);
  const many = load([
    "version: 1",
    'state: { bucket: "tfstate-{account_id}" }',
    "accounts:",
    ...names.map((n, i) => `  ${n}: { id: "${String(100000000000 + i)}" }`),
    "stacks:",
    `  app: { path: stacks/app, accounts: [${names.join(", ")}] }`,
  ]);
  const aws = new FakeAws();
  aws.assumeDelayMs = 15;
  const report = await bootstrap({ aws }, many.config, many.units, { parallel: 3 });
  assert.equal(aws.maxInFlight, 3);
  assert.deepEqual(
    report.accounts.map((a) => a.account),
    names,
  );
  assert.ok(statuses(report).every((s) => s.endsWith(" created")));
});

test("progress: one task per account, one message per resource", async () => {
  const aws = new FakeAws();
  aws.denied.add("333333333333");
  const events: ProgressEvent[] = [];
  await run(aws, {}, events);
  const started = events.filter((e) => e.type === "task-started").map((e) => e.id);
  assert.deepEqual(started, ["bootstrap/dev", "bootstrap/staging", "bootstrap/prod"]);
  const finished = events.flatMap((e) =>
    e.type === "task-finished" ? [`${e.id} ${e.status}`] : [],
  );
  assert.deepEqual(finished.sort(), [
    "bootstrap/dev ok",
    "bootstrap/prod failed",
    "bootstrap/staging ok",
  ]);
  const dev = events.find((e) => e.type === "task-finished" && e.id === "bootstrap/dev");
  assert.equal(dev?.type === "task-finished" ? dev.detail : "", "2 created");
  const messages = events.flatMap((e) => (e.type === "message" ? [e.text] : []));
  assert.ok(messages.includes("dev: lock-table tf-locks: created"), messages.join("\n"));
});

test("selection: positional selectors and --target intersect; nothing selected is a user error", async () => {
  const aws = new FakeAws();
  const report = await run(aws, {
    selectors: ["dev", "prod"],
    targets: ["tier:prod,tier:staging"],
  });
  assert.deepEqual(
    report.accounts.map((a) => a.account),
    ["prod"],
  );
  await assert.rejects(run(aws, { selectors: ["qa"] }), (error: unknown) => {
    assert.ok(error instanceof CrossformError);
    assert.equal(error.source, "user");
    assert.match(error.message, /no account named "qa"/);
    return true;
  });
  await assert.rejects(
    run(aws, { selectors: ["dev"], targets: ["prod"] }),
    /the selection matches no unit/,
  );
});

test("emit: the template trusts the base principal and needs no admin role", async () => {
  const aws = new FakeAws();
  const emitted = await emitBootstrapTemplate({ aws }, org.config, org.units, {
    selectors: ["tier:prod"],
  });
  assert.equal(aws.assumed.length, 0);
  const template = JSON.parse(emitted.text) as {
    Resources: {
      DeployRole: {
        Properties: {
          AssumeRolePolicyDocument: { Statement: { Principal: unknown }[] };
          ManagedPolicyArns: string[];
        };
      };
    };
  };
  const props = template.Resources.DeployRole.Properties;
  assert.deepEqual(props.AssumeRolePolicyDocument.Statement[0]?.Principal, {
    AWS: "arn:aws:iam::123456789012:role/OrgAdmin",
  });
  assert.deepEqual(props.ManagedPolicyArns, [POLICY]);
});

test("over a plain-HTTP endpoint (an emulator) the TLS-only policy is left out, and the report says so", async () => {
  const aws = new FakeAws();
  const report = await run(aws, { plainHttpEndpoint: true });
  const bucket = resource(report, "dev", "bucket");
  assert.equal(bucket.status, "created");
  assert.ok(!bucket.changes.includes("policy"), bucket.changes.join(","));
  assert.match(
    bucket.notes.join("\n"),
    /TLS-only bucket policy not applied to tfstate-111111111111: the S3 endpoint is plain HTTP/,
  );
  assert.equal(aws.buckets.get("tfstate-111111111111")?.policy, undefined);
});
