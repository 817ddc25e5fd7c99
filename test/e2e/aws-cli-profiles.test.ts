import assert from "node:assert/strict";
import { spawn } from "node:child_process";
import { readFile, writeFile } from "node:fs/promises";
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
import { startMoto } from "../helpers/moto.ts";
import type { MotoServer } from "../helpers/moto.ts";
import { makeTempDir } from "../helpers/temp-dir.ts";

// The real AWS CLI reads the generated profiles and assumes the roles against a real moto_server.

const accounts = { dev: "111111111111", prod: "222222222222" } as const;
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
