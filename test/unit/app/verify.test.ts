import assert from "node:assert/strict";
import { describe, test } from "node:test";
import { DEFAULT_VERIFY_PARALLEL, verify } from "../../../src/app/verify.ts";
import type { VerifyOptions, VerifyReport } from "../../../src/app/verify.ts";
import { readConfigText } from "../../../src/core/config/read-config.ts";
import type { Config } from "../../../src/core/config/model.ts";
import { CrossformError } from "../../../src/core/errors.ts";
import { selectVerifyTargets } from "../../../src/core/identity/verify-selection.ts";
import type { UnitSet } from "../../../src/core/units/units.ts";
import type { BaseIdentity } from "../../../src/ports/aws.ts";
import type { ProgressEvent } from "../../../src/ports/event-sink.ts";
import type { AwsProfileSpec } from "../../../src/core/profiles/aws-config-block.ts";
import type { ProfilesCheck } from "../../../src/core/profiles/profiles-check.ts";
import { ALL_BLOCKED, FakeAwsSessions, hardened } from "../../helpers/fake-aws-sessions.ts";

function load(lines: string[]): { config: Config; units: UnitSet } {
  const read = readConfigText([...lines, ""].join("\n"), "crossform.yaml");
  assert.ok(read.ok, read.ok ? "" : JSON.stringify(read.diagnostics, null, 2));
  return { config: read.config, units: read.units };
}

const THREE_ACCOUNTS = [
  "version: 1",
  "defaults: { role: TerraformDeploy, regions: [us-east-1] }",
  'state: { bucket: "tfstate-{account_id}", key: "{stack}/terraform.tfstate" }',
  "accounts:",
  '  dev: { id: "111111111111", tier: dev }',
  '  staging: { id: "222222222222", tier: staging }',
  '  prod: { id: "333333333333", tier: prod }',
  "stacks:",
  "  app: { path: app, accounts: [dev, staging, prod] }",
];

function allBuckets(aws: FakeAwsSessions): void {
  for (const id of ["111111111111", "222222222222", "333333333333"]) {
    aws.buckets.set(`tfstate-${id}`, hardened(id));
  }
}

async function run(
  aws: FakeAwsSessions,
  lines: string[],
  options: Partial<VerifyOptions> = {},
  events: ProgressEvent[] = [],
  now = new Date("2026-01-01T00:00:00Z"),
): Promise<VerifyReport> {
  const { config, units } = load(lines);
  const selection = selectVerifyTargets(config, units, {});
  assert.ok(selection.ok);
  return verify(
    { aws, events: { emit: (e) => events.push(e) }, now: () => now },
    { config, selection, user: "alice", ...options },
  );
}

