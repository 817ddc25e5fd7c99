import assert from "node:assert/strict";
import { spawn } from "node:child_process";
import { chmod, mkdir, readFile, writeFile } from "node:fs/promises";
import { join } from "node:path";
import { after, before, describe, test } from "node:test";
import { AtomicFileWriter, BACKUP_SUFFIX } from "../../src/adapters/fs/atomic-write.ts";
import {
  MANAGED_BLOCK_END,
  MANAGED_BLOCK_START,
  applyManagedBlock,
  renderManagedBlock,
} from "../../src/core/profiles/aws-config-block.ts";
import type { AwsProfileSpec } from "../../src/core/profiles/aws-config-block.ts";
import { runBuiltCli, showResult } from "../helpers/cli.ts";
import type { CliResult } from "../helpers/cli.ts";
import { createTestBucket } from "../helpers/emulator-accounts.ts";
import { startMoto } from "../helpers/moto.ts";
import type { MotoServer } from "../helpers/moto.ts";
import { makeTempDir } from "../helpers/temp-dir.ts";

// The real AWS CLI reads the generated profiles and assumes the roles against a real moto_server.

const accounts = { dev: "111111111111", prod: "222222222222" } as const;
// Made at the top: a directory made inside a hook would be removed when the hook ends.
const operatorHome = await makeTempDir("aws-profile-base");
const writer = new AtomicFileWriter();
let moto: MotoServer;

before(async () => {
  moto = await startMoto();
});
after(async () => {
  await moto.stop();
});

interface AwsResult {
  code: number | null;
  stdout: string;
  stderr: string;
}

function runAws(args: string[], env: Record<string, string>): Promise<AwsResult> {
  return new Promise((resolve, reject) => {
    const child = spawn("aws", args, { env, stdio: ["ignore", "pipe", "pipe"] });
    let stdout = "";
    let stderr = "";
    child.stdout.setEncoding("utf8").on("data", (chunk: string) => (stdout += chunk));
    child.stderr.setEncoding("utf8").on("data", (chunk: string) => (stderr += chunk));
    child.on("error", reject);
    child.on("close", (code) => resolve({ code, stdout, stderr }));
  });
}

/** An environment with nothing of the operator's AWS setup: a fresh HOME and only what is given. */
function isolatedEnv(home: string, extra: Record<string, string>): Record<string, string> {
  const env: Record<string, string> = { HOME: home, PATH: process.env.PATH ?? "" };
  if (process.env.PYENV_ROOT !== undefined) env.PYENV_ROOT = process.env.PYENV_ROOT;
  return { ...env, ...extra };
}

async function callerIdentity(
  profile: string,
  env: Record<string, string>,
): Promise<{ Account: string; Arn: string }> {
  const result = await runAws(
    ["sts", "get-caller-identity", "--profile", profile, "--output", "json"],
    env,
  );
  assert.equal(
    result.code,
    0,
    `aws sts get-caller-identity --profile ${profile}: ${result.stderr}`,
  );
  return JSON.parse(result.stdout) as { Account: string; Arn: string };
}

function profilesFor(source: Partial<AwsProfileSpec>): AwsProfileSpec[] {
  return Object.entries(accounts).map(([name, id]) => ({
    name,
    roleArn: `arn:aws:iam::${id}:role/TerraformDeploy`,
    ...source,
    roleSessionName: `crossform-${name}`,
    region: "us-east-1",
    ...(name === "prod" ? { externalId: "acme-prod", durationSeconds: 3600 } : {}),
  }));
}

/** Returns the text before and after the managed block. */
function outsideBlock(text: string): { before: string; after: string } {
  const start = text.indexOf(MANAGED_BLOCK_START);
  const end = text.indexOf(MANAGED_BLOCK_END);
  assert.ok(start >= 0 && end > start, "the file holds the managed block");
  const afterEnd = text.indexOf("\n", end);
  return { before: text.slice(0, start), after: afterEnd < 0 ? "" : text.slice(afterEnd + 1) };
}

