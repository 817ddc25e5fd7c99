import assert from "node:assert/strict";
import { mkdir, readFile, writeFile } from "node:fs/promises";
import { join } from "node:path";
import { after, before, describe, test } from "node:test";
import type { VerifyReport } from "../../src/app/verify.ts";
import { runBuiltCli } from "../helpers/cli.ts";
import type { CliResult } from "../helpers/cli.ts";
import { EmulatorRecorder, createTestBucket, enforceIam } from "../helpers/emulator-accounts.ts";
import type { EnforcedIam } from "../helpers/emulator-accounts.ts";
import { startMoto } from "../helpers/moto.ts";
import type { MotoServer } from "../helpers/moto.ts";
import { makeTempDir } from "../helpers/temp-dir.ts";

// `crossform verify` as users run it (the built CLI), against real moto_servers: one that
// authorises everything, one with IAM enforcement for access denied (TESTING.md).

const BASE_KEY_ID = "AKIAE2EVERIFYEXAMPLE";
const BASE_SECRET = "crossform-e2e-base-secret-value";

const ACCOUNTS = {
  dev: "111111111111",
  staging: "222222222222",
  prod: "333333333333",
  missing: "444444444444",
  unversioned: "555555555555",
  foreign: "666666666666",
} as const;

const work = await makeTempDir("verify-e2e");
let moto: MotoServer;
let enforcedMoto: MotoServer;
let enforced: EnforcedIam;
const outputs: string[] = [];

function configText(accounts: Record<string, string>): string {
  return [
    "version: 1",
    "base: { region: us-east-1 }",
    "defaults: { role: OrganizationAccountAccessRole, regions: [us-east-1] }",
    'state: { bucket: "crossform-e2e-{account_id}", key: "{stack}/terraform.tfstate", lock: s3 }',
    "accounts:",
    ...Object.entries(accounts).map(([name, id]) => `  ${name}: { id: "${id}" }`),
    "stacks:",
    `  app: { path: app, accounts: [${Object.keys(accounts).join(", ")}] }`,
    "",
  ].join("\n");
}

async function project(name: string, text: string): Promise<string> {
  const dir = join(work, name);
  await mkdir(join(dir, "app"), { recursive: true });
  await writeFile(join(dir, "crossform.yaml"), text);
  await writeFile(join(dir, "app", "main.tf"), 'resource "terraform_data" "x" {}\n');
  return dir;
}

/** Nothing of the operator's AWS setup: a fresh HOME, files of our own, the given keys. */
function cliEnv(
  server: MotoServer,
  extra: Record<string, string | undefined> = {},
): NodeJS.ProcessEnv {
  const env: NodeJS.ProcessEnv = {
    PATH: process.env.PATH,
    HOME: join(work, "home"),
    AWS_ENDPOINT_URL: server.endpoint,
    AWS_REGION: "us-east-1",
    AWS_ACCESS_KEY_ID: BASE_KEY_ID,
    AWS_SECRET_ACCESS_KEY: BASE_SECRET,
    AWS_CONFIG_FILE: join(work, "no-aws-config"),
    AWS_SHARED_CREDENTIALS_FILE: join(work, "no-aws-credentials"),
    AWS_EC2_METADATA_DISABLED: "true",
    USER: "e2e",
    ...extra,
  };
  for (const [key, value] of Object.entries(env)) if (value === undefined) delete env[key];
  return env;
}

async function crossform(args: string[], cwd: string, env: NodeJS.ProcessEnv): Promise<CliResult> {
  const result = await runBuiltCli(args, { cwd, env });
  outputs.push(result.stdout, result.stderr);
  return result;
}

function jsonReport(result: CliResult): VerifyReport {
  return JSON.parse(result.stdout) as VerifyReport;
}

