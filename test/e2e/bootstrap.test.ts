// `crossform bootstrap` as a user runs it: the built CLI against moto_server, every result read
// back from the emulator through each account's own session of OrganizationAccountAccessRole.
import assert from "node:assert/strict";
import { readFile } from "node:fs/promises";
import { join } from "node:path";
import { after, before, beforeEach, test } from "node:test";
import { fileURLToPath } from "node:url";
import {
  CloudFormationClient,
  CreateStackCommand,
  DescribeStacksCommand,
} from "@aws-sdk/client-cloudformation";
import { DescribeTableCommand, DynamoDBClient, ListTablesCommand } from "@aws-sdk/client-dynamodb";
import {
  CreatePolicyCommand,
  GetRoleCommand,
  IAMClient,
  ListAttachedRolePoliciesCommand,
  ListRolesCommand,
  UpdateAssumeRolePolicyCommand,
} from "@aws-sdk/client-iam";
import {
  CreateBucketCommand,
  DeleteBucketPolicyCommand,
  GetBucketEncryptionCommand,
  GetBucketLifecycleConfigurationCommand,
  GetBucketOwnershipControlsCommand,
  GetBucketPolicyCommand,
  GetBucketVersioningCommand,
  GetPublicAccessBlockCommand,
  ListBucketsCommand,
  PutBucketVersioningCommand,
  S3Client,
} from "@aws-sdk/client-s3";
import { AssumeRoleCommand, STSClient } from "@aws-sdk/client-sts";
import { runBuiltCli } from "../helpers/cli.ts";
import type { CliResult } from "../helpers/cli.ts";
import { startMoto } from "../helpers/moto.ts";
import type { MotoServer } from "../helpers/moto.ts";
import { makeTempDir } from "../helpers/temp-dir.ts";

const fixtures = fileURLToPath(new URL("../fixtures/bootstrap/", import.meta.url));
const THREE = join(fixtures, "three-accounts");
const EXTERNAL = join(fixtures, "external-id");

const DEV = "111111111111";
const STAGING = "222222222222";
const PROD = "333333333333";
const TENANT = "555555555555";
const REGIONS = ["us-east-1", "eu-west-1"];

let moto: MotoServer;
let home: string;

before(async () => {
  moto = await startMoto();
  home = await makeTempDir("bootstrap-home");
});
after(() => moto?.stop());
beforeEach(() => moto.reset());

/** `crossform bootstrap` from the built CLI, in `dir`. */
function crossform(dir: string, ...args: string[]): Promise<CliResult> {
  return cli(dir, "bootstrap", ...args);
}

/** The built CLI with only the emulator's credentials: no AWS settings of the machine leak in. */
function cli(dir: string, command: string, ...args: string[]): Promise<CliResult> {
  const env: NodeJS.ProcessEnv = {};
  for (const [key, value] of Object.entries(process.env)) {
    if (!key.startsWith("AWS_")) env[key] = value;
  }
  Object.assign(env, moto.env, {
    HOME: home,
    USER: "e2e",
    AWS_CONFIG_FILE: join(home, "aws-config"),
    AWS_SHARED_CREDENTIALS_FILE: join(home, "aws-credentials"),
  });
  return runBuiltCli([command, "-C", dir, ...args], { cwd: dir, env });
}

function show(result: CliResult): string {
  return `exit ${result.code}\nstdout:\n${result.stdout}\nstderr:\n${result.stderr}`;
}

interface JsonResource {
  kind: string;
  name: string;
  region: string | null;
  status: string;
  changes: string[];
  error: { code: string; message: string; hint: string | null } | null;
}

interface JsonReport {
  version: number;
  dryRun: boolean;
  ok: boolean;
  totals: Record<string, number>;
  accounts: { account: string; error: unknown; resources: JsonResource[] }[];
}

function rows(report: JsonReport): string[] {
  return report.accounts.flatMap((a) =>
    a.resources.map((r) => `${a.account} ${r.kind} ${r.name} ${r.status}`),
  );
}