describe("generated AWS CLI profiles with the real AWS CLI and moto_server", () => {
  test("source_profile = base: each profile assumes its account's role", async () => {
    const home = await makeTempDir("aws-cli");
    const configPath = join(home, ".aws", "config");
    const credentialsPath = join(home, "credentials");
    const original =
      (await readFile(new URL("../fixtures/profiles/real-world/config", import.meta.url), "utf8")) +
      "\n[profile base]\nregion = us-east-1\n";
    await writer.writeAtomic(configPath, original, { directoryMode: 0o700 });
    await writeFile(
      credentialsPath,
      `[base]\naws_access_key_id = ${moto.env.AWS_ACCESS_KEY_ID}\naws_secret_access_key = ${moto.env.AWS_SECRET_ACCESS_KEY}\n`,
    );

    const block = renderManagedBlock(profilesFor({ sourceProfile: "base" }), { configPath });
    const applied = applyManagedBlock(original, block, configPath);
    assert.deepEqual(applied.diagnostics, []);
    const written = await writer.writeAtomic(configPath, applied.text, { backup: true });
    assert.equal(written.backupPath, configPath + BACKUP_SUFFIX);
    assert.equal(await readFile(configPath + BACKUP_SUFFIX, "utf8"), original);

    const onDisk = await readFile(configPath);
    const parts = outsideBlock(onDisk.toString("utf8"));
    assert.equal(Buffer.compare(Buffer.from(parts.before), Buffer.from(`${original}\n`)), 0);
    assert.equal(parts.after, "");

    // Only the credentials file's [base] holds keys: the env has none to fall back on.
    const env = isolatedEnv(home, {
      AWS_CONFIG_FILE: configPath,
      AWS_SHARED_CREDENTIALS_FILE: credentialsPath,
      AWS_ENDPOINT_URL: moto.endpoint,
      AWS_DEFAULT_REGION: "us-east-1",
    });
    const base = await callerIdentity("base", env);
    assert.equal(base.Account, "123456789012");
    const dev = await callerIdentity("dev", env);
    assert.equal(dev.Account, accounts.dev);
    assert.equal(
      dev.Arn,
      `arn:aws:sts::${accounts.dev}:assumed-role/TerraformDeploy/crossform-dev`,
    );
    const prod = await callerIdentity("prod", env);
    assert.equal(prod.Account, accounts.prod);
    assert.equal(
      prod.Arn,
      `arn:aws:sts::${accounts.prod}:assumed-role/TerraformDeploy/crossform-prod`,
    );

    // Writing the same profiles again touches neither the file nor its backup.
    const again = applyManagedBlock(onDisk.toString("utf8"), block, configPath);
    assert.equal(again.changed, false);
    const backupBefore = await readFile(configPath + BACKUP_SUFFIX);
    assert.deepEqual(await writer.writeAtomic(configPath, again.text, { backup: true }), {
      changed: false,
    });
    assert.equal(Buffer.compare(await readFile(configPath), onDisk), 0);
    assert.equal(Buffer.compare(await readFile(configPath + BACKUP_SUFFIX), backupBefore), 0);
  });

  test("credential_source = Environment in a CRLF file: each profile assumes its account's role", async () => {
    const home = await makeTempDir("aws-cli");
    const configPath = join(home, "config");
    const original = await readFile(
      new URL("../fixtures/profiles/crlf/config", import.meta.url),
      "utf8",
    );
    assert.ok(original.includes("\r\n"));
    const block = renderManagedBlock(profilesFor({ credentialSource: "Environment" }), {
      configPath,
    });
    const applied = applyManagedBlock(original, block, configPath);
    assert.deepEqual(applied.diagnostics, []);
    await writer.writeAtomic(configPath, applied.text);

    const onDisk = (await readFile(configPath)).toString("utf8");
    assert.equal(onDisk.slice(0, original.length), original);
    assert.match(onDisk, /\[profile dev\]\r\nrole_arn = /);

    const env = isolatedEnv(home, { AWS_CONFIG_FILE: configPath, ...moto.env });
    assert.equal((await callerIdentity("dev", env)).Account, accounts.dev);
    assert.equal((await callerIdentity("prod", env)).Account, accounts.prod);
  });
});

