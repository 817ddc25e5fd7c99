import assert from "node:assert/strict";
import { readFile, writeFile } from "node:fs/promises";
import { join } from "node:path";
import { describe, test } from "node:test";
import { AtomicFileWriter } from "../../../src/adapters/fs/atomic-write.ts";
import { NodeFileSystem } from "../../../src/adapters/fs/node-file-system.ts";
import { checkProfiles, profiles } from "../../../src/app/profiles.ts";
import type { ProfilesEnvironment } from "../../../src/app/profiles.ts";
import { readConfigText } from "../../../src/core/config/read-config.ts";
import type { Config } from "../../../src/core/config/model.ts";
import { makeTempDir } from "../../helpers/temp-dir.ts";

const deps = { fs: new NodeFileSystem(), writer: new AtomicFileWriter() };

function config(base = "base: { region: us-east-1 }"): Config {
  const read = readConfigText(
    [
      "version: 1",
      base,
      "defaults: { role: TerraformDeploy, regions: [us-east-1] }",
      'state: { bucket: "tfstate-{account_id}", key: "{stack}/terraform.tfstate" }',
      "accounts:",
      '  dev: { id: "111111111111" }',
      '  prod: { id: "222222222222" }',
      "stacks:",
      "  app: { path: app, accounts: [dev, prod] }",
      "",
    ].join("\n"),
    "crossform.yaml",
  );
  assert.ok(read.ok);
  return read.config;
}

async function home(files: { config?: string; credentials?: string } = {}): Promise<string> {
  const dir = await makeTempDir("profiles-app");
  if (files.config !== undefined) await writeFile(join(dir, "config"), files.config);
  if (files.credentials !== undefined) await writeFile(join(dir, "credentials"), files.credentials);
  return dir;
}

function env(dir: string, extra: Partial<ProfilesEnvironment> = {}): ProfilesEnvironment {
  return {
    awsConfigFile: join(dir, "config"),
    sharedCredentialsFile: join(dir, "credentials"),
    webIdentityTokenFile: undefined,
    webIdentityRoleArn: undefined,
    home: dir,
    user: "ops",
    ...extra,
  };
}

const SSO = "[profile org-admin]\nsso_session = acme\nsso_account_id = 123456789012\n";

describe("profiles: the account profiles follow the base identity crossform uses", () => {
  test("AWS_PROFILE without base.profile: source_profile = that profile, even with keys exported", async () => {
    const dir = await home({ config: SSO });
    const report = await profiles(
      config(),
      deps,
      env(dir, { awsProfile: "org-admin", environmentKeys: true }),
      { write: true },
    );
    assert.deepEqual(report.diagnostics, []);
    assert.deepEqual(report.source, {
      kind: "profile",
      profile: "org-admin",
      origin: "AWS_PROFILE",
    });
    const written = await readFile(join(dir, "config"), "utf8");
    assert.match(
      written,
      /\[profile dev\]\nrole_arn = arn:aws:iam::111111111111:role\/TerraformDeploy\nsource_profile = org-admin\n/,
    );
    assert.doesNotMatch(written, /credential_source/);
  });

  test("base.profile wins over AWS_PROFILE", async () => {
    const dir = await home({ config: SSO });
    const report = await profiles(
      config("base: { profile: org-admin, region: us-east-1 }"),
      deps,
      env(dir, { awsProfile: "someone-else" }),
      { write: false },
    );
    assert.match(report.block, /source_profile = org-admin/);
    assert.doesNotMatch(report.block, /someone-else/);
  });

  test("keys in the environment: credential_source = Environment (docs/contract.md section 5)", async () => {
    const dir = await home();
    const report = await profiles(config(), deps, env(dir, { environmentKeys: true }), {
      write: false,
    });
    assert.deepEqual(report.diagnostics, []);
    assert.match(report.block, /credential_source = Environment/);
  });

  test("a default profile with keys in the credentials file: source_profile = default", async () => {
    const dir = await home({
      config: "[default]\nregion = eu-west-1\n",
      credentials: "[default]\naws_access_key_id = AKIAEXAMPLE\naws_secret_access_key = s3cr3t\n",
    });
    const report = await profiles(config(), deps, env(dir), { write: false });
    assert.match(report.block, /source_profile = default/);
  });

  test("OIDC in CI: crossform-base with the web identity token, the accounts through it", async () => {
    const dir = await home();
    const report = await profiles(
      config(),
      deps,
      env(dir, {
        webIdentityTokenFile: "/var/run/token",
        webIdentityRoleArn: "arn:aws:iam::123456789012:role/ci",
      }),
      { write: false },
    );
    assert.deepEqual(report.profiles, ["crossform-base", "dev", "prod"]);
    assert.match(
      report.block,
      /\[profile crossform-base\]\nrole_arn = arn:aws:iam::123456789012:role\/ci\nweb_identity_token_file = \/var\/run\/token\n/,
    );
    assert.match(
      report.block,
      /\[profile prod\]\nrole_arn = [^\n]+\nsource_profile = crossform-base\n/,
    );
  });

  test("AWS_PROFILE naming a generated profile: refused, nothing written", async () => {
    const dir = await home({ config: SSO });
    const report = await profiles(config(), deps, env(dir, { awsProfile: "dev" }), { write: true });
    assert.equal(report.wrote, false);
    assert.equal(report.block, "");
    assert.equal(report.diagnostics[0]?.code, "profiles/base-profile-is-generated");
    assert.equal(await readFile(join(dir, "config"), "utf8"), SSO);
  });

  test("nothing found: Environment, with a warning that says which key to set", async () => {
    const dir = await home();
    const report = await profiles(config(), deps, env(dir), { write: false });
    assert.match(report.block, /credential_source = Environment/);
    assert.equal(report.diagnostics[0]?.code, "profiles/no-base-identity");
    assert.match(report.diagnostics[0]?.hint ?? "", /set base\.profile in crossform\.yaml/);
  });
});

describe("checkProfiles: the file's profiles against what crossform writes now", () => {
  test("current after a write; stale for another AWS_PROFILE; missing without a block", async () => {
    const dir = await home({ config: SSO });
    const missing = await checkProfiles(config(), deps, env(dir, { awsProfile: "org-admin" }));
    assert.deepEqual(
      [...missing.states.values()].map((s) => s.status),
      ["missing", "missing"],
    );
    await profiles(config(), deps, env(dir, { awsProfile: "org-admin" }), { write: true });
    const current = await checkProfiles(config(), deps, env(dir, { awsProfile: "org-admin" }));
    assert.deepEqual(
      [...current.states.values()].map((s) => s.status),
      ["current", "current"],
    );
    assert.equal(current.path, join(dir, "config"));
    const other = await checkProfiles(config(), deps, env(dir, { environmentKeys: true }));
    const dev = other.states.get("dev");
    assert.deepEqual(dev?.status === "differs" && dev.keys, [
      "credential_source",
      "source_profile",
    ]);
  });
});
