import assert from "node:assert/strict";
import { describe, test } from "node:test";
import {
  readAwsProfiles,
  renderManagedBlock,
} from "../../../../src/core/profiles/aws-config-block.ts";
import type { AwsProfileSpec } from "../../../../src/core/profiles/aws-config-block.ts";
import type { BaseCredentialSource } from "../../../../src/core/profiles/base-credential-source.ts";
import {
  compareProfiles,
  profileFailureHint,
  profilesStale,
} from "../../../../src/core/profiles/profiles-check.ts";
import type { ProfilesCheck } from "../../../../src/core/profiles/profiles-check.ts";

const path = "/home/ops/.aws/config";
const spec = (name: string, id: string, source: Partial<AwsProfileSpec>): AwsProfileSpec => ({
  name,
  roleArn: `arn:aws:iam::${id}:role/TerraformDeploy`,
  ...source,
  roleSessionName: "crossform-ops",
  region: "us-east-1",
});
const fromBase = [
  spec("dev", "111111111111", { sourceProfile: "org-admin" }),
  spec("prod", "222222222222", { sourceProfile: "org-admin" }),
];
const source: BaseCredentialSource = {
  kind: "profile",
  profile: "org-admin",
  origin: "AWS_PROFILE",
};

function check(fileSpecs: AwsProfileSpec[], base: BaseCredentialSource = source): ProfilesCheck {
  const text = fileSpecs.length === 0 ? "" : renderManagedBlock(fileSpecs, { configPath: path });
  return {
    path,
    source: base,
    states: compareProfiles(fromBase, readAwsProfiles(text, "config")),
    expected: new Map(fromBase.map((s) => [s.name, s])),
  };
}

describe("compareProfiles", () => {
  test("current, missing, and the keys that differ", () => {
    const states = compareProfiles(
      fromBase,
      readAwsProfiles(
        renderManagedBlock(
          [spec("dev", "111111111111", { credentialSource: "Environment", externalId: "x-1" })],
          { configPath: path },
        ),
        "config",
      ),
    );
    assert.equal(states.get("prod")?.status, "missing");
    const dev = states.get("dev");
    assert.equal(dev?.status, "differs");
    assert.deepEqual(dev?.status === "differs" && dev.keys, [
      "credential_source",
      "external_id",
      "source_profile",
    ]);
    assert.equal(profilesStale(check(fromBase)), false);
    assert.equal(profilesStale(check(fromBase.slice(0, 1))), true);
  });
});

describe("profileFailureHint", () => {
  test("never written: write them, naming the file", () => {
    assert.equal(
      profileFailureHint(check([]), "dev", "aws/no-credentials", "dev"),
      `profile dev is not in ${path}: write the profiles with \`crossform profiles --write\` (AWS_CONFIG_FILE names the file it writes)`,
    );
  });

  test("written with credential_source = Environment while the base is AWS_PROFILE: both sources named", () => {
    const old = [
      spec("dev", "111111111111", { credentialSource: "Environment" }),
      spec("prod", "222222222222", { credentialSource: "Environment" }),
    ];
    assert.equal(
      profileFailureHint(check(old), "prod", "aws/no-credentials", "prod"),
      `profile prod in ${path} takes its credentials from credential_source = Environment, but crossform writes source_profile = org-admin for the base identity, profile org-admin (AWS_PROFILE): rewrite the profiles with \`crossform profiles --write\``,
    );
  });

  test("another key differs (an edited role): the keys named, whatever the failure", () => {
    const edited = [
      fromBase[0] as AwsProfileSpec,
      spec("prod", "999999999999", { sourceProfile: "org-admin" }),
    ];
    assert.equal(
      profileFailureHint(check(edited), "prod", "aws/role-in-other-account", "prod"),
      `profile prod in ${path} differs from what crossform writes now (role_arn): rewrite the profiles with \`crossform profiles --write\``,
    );
  });

  test("current profiles: a credentials failure points at the base identity's login", () => {
    assert.equal(
      profileFailureHint(check(fromBase), "dev", "aws/no-credentials", "dev"),
      "profile org-admin (AWS_PROFILE), the source of profile dev, gives no valid credentials: log in (aws sso login --profile org-admin for SSO), or check its credential_process or keys",
    );
    assert.match(
      profileFailureHint(check(fromBase), "dev", "aws/expired-token", "dev") ?? "",
      /^the session of profile org-admin \(AWS_PROFILE\), the source of profile dev expired: log in/,
    );
    assert.match(
      profileFailureHint(
        check(fromBase, { kind: "environment" }),
        "dev",
        "aws/invalid-credentials",
        "dev",
      ) ?? "",
      /^profile dev takes its credentials from the environment \(credential_source = Environment\)/,
    );
  });

  test("current profiles: another account means crossform.yaml itself; access denied keeps the AWS hint", () => {
    assert.match(
      profileFailureHint(check(fromBase), "dev", "aws/role-in-other-account", "dev") ?? "",
      /make accounts\.dev\.id and accounts\.dev\.role name the same account/,
    );
    assert.equal(profileFailureHint(check(fromBase), "dev", "aws/access-denied", "dev"), undefined);
  });

  test("a refusal (AWS_PROFILE names a generated profile) is the hint of every failure", () => {
    const refused: ProfilesCheck = {
      ...check(fromBase),
      problem: {
        severity: "error",
        code: "profiles/base-profile-is-generated",
        message: 'AWS_PROFILE is "dev", a profile crossform generates for an account',
        hint: "set base.profile in crossform.yaml",
      },
    };
    assert.equal(
      profileFailureHint(refused, "prod", "aws/access-denied", "prod"),
      'AWS_PROFILE is "dev", a profile crossform generates for an account: set base.profile in crossform.yaml',
    );
  });
});