describe("profiles follow the base identity in AWS_PROFILE (built CLI, real AWS CLI, moto_server)", () => {
  // The operator logs in through a profile whose credential_process prints static keys (as SSO
  // helpers, aws-vault or a vault plugin do), exports AWS_PROFILE, and has no keys in the shell.
  const ids = { dev: "111111111111", prod: "222222222222" } as const;
  let home: string;
  let project: string;
  let configPath: string;

  async function operatorSetup(): Promise<void> {
    home = operatorHome;
    project = join(home, "repo");
    configPath = join(home, ".aws", "config");
    const script = join(home, "credentials-helper");
    await writeFile(
      script,
      [
        "#!/bin/sh",
        'if [ -n "$CREDENTIALS_HELPER_FAILS" ]; then echo "helper: session expired, log in again" >&2; exit 1; fi',
        `printf '{"Version": 1, "AccessKeyId": "%s", "SecretAccessKey": "%s"}\\n' '${moto.env.AWS_ACCESS_KEY_ID ?? ""}' '${moto.env.AWS_SECRET_ACCESS_KEY ?? ""}'`,
        "",
      ].join("\n"),
    );
    await chmod(script, 0o755);
    await writer.writeAtomic(
      configPath,
      `[profile ops]\ncredential_process = ${script}\nregion = us-east-1\n`,
      { directoryMode: 0o700 },
    );
    await mkdir(join(project, "app"), { recursive: true });
    await writeFile(join(project, "app", "main.tf"), 'resource "terraform_data" "x" {}\n');
    await writeFile(
      join(project, "crossform.yaml"),
      [
        "version: 1",
        "base: { region: us-east-1 }",
        "defaults: { role: TerraformDeploy, regions: [us-east-1] }",
        'state: { bucket: "profiles-e2e-{account_id}", key: "{stack}/terraform.tfstate", lock: s3 }',
        "accounts:",
        `  dev: { id: "${ids.dev}" }`,
        `  prod: { id: "${ids.prod}", external_id: acme-prod }`,
        "stacks:",
        "  app: { path: app, accounts: [dev, prod] }",
        "",
      ].join("\n"),
    );
    for (const id of Object.values(ids)) {
      await createTestBucket(moto.env, { bucket: `profiles-e2e-${id}`, ownerId: id });
    }
  }

  /** The operator's shell: AWS_PROFILE and the emulator's endpoint, no keys. */
  function shell(extra: Record<string, string> = {}): Record<string, string> {
    return isolatedEnv(home, {
      USER: "ops",
      CI: "true",
      AWS_PROFILE: "ops",
      AWS_CONFIG_FILE: configPath,
      AWS_SHARED_CREDENTIALS_FILE: join(home, "no-credentials"),
      AWS_ENDPOINT_URL: moto.endpoint,
      AWS_REGION: "us-east-1",
      AWS_DEFAULT_REGION: "us-east-1",
      AWS_EC2_METADATA_DISABLED: "true",
      ...extra,
    });
  }

  function crossform(args: string[], env = shell()): Promise<CliResult> {
    return runBuiltCli(args, { cwd: project, env });
  }

  before(operatorSetup);

  test("never written: verify --via-profiles says to write them, naming the file", async () => {
    const result = await crossform(["verify", "--via-profiles"]);
    assert.equal(result.code, 1, showResult(result));
    assert.match(
      result.stdout,
      /^base identity: arn:aws:sts::123456789012:user\/moto \(account 123456789012, profile ops \(credential process\)\)$/m,
    );
    assert.match(
      result.stdout,
      new RegExp(
        `^dev +${ids.dev} +profile dev +no credentials +skipped +profile dev is not in ${configPath}: write the profiles with \`crossform profiles --write\``,
        "m",
      ),
    );
  });

  test("profiles --write takes source_profile from AWS_PROFILE; the AWS CLI and verify --via-profiles reach each account", async () => {
    const write = await crossform(["profiles", "--write"]);
    assert.equal(write.code, 0, showResult(write));
    assert.match(
      write.stderr,
      /^the profiles assume their roles from profile ops \(AWS_PROFILE\)$/m,
    );
    const written = await readFile(configPath, "utf8");
    assert.match(
      written,
      /\[profile dev\]\nrole_arn = arn:aws:iam::111111111111:role\/TerraformDeploy\nsource_profile = ops\nrole_session_name = crossform-ops\nregion = us-east-1\n/,
    );
    assert.doesNotMatch(written, /credential_source/);

    // The real AWS CLI, from a shell with no keys and no AWS_PROFILE: only the profiles.
    const { AWS_PROFILE: _unused, ...noProfile } = shell();
    void _unused;
    const dev = await callerIdentity("dev", noProfile);
    assert.equal(dev.Account, ids.dev);
    assert.equal(dev.Arn, `arn:aws:sts::${ids.dev}:assumed-role/TerraformDeploy/crossform-ops`);
    assert.equal((await callerIdentity("prod", noProfile)).Account, ids.prod);

    const verified = await crossform(["verify", "--via-profiles"]);
    assert.equal(verified.code, 0, showResult(verified));
    assert.match(
      verified.stdout,
      new RegExp(
        `^profiles: ${configPath} \\(base identity: profile ops \\(AWS_PROFILE\\)\\): up to date$`,
        "m",
      ),
    );
    assert.match(verified.stdout, /^2 of 2 accounts verified \(through the AWS CLI profiles\)$/m);
  });

  test("profiles written with credential_source = Environment fail in the AWS CLI; verify names both sources", async () => {
    const current = await readFile(configPath, "utf8");
    await writer.writeAtomic(
      configPath,
      current.replaceAll("source_profile = ops", "credential_source = Environment"),
    );
    try {
      const aws = await runAws(["sts", "get-caller-identity", "--profile", "dev"], shell());
      assert.notEqual(aws.code, 0, "the AWS CLI finds no keys in the environment");
      assert.match(aws.stderr, /credential_source/);

      const result = await crossform(["verify", "--via-profiles"]);
      assert.equal(result.code, 1, showResult(result));
      assert.match(
        result.stdout,
        /^profiles: .* not what crossform writes now: dev, prod \(run crossform profiles --write\)$/m,
      );
      assert.match(
        result.stdout,
        new RegExp(
          `^dev +${ids.dev} +profile dev +no credentials +skipped +profile dev in ${configPath} takes its credentials from credential_source = Environment, but crossform writes source_profile = ops for the base identity, profile ops \\(AWS_PROFILE\\): rewrite the profiles with \`crossform profiles --write\`$`,
          "m",
        ),
      );
    } finally {
      await writer.writeAtomic(configPath, current);
    }
  });

  test("the credential process fails: the AWS CLI fails, verify names the base profile and its login", async () => {
    const failing = shell({ CREDENTIALS_HELPER_FAILS: "1" });
    const aws = await runAws(["sts", "get-caller-identity", "--profile", "dev"], failing);
    assert.notEqual(aws.code, 0);
    assert.match(aws.stderr, /session expired, log in again/);

    const result = await crossform(["verify", "--via-profiles"], failing);
    assert.equal(result.code, 1, showResult(result));
    assert.match(result.stdout, /^base identity: failed$/m);
    assert.match(
      result.stdout,
      /^error: cannot load the base credentials from profile ops \(AWS_PROFILE\)/m,
    );
    assert.match(
      result.stdout,
      /^hint: profile ops \(AWS_PROFILE\) gives no credentials: log in \(aws sso login --profile ops for SSO\), check that the profile exists and its credential_process or keys work/m,
    );
    assert.match(result.stdout, /^2 accounts not checked$/m);
  });

  test("AWS_PROFILE naming a generated profile: profiles --write refuses with the key to set, the file unchanged", async () => {
    const before = await readFile(configPath);
    const result = await crossform(["profiles", "--write"], shell({ AWS_PROFILE: "dev" }));
    assert.equal(result.code, 2, showResult(result));
    assert.match(
      result.stderr,
      /^error: AWS_PROFILE is "dev", a profile crossform generates for an account: the account profiles cannot assume their roles from it \[profiles\/base-profile-is-generated\]\n {2}hint: set base\.profile in crossform\.yaml to the profile you log in with/m,
    );
    assert.match(result.stderr, /was not changed/);
    assert.equal(Buffer.compare(await readFile(configPath), before), 0);
  });
});