/** SDK clients acting in `accountId` through its admin role, as an organization admin would. */
async function admin(accountId: string, region = "us-east-1") {
  const base = {
    region,
    endpoint: moto.endpoint,
    credentials: { accessKeyId: moto.env.AWS_ACCESS_KEY_ID ?? "", secretAccessKey: "test" },
  };
  const sts = new STSClient(base);
  const { Credentials: c } = await sts.send(
    new AssumeRoleCommand({
      RoleArn: `arn:aws:iam::${accountId}:role/OrganizationAccountAccessRole`,
      RoleSessionName: "e2e-check",
    }),
  );
  sts.destroy();
  const config = {
    ...base,
    credentials: {
      accessKeyId: c?.AccessKeyId ?? "",
      secretAccessKey: c?.SecretAccessKey ?? "",
      sessionToken: c?.SessionToken ?? "",
    },
  };
  return {
    s3: new S3Client(config),
    iam: new IAMClient(config),
    dynamodb: new DynamoDBClient(config),
    cloudformation: new CloudFormationClient(config),
  };
}

async function optional<T>(read: () => Promise<T>): Promise<T | string> {
  try {
    return await read();
  } catch (error) {
    return `absent (${(error as Error).name})`;
  }
}

/** Everything bootstrap could change in an account: buckets and their settings, tables, roles. */
async function snapshot(accountId: string): Promise<unknown> {
  const { s3, iam } = await admin(accountId);
  const names = ((await s3.send(new ListBucketsCommand({}))).Buckets ?? [])
    .map((b) => b.Name ?? "")
    .sort();
  const buckets: Record<string, unknown> = {};
  for (const bucket of names) {
    const input = { Bucket: bucket };
    buckets[bucket] = {
      versioning: (await s3.send(new GetBucketVersioningCommand(input))).Status ?? "Disabled",
      encryption: await optional(
        async () =>
          (await s3.send(new GetBucketEncryptionCommand(input))).ServerSideEncryptionConfiguration,
      ),
      publicAccess: await optional(
        async () =>
          (await s3.send(new GetPublicAccessBlockCommand(input))).PublicAccessBlockConfiguration,
      ),
      policy: await optional(async () => (await s3.send(new GetBucketPolicyCommand(input))).Policy),
      ownership: await optional(
        async () => (await s3.send(new GetBucketOwnershipControlsCommand(input))).OwnershipControls,
      ),
      lifecycle: await optional(
        async () => (await s3.send(new GetBucketLifecycleConfigurationCommand(input))).Rules,
      ),
    };
  }
  const tables: Record<string, string[]> = {};
  for (const region of REGIONS) {
    const { dynamodb } = await admin(accountId, region);
    tables[region] = ((await dynamodb.send(new ListTablesCommand({}))).TableNames ?? []).sort();
  }
  const roles = ((await iam.send(new ListRolesCommand({}))).Roles ?? [])
    .map((r) => `${r.Arn} ${decodeURIComponent(r.AssumeRolePolicyDocument ?? "")}`)
    .sort();
  return { buckets, tables, roles };
}

async function trustPolicyOf(accountId: string, role: string): Promise<Record<string, unknown>> {
  const { iam } = await admin(accountId);
  const { Role } = await iam.send(new GetRoleCommand({ RoleName: role }));
  return JSON.parse(decodeURIComponent(Role?.AssumeRolePolicyDocument ?? "{}")) as Record<
    string,
    unknown
  >;
}