describe("verify (with an in-memory AWS)", () => {
  test("every account passes: identity, then each state check, in order", async () => {
    const aws = new FakeAwsSessions();
    allBuckets(aws);
    const events: ProgressEvent[] = [];
    const report = await run(aws, THREE_ACCOUNTS, {}, events);
    assert.equal(report.ok, true);
    assert.equal(report.version, 1);
    assert.equal(report.parallel, DEFAULT_VERIFY_PARALLEL);
    assert.equal(report.base.status, "ok");
    assert.equal(report.base.lifetime?.status, "unknown");
    assert.deepEqual(
      report.accounts.map((a) => [a.name, a.status, a.identity.account]),
      [
        ["dev", "ok", "111111111111"],
        ["staging", "ok", "222222222222"],
        ["prod", "ok", "333333333333"],
      ],
    );
    const dev = report.accounts[0];
    assert.equal(dev?.state.length, 1);
    assert.equal(dev?.state[0]?.bucket, "tfstate-111111111111");
    assert.deepEqual(dev?.state[0]?.units, ["app/dev/us-east-1"]);
    assert.deepEqual(
      dev?.state[0]?.checks.map((c) => `${c.name}=${c.status}:${c.detail}`),
      [
        "bucket-exists=ok:exists",
        "bucket-owner=ok:111111111111",
        "bucket-region=ok:us-east-1",
        "versioning=ok:Enabled",
        "public-access-block=ok:all four blocked",
        "encryption=ok:AES256",
      ],
    );
    const target = aws.targets.find((t) => t.name === "dev");
    assert.deepEqual(target, {
      name: "dev",
      accountId: "111111111111",
      roleArn: "arn:aws:iam::111111111111:role/TerraformDeploy",
      externalId: undefined,
      sessionName: "crossform-alice",
      durationSeconds: 3600,
      region: "us-east-1",
      profile: undefined,
    });
    assert.deepEqual(
      events.filter((e) => e.type !== "message").map((e) => `${e.type} ${e.id}`),
      [
        "task-started verify/base",
        "task-finished verify/base",
        "task-started verify/dev",
        "task-started verify/staging",
        "task-started verify/prod",
        "task-finished verify/dev",
        "task-finished verify/staging",
        "task-finished verify/prod",
      ],
    );
    const finished = events.find((e) => e.type === "task-finished" && e.id === "verify/dev");
    assert.deepEqual(finished, {
      type: "task-finished",
      id: "verify/dev",
      label: "dev (111111111111)",
      status: "ok",
      detail: "identity 111111111111, 1 state bucket ok",
    });
  });

  test("a role that resolves to another account is reported with both ids; its state is not touched", async () => {
    const aws = new FakeAwsSessions();
    allBuckets(aws);
    // The config check refuses a role ARN in another account; the runtime check must still hold.
    const { config, units } = load(THREE_ACCOUNTS);
    const staging = config.accounts.get("staging");
    assert.ok(staging);
    staging.roleArn = "arn:aws:iam::999999999999:role/TerraformDeploy";
    const selection = selectVerifyTargets(config, units, {});
    assert.ok(selection.ok);
    const report = await verify(
      { aws, now: () => new Date() },
      { config, selection, user: "alice" },
    );
    const row = report.accounts.find((a) => a.name === "staging");
    assert.equal(report.ok, false);
    assert.equal(row?.status, "failed");
    assert.equal(row?.identity.account, "999999999999");
    assert.equal(row?.identity.problem?.code, "aws/role-in-other-account");
    assert.equal(
      row?.identity.problem?.message,
      "role arn:aws:iam::999999999999:role/TerraformDeploy of account staging resolves to account 999999999999, not the configured 222222222222",
    );
    assert.equal(
      row?.hint,
      "fix accounts.staging.id or accounts.staging.role in crossform.yaml so that both name the same account",
    );
    assert.equal(row?.state[0]?.status, "skipped");
    assert.ok(!aws.calls.some((c) => c.startsWith("headBucket 999999999999")));
    assert.ok(!aws.calls.some((c) => c.includes("tfstate-222222222222")));
    assert.deepEqual(
      report.accounts.filter((a) => a.ok).map((a) => a.name),
      ["dev", "prod"],
    );
  });

  test("access denied on AssumeRole fails that account only, with the adapter's hint", async () => {
    const aws = new FakeAwsSessions();
    allBuckets(aws);
    aws.refused.set(
      "arn:aws:iam::333333333333:role/TerraformDeploy",
      new CrossformError(
        "aws/access-denied",
        "external",
        "sts:AssumeRole ... failed: AccessDenied",
        {
          hint: "let the base identity assume it",
        },
      ),
    );
    const report = await run(aws, THREE_ACCOUNTS);
    const prod = report.accounts.find((a) => a.name === "prod");
    assert.equal(prod?.identity.status, "failed");
    assert.equal(prod?.identity.problem?.code, "aws/access-denied");
    assert.equal(prod?.hint, "let the base identity assume it");
    assert.equal(prod?.state[0]?.checks[0]?.status, "skipped");
    assert.equal(report.accounts.filter((a) => a.ok).length, 2);
  });

  test("a missing bucket fails the existence check and skips the rest", async () => {
    const aws = new FakeAwsSessions();
    allBuckets(aws);
    aws.buckets.delete("tfstate-222222222222");
    const report = await run(aws, THREE_ACCOUNTS);
    const checks = report.accounts.find((a) => a.name === "staging")?.state[0]?.checks ?? [];
    assert.deepEqual(
      checks.map((c) => `${c.name}=${c.status}`),
      [
        "bucket-exists=failed",
        "bucket-owner=skipped",
        "bucket-region=skipped",
        "versioning=skipped",
        "public-access-block=skipped",
        "encryption=skipped",
      ],
    );
    assert.equal(checks[0]?.detail, "missing");
    assert.equal(checks[0]?.problem?.code, "aws/bucket-missing");
    assert.equal(
      checks[0]?.problem?.message,
      "state bucket tfstate-222222222222 (account staging, us-east-1) does not exist",
    );
  });

  test("versioning off, public access open and no encryption are three failures, each with a hint", async () => {
    const aws = new FakeAwsSessions();
    allBuckets(aws);
    aws.buckets.set("tfstate-111111111111", {
      ...hardened("111111111111"),
      versioning: "Suspended",
      block: { ...ALL_BLOCKED, restrictPublicBuckets: false, ignorePublicAcls: false },
      encryption: undefined,
    });
    aws.buckets.set("tfstate-222222222222", { ...hardened("222222222222"), block: undefined });
    const report = await run(aws, THREE_ACCOUNTS);
    const dev = report.accounts[0];
    const failed = dev?.state[0]?.checks.filter((c) => c.status === "failed") ?? [];
    assert.deepEqual(
      failed.map((c) => [c.name, c.problem?.code, c.problem?.message]),
      [
        [
          "versioning",
          "state/versioning-off",
          "versioning is suspended on state bucket tfstate-111111111111 (account dev, us-east-1)",
        ],
        [
          "public-access-block",
          "state/public-access-not-blocked",
          "public access block of state bucket tfstate-111111111111 (account dev, us-east-1) leaves IgnorePublicAcls, RestrictPublicBuckets off",
        ],
        [
          "encryption",
          "state/no-encryption",
          "state bucket tfstate-111111111111 (account dev, us-east-1) has no default encryption",
        ],
      ],
    );
    assert.match(dev?.hint ?? "", /^turn versioning on with `crossform bootstrap dev`/);
    const staging = report.accounts[1]?.state[0]?.checks.find(
      (c) => c.name === "public-access-block",
    );
    assert.equal(staging?.detail, "none");
    assert.equal(
      staging?.problem?.message,
      "state bucket tfstate-222222222222 (account staging, us-east-1) has no public access block",
    );
  });

  test("a bucket that another account owns fails the owner check (ListBuckets membership)", async () => {
    const aws = new FakeAwsSessions();
    allBuckets(aws);
    aws.buckets.set("tfstate-333333333333", hardened("444444444444"));
    const report = await run(aws, THREE_ACCOUNTS);
    const checks = report.accounts[2]?.state[0]?.checks ?? [];
    assert.equal(checks[0]?.status, "ok");
    assert.equal(checks[1]?.name, "bucket-owner");
    assert.equal(checks[1]?.status, "failed");
    assert.equal(checks[1]?.problem?.code, "aws/bucket-not-owned");
    assert.match(
      checks[1]?.problem?.message ?? "",
      /not among the buckets of account prod \(333333333333\)/,
    );
    assert.ok(checks.slice(2).every((c) => c.status === "skipped"));
    assert.ok(aws.calls.includes("listBuckets 333333333333"));
  });

  test("a HEAD refusal on a bucket the account does list is access denied, not another owner", async () => {
    const aws = new FakeAwsSessions();
    allBuckets(aws);
    aws.buckets.set("tfstate-111111111111", { ...hardened("111111111111"), headRefused: true });
    const report = await run(aws, THREE_ACCOUNTS);
    const check = report.accounts[0]?.state[0]?.checks[0];
    assert.equal(check?.detail, "access denied");
    assert.equal(check?.problem?.code, "aws/access-denied");
    assert.match(check?.problem?.hint ?? "", /grant s3:ListBucket on tfstate-111111111111/);
  });

  test("a bucket in another region than configured fails the region check", async () => {
    const aws = new FakeAwsSessions();
    allBuckets(aws);
    aws.buckets.set("tfstate-111111111111", hardened("111111111111", "eu-west-1"));
    const report = await run(aws, THREE_ACCOUNTS);
    const check = report.accounts[0]?.state[0]?.checks.find((c) => c.name === "bucket-region");
    assert.equal(check?.status, "failed");
    assert.equal(
      check?.problem?.hint,
      "set state.region to eu-west-1, or move the state to a bucket in us-east-1",
    );
  });

  test("the DynamoDB lock table: missing, wrong hash key, not active, then fine", async () => {
    const lines = THREE_ACCOUNTS.map((l) =>
      l.startsWith("state:")
        ? 'state: { bucket: "tfstate-{account_id}", key: "{stack}/terraform.tfstate", lock: "dynamodb:tf-locks" }'
        : l,
    ).concat(['terraform: { version: ">= 1.6" }']);
    const aws = new FakeAwsSessions();
    allBuckets(aws);
    aws.tables.set("222222222222/us-east-1/tf-locks", { status: "ACTIVE", hashKey: "id" });
    aws.tables.set("333333333333/us-east-1/tf-locks", { status: "CREATING", hashKey: "LockID" });
    let report = await run(aws, lines);
    const lockOf = (i: number) =>
      report.accounts[i]?.state[0]?.checks.find((c) => c.name === "lock-table");
    assert.equal(report.accounts[0]?.state[0]?.lock, "dynamodb:tf-locks");
    assert.equal(lockOf(0)?.problem?.code, "state/lock-table-missing");
    assert.equal(
      lockOf(0)?.problem?.message,
      "lock table tf-locks (account dev, us-east-1) does not exist",
    );
    assert.equal(lockOf(1)?.problem?.code, "state/lock-table-key");
    assert.equal(lockOf(2)?.problem?.code, "state/lock-table-not-active");

    aws.tables.set("111111111111/us-east-1/tf-locks", { status: "ACTIVE", hashKey: "LockID" });
    aws.tables.set("222222222222/us-east-1/tf-locks", { status: "ACTIVE", hashKey: "LockID" });
    aws.tables.set("333333333333/us-east-1/tf-locks", { status: "ACTIVE", hashKey: "LockID" });
    report = await run(aws, lines);
    assert.equal(report.ok, true);
    assert.equal(lockOf(0)?.detail, "ACTIVE, hash key LockID");
  });

  test("a central state account: its bucket is checked once, through its role, for every account", async () => {
    const lines = [
      "version: 1",
      "defaults: { role: TerraformDeploy }",
      'state: { bucket: "central-tfstate", key: "{account}/{stack}/terraform.tfstate", account: state, role: StateAccess }',
      "accounts:",
      '  dev: { id: "111111111111" }',
      '  prod: { id: "333333333333" }',
      '  state: { id: "555555555555" }',
      "stacks:",
      "  app: { path: app, accounts: [dev, prod] }",
    ];
    const aws = new FakeAwsSessions();
    aws.buckets.set("central-tfstate", hardened("555555555555"));
    const report = await run(aws, lines);
    assert.equal(report.ok, true, JSON.stringify(report.accounts, null, 2));
    assert.deepEqual(
      report.accounts.map((a) => [a.name, a.state.length]),
      [
        ["dev", 1],
        ["prod", 1],
        ["state", 0],
      ],
    );
    const state = report.accounts[0]?.state[0];
    assert.equal(state?.holder, "state");
    assert.equal(state?.roleArn, "arn:aws:iam::555555555555:role/StateAccess");
    assert.equal(state?.checks[0]?.name, "state-identity");
    assert.equal(state?.checks[0]?.detail, "555555555555");
    assert.equal(aws.calls.filter((c) => c.startsWith("headBucket")).length, 1);
    assert.ok(aws.targets.some((t) => t.roleArn === "arn:aws:iam::555555555555:role/StateAccess"));
  });

  test("no base identity: one error, no account is contacted", async () => {
    const aws = new FakeAwsSessions();
    aws.base = new CrossformError(
      "aws/no-credentials",
      "external",
      "cannot load the base credentials",
      {
        hint: "set base.profile",
      },
    );
    const events: ProgressEvent[] = [];
    const report = await run(aws, THREE_ACCOUNTS, {}, events);
    assert.equal(report.ok, false);
    assert.equal(report.base.status, "failed");
    assert.equal(report.base.problem?.code, "aws/no-credentials");
    assert.deepEqual(aws.calls, ["baseIdentity"]);
    assert.ok(
      report.accounts.every((a) => a.status === "skipped" && a.hint === "set base.profile"),
    );
    assert.deepEqual(
      events.map((e) => (e.type === "message" ? e.type : `${e.type} ${e.id}`)),
      ["task-started verify/base", "task-finished verify/base"],
    );
  });

  test("the base session lifetime: refused under 5 min, warned under the run length, else fine", async () => {
    const now = new Date("2026-01-01T00:00:00Z");
    const at = (minutes: number) => new Date(now.getTime() + minutes * 60_000);
    const aws = new FakeAwsSessions();
    allBuckets(aws);
    const withExpiry = (expiration: Date) => {
      aws.base = { ...(aws.base as BaseIdentity), expiration };
    };

    withExpiry(at(3));
    let report = await run(aws, THREE_ACCOUNTS, {}, [], now);
    assert.equal(report.ok, false);
    assert.equal(report.base.status, "failed");
    assert.equal(report.base.problem?.code, "session/too-short");
    assert.equal(report.base.expiration, "2026-01-01T00:03:00.000Z");
    assert.ok(
      report.accounts.every((a) => a.ok),
      "the accounts are still verified",
    );

    withExpiry(at(20));
    const events: ProgressEvent[] = [];
    report = await run(aws, THREE_ACCOUNTS, {}, events, now);
    assert.equal(report.ok, true);
    assert.equal(report.base.status, "warning");
    assert.deepEqual(
      events.filter((e) => e.type === "message"),
      [
        {
          type: "message",
          level: "warning",
          text: "base session expires in 20 min (at 2026-01-01T00:20:00.000Z), before the expected run length of 30 min",
          taskId: "verify/base",
        },
      ],
    );

    report = await run(aws, THREE_ACCOUNTS, { expectedRunSeconds: 600 }, [], now);
    assert.equal(report.base.status, "ok");
    assert.equal(report.base.lifetime?.remainingSeconds, 1200);
  });

  test("accounts run in a sliding window bounded by --parallel", async () => {
    const names = Array.from({ length: 10 }, (_, i) => `a${i}`);
    const lines = [
      "version: 1",
      "accounts:",
      ...names.map((n, i) => `  ${n}: { id: "${String(100000000000 + i)}" }`),
    ];
    const aws = new FakeAwsSessions();
    aws.delays.set("a0", 80);
    const report = await run(aws, lines, { parallel: 3 });
    assert.equal(report.ok, true);
    assert.equal(report.parallel, 3);
    assert.equal(aws.maxInFlight, 3);
    // The slow first account does not hold back the others: a window, not batches.
    assert.equal(aws.finished.at(-1), "a0");
    assert.deepEqual(
      report.accounts.map((a) => a.name),
      names,
      "the report keeps the configuration's order",
    );

    const serial = new FakeAwsSessions();
    await run(serial, lines, { parallel: 1 });
    assert.equal(serial.maxInFlight, 1);
    await assert.rejects(
      run(new FakeAwsSessions(), lines, { parallel: 0 }),
      /--parallel must be a positive integer, got 0/,
    );
  });

  test("each account is told as soon as it is verified; once stopped, the rest are skipped, not asked", async () => {
    const names = Array.from({ length: 6 }, (_, i) => `a${i}`);
    const lines = [
      "version: 1",
      "accounts:",
      ...names.map((n, i) => `  ${n}: { id: "${String(100000000000 + i)}" }`),
    ];
    const aws = new FakeAwsSessions();
    const stop = new AbortController();
    const told: string[] = [];
    let base: string | undefined;
    const report = await run(aws, lines, {
      parallel: 1,
      signal: stop.signal,
      onBase: (b) => (base = b.status),
      onAccount: (account) => {
        told.push(`${account.name} ${account.status}`);
        if (account.name === "a1") stop.abort();
      },
    });
    assert.equal(base, "ok");
    assert.deepEqual(told, [
      "a0 ok",
      "a1 ok",
      "a2 skipped",
      "a3 skipped",
      "a4 skipped",
      "a5 skipped",
    ]);
    assert.equal(report.ok, false);
    assert.ok(!aws.calls.some((c) => c.includes(" a2 ")), "a2 was not asked");
  });

  test("--via-profiles reaches each account through prefix + name, and names a stale profile", async () => {
    const lines = [...THREE_ACCOUNTS, 'profiles: { prefix: "acme-" }'];
    const aws = new FakeAwsSessions();
    allBuckets(aws);
    aws.profileAccounts.set("acme-prod", "444444444444");
    const report = await run(aws, lines, { viaProfiles: true });
    assert.equal(report.viaProfiles, true);
    assert.deepEqual(
      [...new Set(aws.targets.map((t) => t.profile))],
      ["acme-dev", "acme-staging", "acme-prod"],
    );
    const prod = report.accounts[2];
    assert.equal(prod?.profile, "acme-prod");
    assert.equal(
      prod?.identity.problem?.message,
      "profile acme-prod of account prod resolves to account 444444444444, not the configured 333333333333",
    );
    assert.equal(
      prod?.hint,
      "profile acme-prod is stale or edited: rewrite the profiles with `crossform profiles --write`",
    );
  });

  test("--via-profiles with the profiles check: each failure's hint names what is wrong with its profile", async () => {
    const aws = new FakeAwsSessions();
    allBuckets(aws);
    const noCredentials = (profile: string): CrossformError =>
      new CrossformError("aws/no-credentials", "external", `no credentials in ${profile}`, {
        hint: "the AWS CLI profile gives no credentials",
      });
    aws.refused.set("dev", noCredentials("dev"));
    aws.refused.set("staging", noCredentials("staging"));
    const expected = (name: string, id: string): AwsProfileSpec => ({
      name,
      roleArn: `arn:aws:iam::${id}:role/TerraformDeploy`,
      sourceProfile: "org-admin",
    });
    const specs = [
      expected("dev", "111111111111"),
      expected("staging", "222222222222"),
      expected("prod", "333333333333"),
    ];
    const profiles: ProfilesCheck = {
      path: "/home/alice/.aws/config",
      source: { kind: "profile", profile: "org-admin", origin: "AWS_PROFILE" },
      states: new Map([
        ["dev", { status: "missing" }],
        ["staging", { status: "current" }],
        ["prod", { status: "current" }],
      ]),
      expected: new Map(specs.map((spec) => [spec.name, spec])),
    };
    const report = await run(aws, THREE_ACCOUNTS, { viaProfiles: true, profiles });
    assert.deepEqual(report.profiles, {
      path: "/home/alice/.aws/config",
      source: "profile org-admin (AWS_PROFILE)",
      current: false,
      stale: ["dev"],
    });
    const [dev, staging, prod] = report.accounts;
    assert.equal(
      dev?.hint,
      "profile dev is not in /home/alice/.aws/config: write the profiles with `crossform profiles --write` (AWS_CONFIG_FILE names the file it writes)",
    );
    assert.equal(dev?.identity.problem?.message, "no credentials in dev");
    assert.equal(
      staging?.hint,
      "profile org-admin (AWS_PROFILE), the source of profile staging, gives no valid credentials: log in (aws sso login --profile org-admin for SSO), or check its credential_process or keys",
    );
    assert.equal(prod?.ok, true);

    // Without --via-profiles the check is not reported and changes no hint.
    const direct = await run(aws, THREE_ACCOUNTS, { profiles });
    assert.equal(direct.profiles, undefined);
  });

  test("every region of an account is reached; a disabled one fails the identity", async () => {
    const lines = THREE_ACCOUNTS.map((l) =>
      l.startsWith("  prod:")
        ? '  prod: { id: "333333333333", tier: prod, regions: [us-east-1, ap-east-1] }'
        : l.startsWith("state:")
          ? 'state: { bucket: "tfstate-{account_id}", key: "{stack}/{region}/terraform.tfstate" }'
          : l,
    );
    const aws = new FakeAwsSessions();
    allBuckets(aws);
    aws.regionErrors.set(
      "333333333333/ap-east-1",
      new CrossformError("aws/region-disabled", "external", "region ap-east-1 disabled", {
        hint: "enable ap-east-1",
      }),
    );
    const report = await run(aws, lines);
    const prod = report.accounts[2];
    assert.deepEqual(prod?.regions, ["us-east-1", "ap-east-1"]);
    assert.deepEqual(
      prod?.identity.regions.map((r) => [r.region, r.status]),
      [["ap-east-1", "failed"]],
    );
    assert.equal(prod?.identity.problem?.code, "aws/region-disabled");
    assert.equal(prod?.hint, "enable ap-east-1");
    assert.deepEqual(prod?.state[0]?.units, ["app/prod/us-east-1", "app/prod/ap-east-1"]);
    assert.equal(prod?.state[0]?.status, "skipped");
    assert.ok(aws.calls.includes("forAccount prod ap-east-1"));
  });
});
