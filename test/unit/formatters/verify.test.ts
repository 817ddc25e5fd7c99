import assert from "node:assert/strict";
import { test } from "node:test";
import type {
  AccountVerification,
  StateVerification,
  VerifyReport,
} from "../../../src/app/verify.ts";
import { formatVerify, formatVerifyJson } from "../../../src/formatters/verify.ts";

function state(bucket: string, failed: Partial<Record<string, string>> = {}): StateVerification {
  const names = [
    "bucket-exists",
    "bucket-owner",
    "bucket-region",
    "versioning",
    "public-access-block",
    "encryption",
  ] as const;
  const checks = names.map((name) =>
    failed[name] === undefined
      ? { name, status: "ok" as const, detail: "ok" }
      : {
          name,
          status: "failed" as const,
          detail: failed[name] ?? "",
          problem: {
            code: `state/${name}`,
            message: `${name} of ${bucket} is ${failed[name]}`,
            hint: `fix ${name}`,
          },
        },
  );
  const status = checks.some((c) => c.status === "failed") ? "failed" : "ok";
  return {
    bucket,
    region: "us-east-1",
    holder: "x",
    holderId: "1",
    roleArn: "r",
    lock: "s3",
    units: [],
    status,
    checks,
  };
}

function account(
  name: string,
  id: string,
  extra: Partial<AccountVerification> = {},
): AccountVerification {
  const s = extra.state ?? [state(`tfstate-${id}`)];
  const ok = extra.ok ?? s.every((x) => x.status === "ok");
  return {
    name,
    id,
    roleArn: `arn:aws:iam::${id}:role/TerraformDeploy`,
    regions: ["us-east-1"],
    status: ok ? "ok" : "failed",
    identity: { status: "ok", account: id, regions: [] },
    state: s,
    ok,
    ...extra,
  };
}

const base: VerifyReport["base"] = {
  status: "ok",
  account: "123456789012",
  arn: "arn:aws:iam::123456789012:user/ci",
  source: "environment",
  lifetime: {
    status: "unknown",
    remainingSeconds: undefined,
    expectedRunSeconds: 1800,
    message: "base session expiry unknown: the credentials do not say when they expire",
  },
};

test("a table: account, id, role, identity, state, hint; then the problems and a count", () => {
  const report: VerifyReport = {
    version: 1,
    ok: false,
    viaProfiles: false,
    parallel: 16,
    base,
    accounts: [
      account("dev", "111111111111"),
      account("staging", "222222222222", {
        state: [state("tfstate-222222222222", { versioning: "Suspended", encryption: "none" })],
        hint: "fix versioning",
      }),
      account("prod", "333333333333", {
        roleArn: "arn:aws:iam::999999999999:role/TerraformDeploy",
        ok: false,
        status: "failed",
        identity: {
          status: "failed",
          account: "999999999999",
          regions: [],
          problem: {
            code: "aws/role-in-other-account",
            message:
              "role arn:aws:iam::999999999999:role/TerraformDeploy of account prod resolves to account 999999999999, not the configured 333333333333",
            hint: "fix accounts.prod.id",
          },
        },
        state: [
          {
            ...state("tfstate-333333333333"),
            status: "skipped",
            checks: [{ name: "bucket-exists", status: "skipped", detail: "not checked" }],
          },
        ],
        hint: "fix accounts.prod.id",
      }),
      account("shared", "444444444444", {
        ok: false,
        status: "failed",
        identity: {
          status: "failed",
          regions: [],
          problem: {
            code: "aws/access-denied",
            message: "denied",
            hint: "let the base identity assume it",
          },
        },
        state: [],
        hint: "let the base identity assume it",
      }),
    ],
  };
  assert.equal(
    formatVerify(report),
    [
      "base identity: arn:aws:iam::123456789012:user/ci (account 123456789012, environment)",
      "base session expiry unknown: the credentials do not say when they expire",
      "",
      "ACCOUNT  ID            ROLE                                            IDENTITY                    STATE                          HINT",
      "dev      111111111111  TerraformDeploy                                 ok                          ok (1 bucket)",
      "staging  222222222222  TerraformDeploy                                 ok                          versioning off, no encryption  fix versioning",
      "prod     333333333333  arn:aws:iam::999999999999:role/TerraformDeploy  other account 999999999999  skipped                        fix accounts.prod.id",
      "shared   444444444444  TerraformDeploy                                 access denied               -                              let the base identity assume it",
      "",
      "staging: versioning of tfstate-222222222222 is Suspended",
      "staging: encryption of tfstate-222222222222 is none",
      "prod: role arn:aws:iam::999999999999:role/TerraformDeploy of account prod resolves to account 999999999999, not the configured 333333333333",
      "shared: denied",
      "",
      "1 of 4 accounts verified, 3 failed",
      "",
    ].join("\n"),
  );
});

test("all verified: no problem section; profiles are named in the role column", () => {
  const report: VerifyReport = {
    version: 1,
    ok: true,
    viaProfiles: true,
    parallel: 16,
    base: {
      ...base,
      status: "warning",
      lifetime: {
        status: "warning",
        remainingSeconds: 600,
        expectedRunSeconds: 1800,
        message: "base session expires in 10 min",
      },
    },
    accounts: [account("dev", "111111111111", { profile: "acme-dev" })],
  };
  assert.doesNotMatch(formatVerify(report), /^profiles:/m);
  const text = formatVerify({
    ...report,
    profiles: {
      path: "/home/ops/.aws/config",
      source: "profile org-admin (AWS_PROFILE)",
      current: true,
      stale: [],
    },
  });
  assert.match(
    text,
    /^warning: base session expires in 10 min\nprofiles: \/home\/ops\/\.aws\/config \(base identity: profile org-admin \(AWS_PROFILE\)\): up to date$/m,
  );
  assert.match(
    formatVerify({
      ...report,
      profiles: { path: "/c", source: "s", current: false, stale: ["dev", "prod"] },
    }),
    /^profiles: \/c \(base identity: s\): not what crossform writes now: dev, prod \(run crossform profiles --write\)$/m,
  );
  assert.ok(
    text.includes("\ndev      111111111111  profile acme-dev  ok        ok (1 bucket)\n"),
    text,
  );
  assert.match(text, /\n1 of 1 account verified \(through the AWS CLI profiles\)\n$/);
});

test("no base identity: the one error and its hint, no table", () => {
  const report: VerifyReport = {
    version: 1,
    ok: false,
    viaProfiles: false,
    parallel: 16,
    base: {
      status: "failed",
      problem: {
        code: "aws/expired-token",
        message: "the base credentials (environment) expired at 2026-01-01T00:00:00.000Z",
        hint: "log in again",
      },
    },
    accounts: [
      account("dev", "111111111111", { status: "skipped", ok: false }),
      account("prod", "333333333333", { status: "skipped", ok: false }),
    ],
  };
  assert.equal(
    formatVerify(report),
    "base identity: failed\nerror: the base credentials (environment) expired at 2026-01-01T00:00:00.000Z\nhint: log in again\n2 accounts not checked\n",
  );
});

test("JSON is the report itself, versioned", () => {
  const report: VerifyReport = {
    version: 1,
    ok: true,
    viaProfiles: false,
    parallel: 4,
    base,
    accounts: [account("dev", "111111111111")],
  };
  const parsed = JSON.parse(formatVerifyJson(report)) as VerifyReport;
  assert.equal(parsed.version, 1);
  assert.deepEqual(parsed, JSON.parse(JSON.stringify(report)));
  assert.ok(formatVerifyJson(report).endsWith("}\n"));
});