test("bootstrap creates and hardens every bucket and lock table; a second run changes nothing; verify passes", async () => {
  const first = await crossform(THREE, "--create-role", "--json");
  assert.equal(first.code, 0, show(first));
  const report = JSON.parse(first.stdout) as JsonReport;
  assert.equal(report.ok, true);
  assert.match(
    first.stdout,
    /TLS-only bucket policy not applied to bootstrap-e2e-\d+-us-east-1: the S3 endpoint is plain HTTP/,
  );
  assert.deepEqual(rows(report), [
    `dev bucket bootstrap-e2e-${DEV}-us-east-1 created`,
    "dev lock-table crossform-locks created",
    `dev deploy-role arn:aws:iam::${DEV}:role/TerraformDeploy created`,
    `staging bucket bootstrap-e2e-${STAGING}-us-east-1 created`,
    "staging lock-table crossform-locks created",
    `staging deploy-role arn:aws:iam::${STAGING}:role/TerraformDeploy created`,
    `prod bucket bootstrap-e2e-${PROD}-us-east-1 created`,
    `prod bucket bootstrap-e2e-${PROD}-eu-west-1 created`,
    "prod lock-table crossform-locks created",
    "prod lock-table crossform-locks created",
    `prod deploy-role arn:aws:iam::${PROD}:role/TerraformDeploy created`,
  ]);

  // Read back through the emulator: each bucket in its own account and region, hardened.
  for (const [accountId, region] of [
    [DEV, "us-east-1"],
    [STAGING, "us-east-1"],
    [PROD, "us-east-1"],
    [PROD, "eu-west-1"],
  ] as const) {
    const bucket = `bootstrap-e2e-${accountId}-${region}`;
    const { s3, dynamodb } = await admin(accountId, region);
    const owned = (await s3.send(new ListBucketsCommand({}))).Buckets?.map((b) => b.Name);
    assert.ok(owned?.includes(bucket), `${bucket} is listed by its own account`);
    const input = { Bucket: bucket };
    assert.equal((await s3.send(new GetBucketVersioningCommand(input))).Status, "Enabled");
    assert.deepEqual(
      (await s3.send(new GetPublicAccessBlockCommand(input))).PublicAccessBlockConfiguration,
      {
        BlockPublicAcls: true,
        IgnorePublicAcls: true,
        BlockPublicPolicy: true,
        RestrictPublicBuckets: true,
      },
    );
    const encryption = await s3.send(new GetBucketEncryptionCommand(input));
    assert.equal(
      encryption.ServerSideEncryptionConfiguration?.Rules?.[0]?.ApplyServerSideEncryptionByDefault
        ?.SSEAlgorithm,
      "AES256",
    );
    const ownership = await s3.send(new GetBucketOwnershipControlsCommand(input));
    assert.equal(ownership.OwnershipControls?.Rules?.[0]?.ObjectOwnership, "BucketOwnerEnforced");
    // The emulator answers on plain HTTP, where a TLS-only policy would refuse every request
    // (Terraform's too): bootstrap leaves it out there and says so. The policy document itself
    // is tested in test/unit/core/bootstrap and test/unit/app/bootstrap.test.ts.
    const policy = await optional(
      async () => (await s3.send(new GetBucketPolicyCommand(input))).Policy,
    );
    assert.match(String(policy), /^absent/);
    const lifecycle = await s3.send(new GetBucketLifecycleConfigurationCommand(input));
    assert.equal(lifecycle.Rules?.[0]?.Status, "Enabled");
    assert.equal(lifecycle.Rules?.[0]?.NoncurrentVersionExpiration?.NoncurrentDays, 30);
    const table = await dynamodb.send(new DescribeTableCommand({ TableName: "crossform-locks" }));
    assert.deepEqual(table.Table?.KeySchema, [{ AttributeName: "LockID", KeyType: "HASH" }]);
    assert.equal(table.Table?.BillingModeSummary?.BillingMode, "PAY_PER_REQUEST");
  }

  const second = await crossform(THREE, "--create-role");
  assert.equal(second.code, 0, show(second));
  assert.match(second.stdout, /^3 accounts: 11 unchanged$/m, show(second));
  assert.doesNotMatch(second.stdout, /created|updated/);

  // What bootstrap made is what verify checks: each account's identity, bucket and lock table.
  const verified = await cli(THREE, "verify");
  assert.equal(verified.code, 0, show(verified));
  assert.match(verified.stdout, /3 of 3 accounts verified/);
});