before(async () => {
  [moto, enforcedMoto] = await Promise.all([
    startMoto({ env: { MOTO_RECORDER_FILEPATH: join(work, "recording") } }),
    startMoto({ env: { INITIAL_NO_AUTH_ACTION_COUNT: "40" } }),
  ]);
  const env = moto.env;
  await Promise.all([
    ...(["dev", "staging", "prod"] as const).map((name) =>
      createTestBucket(env, { bucket: `crossform-e2e-${ACCOUNTS[name]}`, ownerId: ACCOUNTS[name] }),
    ),
    createTestBucket(env, {
      bucket: `crossform-e2e-${ACCOUNTS.unversioned}`,
      ownerId: ACCOUNTS.unversioned,
      versioning: false,
    }),
    // Another account's session creates the bucket the config expects in account "foreign".
    createTestBucket(env, { bucket: `crossform-e2e-${ACCOUNTS.foreign}`, ownerId: "777777777777" }),
  ]);

  // IAM enforcement: the roles exist with allow-all policies; the user `ci` may assume two of them.
  enforced = await enforceIam(enforcedMoto.env, {
    accounts: [ACCOUNTS.dev, ACCOUNTS.staging, ACCOUNTS.prod],
    allowed: [ACCOUNTS.dev, ACCOUNTS.staging],
    role: "TerraformDeploy",
  });
  for (const id of [ACCOUNTS.dev, ACCOUNTS.staging, ACCOUNTS.prod]) {
    await createTestBucket(enforcedMoto.env, {
      bucket: `crossform-e2e-${id}`,
      ownerId: id,
      credentials: enforced.sessions.get(id),
    });
  }
});

after(async () => {
  await Promise.all([moto?.stop(), enforcedMoto?.stop()]);
});

