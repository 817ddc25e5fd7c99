import assert from "node:assert/strict";
import { describe, test } from "node:test";
import { readAwsProfiles } from "../../../../src/core/profiles/aws-config-block.ts";
import {
  checkBaseCredentialSource,
  describeBaseCredentialSource,
  findBaseCredentialSource,
  profileSourceKeys,
} from "../../../../src/core/profiles/base-credential-source.ts";
import type {
  BaseCredentialEnvironment,
  BaseCredentialInputs,
} from "../../../../src/core/profiles/base-credential-source.ts";

const CONFIG = [
  "[default]",
  "region = eu-west-1",
  "",
  "[profile org-admin]",
  "sso_session = acme",
  "sso_account_id = 123456789012",
  "",
  "[profile tool]",
  "credential_process = /usr/local/bin/creds",
  "",
].join("\n");

function inputs(
  env: BaseCredentialEnvironment,
  extra: Partial<BaseCredentialInputs> = {},
): BaseCredentialInputs {
  return {
    baseProfile: undefined,
    ciRoleArn: undefined,
    env,
    sharedProfiles: readAwsProfiles(CONFIG, "config"),
    ...extra,
  };
}

const KEYS = { AWS_ACCESS_KEY_ID: "AKIAEXAMPLE", AWS_SECRET_ACCESS_KEY: "secret" };
const OIDC = {
  AWS_WEB_IDENTITY_TOKEN_FILE: "/var/run/token",
  AWS_ROLE_ARN: "arn:aws:iam::123456789012:role/ci",
};

describe("findBaseCredentialSource: the SDK default chain's order", () => {
  test("base.profile wins over everything the environment says", () => {
    assert.deepEqual(
      findBaseCredentialSource(
        inputs({ AWS_PROFILE: "tool", ...KEYS, ...OIDC }, { baseProfile: "org-admin" }),
      ),
      { kind: "profile", profile: "org-admin", origin: "base.profile" },
    );
  });

  test("AWS_PROFILE comes next, before keys and a web identity (the SDK skips the keys then)", () => {
    assert.deepEqual(findBaseCredentialSource(inputs({ AWS_PROFILE: "tool", ...KEYS, ...OIDC })), {
      kind: "profile",
      profile: "tool",
      origin: "AWS_PROFILE",
    });
  });

  test("keys in the environment, then a default profile with credentials", () => {
    assert.deepEqual(findBaseCredentialSource(inputs({ ...KEYS, ...OIDC })), {
      kind: "environment",
    });
    const withDefault = readAwsProfiles("[default]\nsso_session = acme\n", "config");
    assert.deepEqual(
      findBaseCredentialSource(inputs({ ...OIDC }, { sharedProfiles: withDefault })),
      { kind: "profile", profile: "default", origin: "default profile" },
    );
    const keysInCredentials = readAwsProfiles(
      "[default]\naws_access_key_id = AKIAEXAMPLE\n",
      "credentials",
    );
    assert.equal(
      findBaseCredentialSource(inputs({}, { sharedProfiles: keysInCredentials })).kind,
      "profile",
    );
  });

  test("a default profile with only a region gives no credentials: the chain goes on", () => {
    assert.deepEqual(findBaseCredentialSource(inputs({ ...OIDC })), {
      kind: "web-identity",
      tokenFile: "/var/run/token",
      roleArn: "arn:aws:iam::123456789012:role/ci",
    });
  });

  test("ci.role_arn names the OIDC role before AWS_ROLE_ARN; a token without a role is no web identity", () => {
    const source = findBaseCredentialSource(
      inputs({ ...OIDC }, { ciRoleArn: "arn:aws:iam::123456789012:role/from-yaml" }),
    );
    assert.equal(
      source.kind === "web-identity" && source.roleArn,
      "arn:aws:iam::123456789012:role/from-yaml",
    );
    assert.deepEqual(
      findBaseCredentialSource(inputs({ AWS_WEB_IDENTITY_TOKEN_FILE: "/var/run/token" })),
      { kind: "none" },
    );
  });

  test("container credentials, else none; empty values count as unset", () => {
    assert.deepEqual(
      findBaseCredentialSource(inputs({ AWS_CONTAINER_CREDENTIALS_RELATIVE_URI: "/v2/creds" })),
      { kind: "container" },
    );
    assert.deepEqual(
      findBaseCredentialSource(inputs({ AWS_PROFILE: "", AWS_ACCESS_KEY_ID: "AKIA" })),
      { kind: "none" },
    );
  });
});