test("--create-role with an external id: the trust policy read back holds the condition", async () => {
  const { iam } = await admin(TENANT);
  await iam.send(
    new CreatePolicyCommand({
      PolicyName: "crossform-deploy",
      PolicyDocument: JSON.stringify({
        Version: "2012-10-17",
        Statement: [{ Effect: "Allow", Action: "s3:*", Resource: "*" }],
      }),
    }),
  );
  const first = await crossform(EXTERNAL, "--create-role");
  assert.equal(first.code, 0, show(first));
  assert.match(first.stdout, /tenant +555555555555 +deploy-role .* created +trust-policy, attach /);

  const trust = await trustPolicyOf(TENANT, "TerraformDeploy");
  assert.deepEqual(trust["Statement"], [
    {
      Effect: "Allow",
      Principal: { AWS: "arn:aws:iam::123456789012:role/crossform-ci" },
      Action: "sts:AssumeRole",
      Condition: { StringEquals: { "sts:ExternalId": "tenant-ext-0c41" } },
    },
  ]);
  const attached = await iam.send(
    new ListAttachedRolePoliciesCommand({ RoleName: "TerraformDeploy" }),
  );
  assert.deepEqual(
    attached.AttachedPolicies?.map((p) => p.PolicyArn),
    [`arn:aws:iam::${TENANT}:policy/crossform-deploy`],
  );

  // Someone drops the condition out of band: the next run puts it back and says so.
  await iam.send(
    new UpdateAssumeRolePolicyCommand({
      RoleName: "TerraformDeploy",
      PolicyDocument: JSON.stringify({
        Version: "2012-10-17",
        Statement: [
          {
            Effect: "Allow",
            Principal: { AWS: "arn:aws:iam::123456789012:role/crossform-ci" },
            Action: "sts:AssumeRole",
          },
        ],
      }),
    }),
  );
  const again = await crossform(EXTERNAL, "--create-role", "--json");
  assert.equal(again.code, 0, show(again));
  const role = (JSON.parse(again.stdout) as JsonReport).accounts[0]?.resources.find(
    (r) => r.kind === "deploy-role",
  );
  assert.equal(role?.status, "updated");
  assert.deepEqual(role?.changes, ["trust-policy"]);
  const restored = await trustPolicyOf(TENANT, "TerraformDeploy");
  assert.deepEqual((restored["Statement"] as Record<string, unknown>[])[0]?.["Condition"], {
    StringEquals: { "sts:ExternalId": "tenant-ext-0c41" },
  });
});

test("--dry-run changes nothing in any account and says what it would do", async () => {
  const devOnly = await crossform(THREE, "dev");
  assert.equal(devOnly.code, 0, show(devOnly));
  const devBucket = `bootstrap-e2e-${DEV}-us-east-1`;
  const { s3 } = await admin(DEV);
  await s3.send(
    new PutBucketVersioningCommand({
      Bucket: devBucket,
      VersioningConfiguration: { Status: "Suspended" },
    }),
  );
  await s3.send(new DeleteBucketPolicyCommand({ Bucket: devBucket }));

  const accounts = [DEV, STAGING, PROD];
  const before = await Promise.all(accounts.map(snapshot));
  const dry = await crossform(THREE, "--dry-run", "--create-role", "--json");
  assert.equal(dry.code, 0, show(dry));
  const after = await Promise.all(accounts.map(snapshot));
  assert.deepEqual(after, before);

  const report = JSON.parse(dry.stdout) as JsonReport;
  assert.equal(report.dryRun, true);
  assert.deepEqual(rows(report), [
    `dev bucket ${devBucket} would-update`,
    "dev lock-table crossform-locks unchanged",
    `dev deploy-role arn:aws:iam::${DEV}:role/TerraformDeploy would-create`,
    `staging bucket bootstrap-e2e-${STAGING}-us-east-1 would-create`,
    "staging lock-table crossform-locks would-create",
    `staging deploy-role arn:aws:iam::${STAGING}:role/TerraformDeploy would-create`,
    `prod bucket bootstrap-e2e-${PROD}-us-east-1 would-create`,
    `prod bucket bootstrap-e2e-${PROD}-eu-west-1 would-create`,
    "prod lock-table crossform-locks would-create",
    "prod lock-table crossform-locks would-create",
    `prod deploy-role arn:aws:iam::${PROD}:role/TerraformDeploy would-create`,
  ]);
  assert.deepEqual(report.accounts[0]?.resources[0]?.changes, ["versioning"]);
});