describe("crossform verify (built CLI, moto_server)", () => {
  test("several accounts pass: exit 0, a table, timestamped progress off a terminal", async () => {
    const dir = await project("main", configText(ACCOUNTS));
    const result = await crossform(["verify", "dev", "staging", "prod"], dir, cliEnv(moto));
    assert.equal(result.code, 0, result.stderr + result.stdout);
    const lines = result.stdout.split("\n");
    assert.match(
      lines[0] ?? "",
      /^base identity: arn:aws:\S+::123456789012:\S+ \(account 123456789012, environment\)$/,
    );
    assert.equal(
      lines[1],
      "base session expiry unknown: the credentials do not say when they expire",
    );
    assert.match(result.stdout, /^ACCOUNT +ID +ROLE +IDENTITY +STATE +HINT$/m);
    for (const name of ["dev", "staging", "prod"] as const) {
      assert.match(
        result.stdout,
        new RegExp(
          `^${name} +${ACCOUNTS[name]} +OrganizationAccountAccessRole +ok +ok \\(1 bucket\\)$`,
          "m",
        ),
      );
    }
    assert.match(result.stdout, /\n3 of 3 accounts verified\n$/);
    assert.match(
      result.stderr,
      /^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{3}Z dev \(111111111111\): started$/m,
    );
    assert.match(
      result.stderr,
      /^\d{4}-\d\d-\d\dT[\d:.]+Z prod \(333333333333\): ok: identity 333333333333, 1 state bucket ok$/m,
    );
    assert.ok(!result.stderr.includes("\x1b["), "no escape codes off a terminal");
  });

  test("a missing bucket, a bucket without versioning and a bucket of another account fail: exit 1", async () => {
    const dir = join(work, "main");
    const result = await crossform(["verify", "--format", "json"], dir, cliEnv(moto));
    assert.equal(result.code, 1, result.stderr);
    const report = jsonReport(result);
    assert.equal(report.version, 1);
    assert.equal(report.ok, false);
    assert.equal(report.parallel, 16);
    const byName = new Map(report.accounts.map((a) => [a.name, a]));
    assert.deepEqual(
      report.accounts.map((a) => [a.name, a.ok]),
      [
        ["dev", true],
        ["staging", true],
        ["prod", true],
        ["missing", false],
        ["unversioned", false],
        ["foreign", false],
      ],
    );
    const failedCheck = (name: string) =>
      byName.get(name)?.state[0]?.checks.find((c) => c.status === "failed");
    assert.equal(failedCheck("missing")?.name, "bucket-exists");
    assert.equal(failedCheck("missing")?.problem?.code, "aws/bucket-missing");
    assert.equal(
      byName.get("missing")?.hint,
      "create it with `crossform bootstrap missing`, or fix state.bucket in crossform.yaml",
    );
    assert.equal(failedCheck("unversioned")?.name, "versioning");
    assert.equal(failedCheck("unversioned")?.detail, "Disabled");
    assert.equal(failedCheck("foreign")?.name, "bucket-owner");
    assert.equal(failedCheck("foreign")?.problem?.code, "aws/bucket-not-owned");
    assert.match(
      failedCheck("foreign")?.problem?.message ?? "",
      /crossform-e2e-666666666666 .* not among the buckets of account foreign \(666666666666\)/,
    );

    const pretty = await crossform(
      ["verify", "missing", "unversioned", "foreign"],
      dir,
      cliEnv(moto),
    );
    assert.equal(pretty.code, 1);
    assert.match(
      pretty.stdout,
      /^missing +444444444444 +OrganizationAccountAccessRole +ok +bucket missing +create it with `crossform bootstrap missing`/m,
    );
    assert.match(
      pretty.stdout,
      /^unversioned +555555555555 +\S+ +ok +versioning off +turn versioning on with `crossform bootstrap unversioned`/m,
    );
    assert.match(
      pretty.stdout,
      /^foreign +666666666666 +\S+ +ok +bucket owned by another account +a bucket belongs to one account/m,
    );
    assert.match(pretty.stdout, /\n0 of 3 accounts verified, 3 failed\n$/);
    assert.match(
      pretty.stderr,
      /foreign \(666666666666\): FAILED: state bucket crossform-e2e-666666666666/,
    );
  });

  test("--via-profiles proves the generated profiles; a stale profile resolves to another account", async () => {
    const dir = join(work, "main");
    const awsConfig = join(work, "home", ".aws", "config");
    const env = cliEnv(moto, { AWS_CONFIG_FILE: awsConfig });
    const written = await crossform(["profiles", "--write"], dir, env);
    assert.equal(written.code, 0, written.stderr);
    assert.match(await readFile(awsConfig, "utf8"), /\[profile dev\]/);

    const ok = await crossform(["verify", "--via-profiles", "dev", "staging"], dir, env);
    assert.equal(ok.code, 0, ok.stdout + ok.stderr);
    assert.match(ok.stdout, /^dev +111111111111 +profile dev +ok +ok \(1 bucket\)$/m);
    assert.match(ok.stdout, /2 of 2 accounts verified \(through the AWS CLI profiles\)\n$/);

    // dev's id is corrected in crossform.yaml, but the profiles were not written again: the
    // profile still assumes the role in the old account, and verify says so with both ids.
    const moved = await project("moved", configText({ ...ACCOUNTS, dev: "888888888888" }));
    const stale = await crossform(["verify", "--via-profiles", "dev"], moved, env);
    assert.equal(stale.code, 1, stale.stdout + stale.stderr);
    assert.match(
      stale.stdout,
      /^dev +888888888888 +profile dev +other account 111111111111 +skipped +profile dev in \S+\/\.aws\/config differs from what crossform writes now \(role_arn\): rewrite the profiles with `crossform profiles --write`$/m,
    );
    assert.match(
      stale.stdout,
      /^profiles: \S+ \(base identity: the keys in the environment \(AWS_ACCESS_KEY_ID\)\): not what crossform writes now: dev \(run crossform profiles --write\)$/m,
    );
    assert.match(
      stale.stdout,
      /^dev: profile dev of account dev resolves to account 111111111111, not the configured 888888888888$/m,
    );
  });

  test("an expired base token is one clear error, before any AWS call", async () => {
    const recorder = new EmulatorRecorder(moto.endpoint);
    await recorder.start();
    const result = await crossform(
      ["verify"],
      join(work, "main"),
      cliEnv(moto, {
        AWS_ACCESS_KEY_ID: "ASIAE2EVERIFYEXAMPLE",
        AWS_SESSION_TOKEN: "crossform-e2e-session-token-value",
        AWS_CREDENTIAL_EXPIRATION: "2020-01-01T00:00:00Z",
      }),
    );
    assert.equal(result.code, 1);
    assert.equal(
      result.stdout,
      [
        "base identity: failed",
        "error: the base credentials (environment) expired at 2020-01-01T00:00:00.000Z",
        "hint: the base session expired: log in again or refresh the credentials in the environment (in CI: the OIDC role session), then run again",
        "6 accounts not checked",
        "",
      ].join("\n"),
    );
    assert.deepEqual(await recorder.stop(), [], "no request reached the emulator");
  });

  test("no base credentials at all: exit 1 with the hint to set base.profile or keys", async () => {
    const result = await crossform(
      ["verify", "dev"],
      join(work, "main"),
      cliEnv(moto, { AWS_ACCESS_KEY_ID: undefined, AWS_SECRET_ACCESS_KEY: undefined }),
    );
    assert.equal(result.code, 1);
    assert.match(
      result.stdout,
      /^error: cannot load the base credentials from the default chain: CredentialsProviderError/m,
    );
    assert.match(
      result.stdout,
      /^hint: no base credentials in the default chain: set base\.profile in crossform\.yaml, export AWS_PROFILE/m,
    );
  });

  test("bad input: an unknown account is exit 2 with a suggestion, and --parallel must be a number", async () => {
    const dir = join(work, "main");
    const unknown = await crossform(["verify", "devv"], dir, cliEnv(moto));
    assert.equal(unknown.code, 2);
    assert.match(unknown.stderr, /error: no account named "devv"\nhint: did you mean "dev"\?/);
    const parallel = await crossform(["verify", "--parallel", "0"], dir, cliEnv(moto));
    assert.equal(parallel.code, 2);
    assert.match(parallel.stderr, /--parallel must be a positive whole number, got "0"/);
  });

  test("IAM enforcement: access denied on AssumeRole fails that account only", async () => {
    const dir = await project(
      "enforced",
      configText({ dev: ACCOUNTS.dev, staging: ACCOUNTS.staging, prod: ACCOUNTS.prod }).replace(
        "role: OrganizationAccountAccessRole",
        "role: TerraformDeploy",
      ),
    );
    const env = cliEnv(enforcedMoto, {
      AWS_ACCESS_KEY_ID: enforced.user.accessKeyId,
      AWS_SECRET_ACCESS_KEY: enforced.user.secretAccessKey,
    });
    const result = await crossform(["verify", "--parallel", "2"], dir, env);
    assert.equal(result.code, 1, result.stdout + result.stderr);
    assert.match(result.stdout, /^base identity: arn:aws:iam::123456789012:user\/ci /m);
    assert.match(result.stdout, /^dev +111111111111 +TerraformDeploy +ok +ok \(1 bucket\)$/m);
    assert.match(result.stdout, /^staging +222222222222 +TerraformDeploy +ok +ok \(1 bucket\)$/m);
    assert.match(
      result.stdout,
      /^prod +333333333333 +TerraformDeploy +access denied +skipped +let the base identity assume arn:aws:iam::333333333333:role\/TerraformDeploy: allow sts:AssumeRole on it in the base identity's policies, and make the role's trust policy trust the base principal$/m,
    );
    assert.match(
      result.stdout,
      /^prod: sts:AssumeRole of arn:aws:iam::333333333333:role\/TerraformDeploy for account prod \(333333333333\) in us-east-1 failed: AccessDenied: User: arn:aws:iam::123456789012:user\/ci is not authorized to perform: sts:AssumeRole/m,
    );
    const secrets = [
      enforced.user.secretAccessKey,
      ...[...enforced.sessions.values()].flatMap((s) => [s.secretAccessKey, s.sessionToken ?? ""]),
    ];
    for (const secret of secrets) {
      assert.ok(!result.stdout.includes(secret) && !result.stderr.includes(secret));
    }
  });

  test("no access key, secret or session token appears in any output", () => {
    assert.ok(outputs.length >= 10);
    const all = outputs.join("\n");
    for (const secret of [
      BASE_KEY_ID,
      BASE_SECRET,
      "ASIAE2EVERIFYEXAMPLE",
      "crossform-e2e-session-token-value",
      enforced.user.accessKeyId,
      enforced.user.secretAccessKey,
    ]) {
      assert.ok(!all.includes(secret), `${secret} leaked into the output`);
    }
    // Role sessions: key ids start with ASIA, and the emulator's session tokens with FQoGZXIvYXdz.
    assert.doesNotMatch(all, /\bASIA[A-Z0-9]{12,}/);
    assert.doesNotMatch(all, /FQoGZXIvYXdz/);
  });
});