describe("profileSourceKeys: what the account profiles say", () => {
  test("a profile is their source_profile; a web identity goes through crossform-base", () => {
    assert.deepEqual(
      profileSourceKeys({ kind: "profile", profile: "tool", origin: "AWS_PROFILE" }, "acme-"),
      { sourceProfile: "tool" },
    );
    assert.deepEqual(
      profileSourceKeys({ kind: "web-identity", tokenFile: "/t", roleArn: "arn" }, "acme-"),
      { sourceProfile: "acme-crossform-base" },
    );
  });

  test("keys and nothing found: Environment; container credentials: EcsContainer", () => {
    assert.deepEqual(profileSourceKeys({ kind: "environment" }, ""), {
      credentialSource: "Environment",
    });
    assert.deepEqual(profileSourceKeys({ kind: "none" }, ""), { credentialSource: "Environment" });
    assert.deepEqual(profileSourceKeys({ kind: "container" }, ""), {
      credentialSource: "EcsContainer",
    });
  });
});

describe("checkBaseCredentialSource", () => {
  const files = { config: "/home/ops/.aws/config", credentials: "/home/ops/.aws/credentials" };
  const shared = readAwsProfiles(CONFIG, "config");

  test("AWS_PROFILE naming a generated profile is refused with the key to set", () => {
    const [problem, ...rest] = checkBaseCredentialSource(
      { kind: "profile", profile: "dev", origin: "AWS_PROFILE" },
      ["dev", "prod"],
      shared,
      files,
    );
    assert.deepEqual(rest, []);
    assert.equal(problem?.severity, "error");
    assert.equal(problem?.code, "profiles/base-profile-is-generated");
    assert.equal(
      problem?.message,
      'AWS_PROFILE is "dev", a profile crossform generates for an account: the account profiles cannot assume their roles from it',
    );
    assert.match(
      problem?.hint ?? "",
      /^set base\.profile in crossform\.yaml to the profile you log in with/,
    );
  });

  test("base.profile naming a generated profile is refused too, pointing at profiles.prefix", () => {
    const [problem] = checkBaseCredentialSource(
      { kind: "profile", profile: "prod", origin: "base.profile" },
      ["dev", "prod"],
      shared,
      files,
    );
    assert.equal(problem?.code, "profiles/base-profile-is-generated");
    assert.match(problem?.message ?? "", /^base\.profile in crossform\.yaml is "prod"/);
    assert.match(problem?.hint ?? "", /profiles\.prefix/);
  });

  test("an undefined base profile is a warning naming both files", () => {
    const [problem] = checkBaseCredentialSource(
      { kind: "profile", profile: "nope", origin: "AWS_PROFILE" },
      ["dev"],
      shared,
      files,
    );
    assert.equal(problem?.severity, "warning");
    assert.equal(
      problem?.message,
      'AWS_PROFILE names profile "nope", which neither /home/ops/.aws/config nor /home/ops/.aws/credentials defines: the account profiles will fail until it exists',
    );
  });

  test("a defined profile, keys or a web identity: nothing to say; nothing found: a warning", () => {
    for (const source of [
      { kind: "profile", profile: "org-admin", origin: "AWS_PROFILE" },
      { kind: "environment" },
      { kind: "web-identity", tokenFile: "/t", roleArn: "arn" },
    ] as const) {
      assert.deepEqual(checkBaseCredentialSource(source, ["dev"], shared, files), []);
    }
    const [none] = checkBaseCredentialSource({ kind: "none" }, ["dev"], shared, files);
    assert.equal(none?.severity, "warning");
    assert.equal(none?.code, "profiles/no-base-identity");
  });

  test("describeBaseCredentialSource names the origin", () => {
    assert.equal(
      describeBaseCredentialSource({ kind: "profile", profile: "tool", origin: "AWS_PROFILE" }),
      "profile tool (AWS_PROFILE)",
    );
    assert.equal(
      describeBaseCredentialSource({
        kind: "profile",
        profile: "default",
        origin: "default profile",
      }),
      "profile default (the default profile)",
    );
  });
});