test("--emit cloudformation: the template, created as a stack, makes the role with its trust", async () => {
  const out = join(await makeTempDir("bootstrap-emit"), "deploy-role.json");
  const emitted = await crossform(THREE, "staging", "--emit", "cloudformation", "--out", out);
  assert.equal(emitted.code, 0, show(emitted));
  assert.match(
    emitted.stdout,
    /wrote the StackSet template for the deploy role TerraformDeploy to /,
  );
  const template = await readFile(out, "utf8");

  const { cloudformation } = await admin(STAGING);
  await cloudformation.send(
    new CreateStackCommand({
      StackName: "crossform-deploy-role",
      TemplateBody: template,
      Capabilities: ["CAPABILITY_NAMED_IAM"],
    }),
  );
  const stacks = await cloudformation.send(
    new DescribeStacksCommand({ StackName: "crossform-deploy-role" }),
  );
  assert.equal(stacks.Stacks?.[0]?.StackStatus, "CREATE_COMPLETE");
  assert.equal(
    stacks.Stacks?.[0]?.Outputs?.find((o) => o.OutputKey === "RoleArn")?.OutputValue,
    `arn:aws:iam::${STAGING}:role/TerraformDeploy`,
  );
  // No bootstrap.deploy_role.trust: the base identity (the emulator's default user) is trusted,
  // with staging's external id as the parameter default.
  const trust = await trustPolicyOf(STAGING, "TerraformDeploy");
  assert.deepEqual(trust["Statement"], [
    {
      Effect: "Allow",
      Principal: { AWS: "arn:aws:iam::123456789012:user/moto" },
      Action: "sts:AssumeRole",
      Condition: { StringEquals: { "sts:ExternalId": "staging-ext-7f3a" } },
    },
  ]);
});

test("a bucket name owned by another account fails with exit 1 and a hint; nothing is taken over", async () => {
  const taken = `bootstrap-e2e-${DEV}-us-east-1`;
  const { s3 } = await admin(STAGING);
  await s3.send(new CreateBucketCommand({ Bucket: taken }));
  const result = await crossform(THREE, "dev");
  assert.equal(result.code, 1, show(result));
  assert.match(
    result.stdout,
    new RegExp(
      `dev +${DEV} +bucket +${taken} +us-east-1 +failed +state bucket ${taken} exists but account dev \\(${DEV}\\) does not own it`,
    ),
  );
  assert.match(result.stdout, /hint: bucket names are global/);
  assert.match(result.stdout, /dev +111111111111 +lock-table +crossform-locks +us-east-1 +created/);
  const owned = (await s3.send(new ListBucketsCommand({}))).Buckets?.map((b) => b.Name);
  assert.deepEqual(owned, [taken]);
  const policy = await optional(() => s3.send(new GetBucketPolicyCommand({ Bucket: taken })));
  assert.match(String(policy), /^absent/);
});

test("bad input exits 2 before any AWS call", async () => {
  const [unknown, out] = await Promise.all([
    crossform(THREE, "qa"),
    crossform(THREE, "--out", "x.json"),
  ]);
  assert.equal(unknown.code, 2, show(unknown));
  assert.match(unknown.stderr, /error: no account named "qa"/);
  assert.equal(out.code, 2, show(out));
  assert.match(out.stderr, /--out works only with --emit cloudformation/);
});
