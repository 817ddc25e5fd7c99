import assert from "node:assert/strict";
import { writeFile } from "node:fs/promises";
import { join } from "node:path";
import { after, before, describe, test } from "node:test";
import { SdkAwsSessions } from "../../../../src/adapters/aws/sdk-aws-sessions.ts";
import type { SdkAwsSessionsOptions } from "../../../../src/adapters/aws/sdk-aws-sessions.ts";
import { CrossformError } from "../../../../src/core/errors.ts";
import type { AccountTarget } from "../../../../src/ports/aws.ts";
import { EmulatorRecorder, sessionIn } from "../../../helpers/emulator-accounts.ts";
import { startMoto } from "../../../helpers/moto.ts";
import type { MotoServer } from "../../../helpers/moto.ts";
import { makeTempDir } from "../../../helpers/temp-dir.ts";

// The adapter against a real moto_server: the SDK reads AWS_ENDPOINT_URL* and the keys from the
// process environment, as it does for users, so this file sets them for its own process.

let moto: MotoServer;
let recorder: EmulatorRecorder;
const saved = { ...process.env };
const open: SdkAwsSessions[] = [];

function sessions(options: Partial<SdkAwsSessionsOptions> = {}): SdkAwsSessions {
  const s = new SdkAwsSessions({ region: "us-east-1", ...options });
  open.push(s);
  return s;
}

function target(overrides: Partial<AccountTarget> = {}): AccountTarget {
  return {
    name: "dev",
    accountId: "111111111111",
    roleArn: "arn:aws:iam::111111111111:role/TerraformDeploy",
    sessionName: "crossform-dev",
    region: "us-east-1",
    ...overrides,
  };
}

async function rejection(promise: Promise<unknown>): Promise<CrossformError> {
  try {
    await promise;
  } catch (error) {
    assert.ok(error instanceof CrossformError, `expected a CrossformError, got ${String(error)}`);
    return error;
  }
  assert.fail("expected a rejection");
}

const recordingDir = await makeTempDir("sessions");

before(async () => {
  moto = await startMoto({ env: { MOTO_RECORDER_FILEPATH: join(recordingDir, "recording") } });
  recorder = new EmulatorRecorder(moto.endpoint);
  Object.assign(process.env, moto.env, { AWS_EC2_METADATA_DISABLED: "true" });
  delete process.env.AWS_PROFILE;
  delete process.env.AWS_SESSION_TOKEN;
});

after(async () => {
  for (const s of open) s.destroy();
  process.env = saved;
  await moto.stop();
});

describe("SdkAwsSessions against moto_server", () => {
  test("the base identity comes from the environment, with its source and an unknown expiry", async () => {
    const base = await sessions().baseIdentity();
    assert.equal(base.account, "123456789012");
    assert.match(base.arn, /^arn:aws:(sts|iam)::123456789012:/);
    assert.equal(base.source, "environment");
    assert.equal(base.expiration, undefined);
  });

  test("AssumeRole carries session name, external id and duration, once per target for the run", async () => {
    const s = sessions();
    await recorder.start();
    const t = target({ externalId: "acme-dev", durationSeconds: 1800 });
    const first = await s.forAccount(t);
    const again = await s.forAccount(t);
    const otherRegion = await s.forAccount({ ...t, region: "eu-west-1" });
    assert.equal((await first.sts.getCallerIdentity()).account, "111111111111");
    assert.equal((await again.sts.getCallerIdentity()).account, "111111111111");
    const inEu = await otherRegion.sts.getCallerIdentity();
    assert.equal(inEu.account, "111111111111");
    assert.match(inEu.arn, /assumed-role\/TerraformDeploy\/crossform-dev$/);
    const requests = await recorder.stop();
    const assumes = requests.filter((r) => r.operation === "AssumeRole");
    assert.equal(assumes.length, 1, "one AssumeRole for three uses of one target");
    const params = new URLSearchParams(assumes[0]?.body ?? "");
    assert.equal(params.get("RoleArn"), t.roleArn);
    assert.equal(params.get("RoleSessionName"), "crossform-dev");
    assert.equal(params.get("ExternalId"), "acme-dev");
    assert.equal(params.get("DurationSeconds"), "1800");
    assert.equal(requests.filter((r) => r.operation === "GetCallerIdentity").length, 3);
  });

  test("only the most recently used accounts keep their sessions and clients; an older one is assumed again", async () => {
    const s = sessions({ maxAccounts: 2 });
    const dev = target();
    const stg = target({
      name: "staging",
      accountId: "222222222222",
      roleArn: "arn:aws:iam::222222222222:role/TerraformDeploy",
    });
    const prd = target({
      name: "prod",
      accountId: "333333333333",
      roleArn: "arn:aws:iam::333333333333:role/TerraformDeploy",
    });
    await recorder.start();
    const devClients = await s.forAccount(dev);
    const stgClients = await s.forAccount(stg);
    assert.equal(await s.forAccount(dev), devClients, "dev used again: the most recent");
    await s.forAccount(prd);
    assert.equal(await s.forAccount(dev), devClients, "dev kept");
    const stgAgain = await s.forAccount(stg);
    assert.notEqual(stgAgain, stgClients, "staging was the least recently used: dropped");
    assert.equal((await stgAgain.sts.getCallerIdentity()).account, "222222222222");
    const assumed = (await recorder.stop())
      .filter((r) => r.operation === "AssumeRole")
      .map((r) => new URLSearchParams(r.body ?? "").get("RoleArn")?.split(":")[4]);
    assert.deepEqual(assumed, ["111111111111", "222222222222", "333333333333", "222222222222"]);
  });

  test("another session name or external id is another target, assumed on its own", async () => {
    const s = sessions();
    await recorder.start();
    await s.forAccount(target());
    await s.forAccount(target({ sessionName: "crossform-other" }));
    await s.forAccount(target({ externalId: "x" }));
    await s.forAccount(target());
    const requests = await recorder.stop();
    assert.equal(requests.filter((r) => r.operation === "AssumeRole").length, 3);
  });

  test("a role ARN in another account yields that account's identity (verify compares it)", async () => {
    const s = sessions();
    const clients = await s.forAccount(
      target({ roleArn: "arn:aws:iam::999999999999:role/TerraformDeploy" }),
    );
    assert.equal((await clients.sts.getCallerIdentity()).account, "999999999999");
  });

  test("AWS_ENDPOINT_URL_<SERVICE> wins over AWS_ENDPOINT_URL, per service", async () => {
    const before = { ...process.env };
    // Nothing listens on port 9 of the loopback: every call sent there fails to connect.
    process.env.AWS_ENDPOINT_URL = "http://127.0.0.1:9";
    process.env.AWS_ENDPOINT_URL_STS = moto.endpoint;
    try {
      const s = sessions({ maxAttempts: 2 });
      assert.equal((await s.baseIdentity()).account, "123456789012");
      const error = await rejection(s.baseClients("us-east-1").s3.listBuckets());
      assert.equal(error.code, "aws/network");
      assert.match(
        error.message,
        /^s3:ListBuckets as the base identity in us-east-1 failed: ECONNREFUSED/,
      );
      assert.match(error.hint ?? "", /AWS_ENDPOINT_URL/);
    } finally {
      process.env = before;
    }
  });

  test("S3: a state bucket's settings, absent until set, then read back", async () => {
    const s3 = (await sessions().forAccount(target())).s3;
    const bucket = "crossform-test-settings-111111111111";
    await s3.createBucket(bucket, "us-east-1");
    await s3.createBucket(bucket, "us-east-1");
    assert.deepEqual(await s3.headBucket(bucket, "111111111111"), { region: "us-east-1" });
    assert.ok((await s3.listBuckets()).includes(bucket));

    assert.equal(await s3.getVersioning(bucket), "Disabled");
    assert.equal(await s3.getPublicAccessBlock(bucket), undefined);
    assert.equal(await s3.getEncryption(bucket), undefined);
    assert.equal(await s3.getPolicy(bucket), undefined);
    assert.equal(await s3.getOwnershipControls(bucket), undefined);
    assert.deepEqual(await s3.getLifecycleRules(bucket), []);

    await s3.putVersioning(bucket, true);
    const block = {
      blockPublicAcls: true,
      ignorePublicAcls: true,
      blockPublicPolicy: true,
      restrictPublicBuckets: false,
    };
    await s3.putPublicAccessBlock(bucket, block);
    await s3.putEncryption(bucket, "AES256");
    const policy = JSON.stringify({
      Version: "2012-10-17",
      Statement: [
        {
          Sid: "DenyInsecureTransport",
          Effect: "Deny",
          Principal: "*",
          Action: "s3:*",
          Resource: [`arn:aws:s3:::${bucket}`, `arn:aws:s3:::${bucket}/*`],
          Condition: { Bool: { "aws:SecureTransport": "false" } },
        },
      ],
    });
    await s3.putPolicy(bucket, policy);
    await s3.putOwnershipControls(bucket, "BucketOwnerEnforced");
    await s3.putLifecycleRules(bucket, [
      {
        ID: "noncurrent",
        Status: "Enabled",
        Filter: { Prefix: "" },
        NoncurrentVersionExpiration: { NoncurrentDays: 90 },
      },
    ]);

    assert.equal(await s3.getVersioning(bucket), "Enabled");
    assert.deepEqual(await s3.getPublicAccessBlock(bucket), block);
    assert.deepEqual(await s3.getEncryption(bucket), { algorithm: "AES256" });
    assert.deepEqual(JSON.parse((await s3.getPolicy(bucket)) ?? "{}"), JSON.parse(policy));
    assert.equal(await s3.getOwnershipControls(bucket), "BucketOwnerEnforced");
    const rules = await s3.getLifecycleRules(bucket);
    assert.equal(rules.length, 1);
    assert.equal(rules[0]?.ID, "noncurrent");
    assert.deepEqual(rules[0]?.NoncurrentVersionExpiration, { NoncurrentDays: 90 });
    await s3.putVersioning(bucket, false);
    assert.equal(await s3.getVersioning(bucket), "Suspended");
    assert.deepEqual(await s3.listObjectKeys(bucket), []);
  });

  test("S3: a missing bucket is aws/bucket-missing, naming the bucket, account and bootstrap", async () => {
    const s3 = (await sessions().forAccount(target())).s3;
    const head = await rejection(s3.headBucket("crossform-test-missing", "111111111111"));
    assert.equal(head.code, "aws/bucket-missing");
    assert.match(
      head.message,
      /^s3:HeadBucket on bucket crossform-test-missing as arn:aws:iam::111111111111:role\/TerraformDeploy for account dev \(111111111111\) in us-east-1 failed: NotFound$/,
    );
    assert.equal(
      head.hint,
      "create it with `crossform bootstrap dev`, or fix state.bucket in crossform.yaml",
    );
    const versioning = await rejection(s3.getVersioning("crossform-test-missing"));
    assert.equal(versioning.code, "aws/bucket-missing");
    assert.match(versioning.message, /NoSuchBucket: The specified bucket does not exist$/);
  });

  test("S3: a bucket of another account is missing from this account's own ListBuckets", async () => {
    const s = sessions();
    const owner = (
      await s.forAccount(
        target({
          name: "prod",
          accountId: "222222222222",
          roleArn: "arn:aws:iam::222222222222:role/TerraformDeploy",
        }),
      )
    ).s3;
    await owner.createBucket("crossform-test-owned-by-prod", "us-east-1");
    const dev = (await s.forAccount(target())).s3;
    // The emulator ignores ExpectedBucketOwner (TESTING.md): the listing is what tells.
    assert.ok(!(await dev.listBuckets()).includes("crossform-test-owned-by-prod"));
    assert.ok((await owner.listBuckets()).includes("crossform-test-owned-by-prod"));
  });

  test("S3: object keys are listed to the end, and objects read as text", async () => {
    const s = sessions();
    const s3 = (await s.forAccount(target())).s3;
    const bucket = "crossform-test-objects";
    await s3.createBucket(bucket, "eu-west-1");
    assert.deepEqual(await s3.headBucket(bucket), { region: "eu-west-1" });
    const { S3Client, PutObjectCommand } = await import("@aws-sdk/client-s3");
    const raw = new S3Client({ region: "eu-west-1", endpoint: moto.endpoint });
    for (const key of ["app/terraform.tfstate", "network/terraform.tfstate"]) {
      await raw.send(new PutObjectCommand({ Bucket: bucket, Key: key, Body: `{"key":"${key}"}` }));
    }
    raw.destroy();
    // moto keeps buckets in one namespace: the base client wrote into the same bucket.
    assert.deepEqual((await s3.listObjectKeys(bucket)).sort(), [
      "app/terraform.tfstate",
      "network/terraform.tfstate",
    ]);
    assert.deepEqual(await s3.listObjectKeys(bucket, "app/"), ["app/terraform.tfstate"]);
    assert.equal(
      await s3.getObjectText(bucket, "app/terraform.tfstate"),
      '{"key":"app/terraform.tfstate"}',
    );
    const missing = await rejection(s3.getObjectText(bucket, "nope"));
    assert.equal(missing.code, "aws/not-found");
  });

  test("DynamoDB: a lock table is absent, created with hash key LockID, created again harmlessly", async () => {
    const dynamodb = (await sessions().forAccount(target())).dynamodb;
    assert.equal(await dynamodb.describeTable("crossform-locks"), undefined);
    await dynamodb.createLockTable("crossform-locks");
    await dynamodb.createLockTable("crossform-locks");
    assert.deepEqual(await dynamodb.describeTable("crossform-locks"), {
      status: "ACTIVE",
      hashKey: "LockID",
    });
  });

  test("IAM: a role is absent, created, its trust policy read back as JSON, policies attached", async () => {
    const iam = (await sessions().forAccount(target())).iam;
    assert.equal(await iam.getRole("CrossformTest"), undefined);
    const trust = {
      Version: "2012-10-17",
      Statement: [
        {
          Effect: "Allow",
          Principal: { AWS: "arn:aws:iam::123456789012:root" },
          Action: "sts:AssumeRole",
          Condition: { StringEquals: { "sts:ExternalId": "acme" } },
        },
      ],
    };
    const created = await iam.createRole("CrossformTest", JSON.stringify(trust), "test role");
    assert.equal(created.arn, "arn:aws:iam::111111111111:role/CrossformTest");
    const role = await iam.getRole("CrossformTest");
    assert.equal(role?.arn, created.arn);
    assert.deepEqual(JSON.parse(role?.trustPolicy ?? "{}"), trust);
    const updated = { ...trust, Statement: [{ ...trust.Statement[0], Condition: undefined }] };
    await iam.updateTrustPolicy("CrossformTest", JSON.stringify(updated));
    assert.deepEqual(
      JSON.parse((await iam.getRole("CrossformTest"))?.trustPolicy ?? "{}"),
      JSON.parse(JSON.stringify(updated)),
    );
    assert.deepEqual(await iam.listAttachedPolicyArns("CrossformTest"), []);
    // The emulator loads no AWS managed policies: the test makes two of the account's own.
    const { IAMClient, CreatePolicyCommand } = await import("@aws-sdk/client-iam");
    const raw = new IAMClient({
      region: "us-east-1",
      credentials: await sessionIn(moto.env, "111111111111", "TerraformDeploy"),
    });
    const arns: string[] = [];
    for (const name of ["deploy-a", "deploy-b"]) {
      const out = await raw.send(
        new CreatePolicyCommand({
          PolicyName: name,
          PolicyDocument: JSON.stringify({
            Version: "2012-10-17",
            Statement: [{ Effect: "Allow", Action: "s3:ListBucket", Resource: "*" }],
          }),
        }),
      );
      arns.push(out.Policy?.Arn ?? "");
    }
    raw.destroy();
    assert.deepEqual(arns, [
      "arn:aws:iam::111111111111:policy/deploy-a",
      "arn:aws:iam::111111111111:policy/deploy-b",
    ]);
    for (const arn of arns) await iam.attachPolicy("CrossformTest", arn);
    assert.deepEqual((await iam.listAttachedPolicyArns("CrossformTest")).sort(), arns);
    const missing = await rejection(iam.listAttachedPolicyArns("Nope"));
    assert.equal(missing.code, "aws/not-found");
  });

  test("Organizations: accounts are paged to the end (more than the emulator's page of 20)", async () => {
    const { OrganizationsClient, CreateOrganizationCommand, CreateAccountCommand } =
      await import("@aws-sdk/client-organizations");
    const raw = new OrganizationsClient({ region: "us-east-1" });
    await raw.send(new CreateOrganizationCommand({ FeatureSet: "ALL" }));
    for (let i = 0; i < 24; i += 1) {
      await raw.send(
        new CreateAccountCommand({ AccountName: `member-${i}`, Email: `member-${i}@example.com` }),
      );
    }
    raw.destroy();
    const organizations = sessions().baseClients("us-east-1").organizations;
    const roots = await organizations.listRoots();
    assert.equal(roots.length, 1);
    const rootId = roots[0]?.id ?? "";
    assert.match(rootId, /^r-/);
    const accounts = await organizations.listAccountsForParent(rootId);
    assert.equal(accounts.length, 25, "24 members and the management account");
    assert.equal(new Set(accounts.map((a) => a.id)).size, 25);
    assert.ok(accounts.every((a) => a.status === "ACTIVE" && /^\d{12}$/.test(a.id)));
    assert.ok(accounts.some((a) => a.name === "member-23" && a.email === "member-23@example.com"));
    assert.deepEqual(await organizations.listOrganizationalUnitsForParent(rootId), []);
  });

  test("CloudFormation: a stack is created and its status read; an unknown stack has none", async () => {
    const cloudformation = (await sessions().forAccount(target())).cloudformation;
    const template = JSON.stringify({
      Resources: { Handle: { Type: "AWS::CloudFormation::WaitConditionHandle" } },
    });
    await cloudformation.createStack("crossform-test", template, ["CAPABILITY_NAMED_IAM"]);
    assert.equal(await cloudformation.describeStackStatus("crossform-test"), "CREATE_COMPLETE");
    assert.equal(await cloudformation.describeStackStatus("crossform-nope"), undefined);
  });

  test("--via-profiles: credentials come from the account's AWS CLI profile", async () => {
    const dir = await makeTempDir("profiles");
    const configFile = join(dir, "config");
    await writeFile(
      configFile,
      [
        "[profile dev]",
        "role_arn = arn:aws:iam::111111111111:role/TerraformDeploy",
        "credential_source = Environment",
        "role_session_name = crossform-dev",
        "region = us-east-1",
        "",
      ].join("\n"),
    );
    const before = { ...process.env };
    process.env.AWS_CONFIG_FILE = configFile;
    process.env.AWS_SHARED_CREDENTIALS_FILE = join(dir, "credentials");
    try {
      const s = sessions();
      await recorder.start();
      const clients = await s.forAccount(target({ profile: "dev" }));
      const identity = await clients.sts.getCallerIdentity();
      assert.equal(identity.account, "111111111111");
      assert.match(identity.arn, /assumed-role\/TerraformDeploy\/crossform-dev$/);
      const assumes = (await recorder.stop()).filter((r) => r.operation === "AssumeRole");
      assert.equal(assumes.length, 1, "the profile assumed the role itself");

      const error = await rejection(s.forAccount(target({ name: "prod", profile: "prod" })));
      assert.equal(error.code, "aws/no-credentials");
      assert.match(error.message, /through profile prod for account prod/);
      assert.match(error.hint ?? "", /crossform profiles --write/);
    } finally {
      process.env = before;
    }
  });

  test("no base credentials anywhere: aws/no-credentials with a hint on base.profile", async () => {
    const dir = await makeTempDir("nocreds");
    const before = { ...process.env };
    delete process.env.AWS_ACCESS_KEY_ID;
    delete process.env.AWS_SECRET_ACCESS_KEY;
    process.env.AWS_CONFIG_FILE = join(dir, "config-none");
    process.env.AWS_SHARED_CREDENTIALS_FILE = join(dir, "credentials-none");
    try {
      const error = await rejection(sessions().baseIdentity());
      assert.equal(error.code, "aws/no-credentials");
      assert.match(
        error.message,
        /^cannot load the base credentials from the default chain: CredentialsProviderError/,
      );
      assert.match(error.hint ?? "", /set base\.profile in crossform\.yaml/);

      const named = await rejection(sessions({ profile: "org-admin" }).baseIdentity());
      assert.equal(named.code, "aws/no-credentials");
      assert.match(named.message, /from profile org-admin/);
      assert.match(named.hint ?? "", /aws sso login --profile org-admin/);

      // AWS_PROFILE without base.profile: the default chain reads that profile, and says so.
      process.env.AWS_PROFILE = "tool";
      const fromEnv = await rejection(sessions().baseIdentity());
      assert.equal(fromEnv.code, "aws/no-credentials");
      assert.match(
        fromEnv.message,
        /^cannot load the base credentials from profile tool \(AWS_PROFILE\)/,
      );
      assert.match(fromEnv.hint ?? "", /^profile tool \(AWS_PROFILE\) gives no credentials/);
    } finally {
      process.env = before;
    }
  });

  test("base credentials that expired are refused before any call", async () => {
    await recorder.start();
    const error = await rejection(
      sessions({
        baseCredentials: async () => ({
          accessKeyId: "ASIAIOSFODNN7EXAMPLE",
          secretAccessKey: "test",
          sessionToken: "token-value-that-must-not-leak",
          expiration: new Date(Date.now() - 60_000),
        }),
      }).baseIdentity(),
    );
    assert.equal(error.code, "aws/expired-token");
    assert.match(error.message, /^the base credentials \(default chain\) expired at \d{4}-/);
    assert.match(error.hint ?? "", /log in again/);
    assert.doesNotMatch(`${error.message} ${error.hint}`, /token-value|ASIAIOSFODNN7EXAMPLE/);
    assert.deepEqual(await recorder.stop(), []);
  });
});
