// The terraform runner against real terraform and a real moto_server: units of one stack in
// working directories of their own, run at the same time; the child environment; data directories
// rebuilt, never migrated; errored.tfstate kept in the unit's directory; redacted 0600 logs;
// process groups and the one interrupt.
import assert from "node:assert/strict";
import { cp, lstat, mkdir, readFile, readdir, readlink, stat, writeFile } from "node:fs/promises";
import { basename, join } from "node:path";
import { after, before, test } from "node:test";
import { fileURLToPath } from "node:url";
import {
  DeleteBucketCommand,
  DeleteObjectsCommand,
  ListObjectVersionsCommand,
  S3Client,
} from "@aws-sdk/client-s3";
import { AssumeRoleCommand, STSClient } from "@aws-sdk/client-sts";
import { SpawnTerraformRunner } from "../../../../src/adapters/terraform/spawn-terraform-runner.ts";
import type { SpawnTerraformRunnerOptions } from "../../../../src/adapters/terraform/spawn-terraform-runner.ts";
import { readConfigText } from "../../../../src/core/config/read-config.ts";
import {
  applyPlanArgs,
  initArgs,
  outputJsonArgs,
  planArgs,
  showPlanJsonArgs,
} from "../../../../src/core/run/terraform-args.ts";
import { REDACTED } from "../../../../src/core/run/redact.ts";
import type { Unit } from "../../../../src/core/units/units.ts";
import type {
  OutputLine,
  TerraformCommand,
  TerraformResult,
  UnitWorkspace,
} from "../../../../src/ports/terraform-runner.ts";
import {
  ADMIN_ROLE,
  createStateBuckets,
  getStateObject,
  listStateObjects,
  stateBucketsOf,
} from "../../../helpers/aws-accounts.ts";
import { startMoto } from "../../../helpers/moto.ts";
import type { MotoServer } from "../../../helpers/moto.ts";
import { makeTempDir } from "../../../helpers/temp-dir.ts";
import { runTerraform, terraformEnv } from "../../../helpers/terraform.ts";

/** The quickstart's units with built-in resources only: these tests are about the runner, not a provider. */
const fixture = fileURLToPath(new URL("../../../fixtures/run/builtin-quickstart", import.meta.url));

/**
 * Added to the copy's network stack: a resource whose local-exec provisioner records the child's
 * environment in terraform's current directory, then sleeps `probe_sleep` seconds (a change of
 * `probe_sleep` replaces it, so the provisioner runs again).
 */
const PROBE = `variable "probe_sleep" {
  type    = number
  default = 0
}

resource "terraform_data" "probe" {
  triggers_replace = [var.probe_sleep]

  provisioner "local-exec" {
    command = "env > child-env.txt && echo probe-started && sleep \${var.probe_sleep}"
  }
}
`;

/** Fake base credentials of the operator, to be found nowhere in a log. */
const BASE_KEY = "AKIAFAKEBASEKEY00001";
const BASE_SECRET = "fake/Base+Secret/0123456789abcdefghijKLMN";
const BASE_TOKEN = "FakeBaseSessionToken/0123456789+abcdefghijklmnopqrstuvwxyz==";
/** moto's session tokens all start with this. */
const MOTO_TOKEN_PREFIX = "FQoGZXIvYXdz";

let moto: MotoServer;
let units: Unit[];
let cliConfig: string;
const workspaces = new Map<string, UnitWorkspace>();
const states = new Map<string, string>();

function unit(id: string): Unit {
  const found = units.find((u) => u.id === id);
  assert.ok(found, `the fixture has unit ${id}`);
  return found;
}

function specOf(u: Unit) {
  return {
    unitId: u.id,
    stack: u.stack,
    account: u.account,
    region: u.region,
    stackPath: `stacks/${u.stack}`,
    fileStem: u.fileStem,
  };
}

function runDir(u: Unit): string {
  return join(work, ".crossform", "runs", "test", "units", u.id);
}

/** The operator's environment, with variables that must not reach terraform. */
function operatorEnv(extra: Record<string, string> = {}): Record<string, string | undefined> {
  return {
    PATH: process.env.PATH,
    HOME: process.env.HOME,
    TMPDIR: process.env.TMPDIR,
    ...moto.env,
    TF_CLI_CONFIG_FILE: cliConfig,
    AWS_CONFIG_FILE: join(work, "aws-config"),
    AWS_SHARED_CREDENTIALS_FILE: join(work, "aws-credentials-none"),
    ...extra,
  };
}

function runner(options: Partial<SpawnTerraformRunnerOptions> = {}): SpawnTerraformRunner {
  return new SpawnTerraformRunner({
    configDir: work,
    env: operatorEnv({
      TF_CLI_ARGS: "-lock=false",
      TF_WORKSPACE: "other",
      AWS_PROFILE: "elsewhere",
      TF_LOG: "trace",
      TF_LOG_PATH: join(work, "leaked-trace.log"),
      TF_VAR_crossform_account_id: "999999999999",
    }),
    baseProfile: "crossform-base",
    ...options,
  });
}

function show(what: string, result: TerraformResult): string {
  return `${what}: exit ${result.exitCode ?? result.signal}\n--- stdout ---\n${result.stdout}\n--- stderr ---\n${result.stderr}`;
}

async function run(
  r: SpawnTerraformRunner,
  ws: UnitWorkspace,
  args: string[],
  extra: Partial<TerraformCommand> = {},
): Promise<TerraformResult> {
  return r.start({
    args,
    cwd: ws.stackDir,
    dataDir: ws.dataDir,
    logFile: join(runDir(unit(ws.unitId)), "log"),
    ...extra,
  }).result;
}

/** The environment a probe recorded, as name -> value. */
async function probedEnv(ws: UnitWorkspace): Promise<Map<string, string>> {
  const text = await readFile(join(ws.stackDir, "child-env.txt"), "utf8");
  const env = new Map<string, string>();
  for (const line of text.split("\n")) {
    const eq = line.indexOf("=");
    if (eq > 0) env.set(line.slice(0, eq), line.slice(eq + 1));
  }
  return env;
}

async function mode(path: string): Promise<number> {
  return (await stat(path)).mode & 0o777;
}

/** Deletes every version of every object of a state bucket, then the bucket, as its owner. */
async function removeBucket(env: Record<string, string>, u: Unit): Promise<void> {
  const sts = new STSClient({
    region: "us-east-1",
    endpoint: env.AWS_ENDPOINT_URL,
    credentials: {
      accessKeyId: env.AWS_ACCESS_KEY_ID ?? "",
      secretAccessKey: env.AWS_SECRET_ACCESS_KEY ?? "",
    },
  });
  const { Credentials: c } = await sts.send(
    new AssumeRoleCommand({
      RoleArn: `arn:aws:iam::${u.state.accountId}:role/${ADMIN_ROLE}`,
      RoleSessionName: "test",
    }),
  );
  sts.destroy();
  const s3 = new S3Client({
    region: u.state.region,
    endpoint: env.AWS_ENDPOINT_URL,
    credentials: {
      accessKeyId: c?.AccessKeyId ?? "",
      secretAccessKey: c?.SecretAccessKey ?? "",
      sessionToken: c?.SessionToken ?? "",
    },
  });
  try {
    const listed = await s3.send(new ListObjectVersionsCommand({ Bucket: u.state.bucket }));
    const objects = [...(listed.Versions ?? []), ...(listed.DeleteMarkers ?? [])].map((v) => ({
      Key: v.Key ?? "",
      VersionId: v.VersionId ?? "",
    }));
    if (objects.length > 0) {
      await s3.send(
        new DeleteObjectsCommand({ Bucket: u.state.bucket, Delete: { Objects: objects } }),
      );
    }
    await s3.send(new DeleteBucketCommand({ Bucket: u.state.bucket }));
  } finally {
    s3.destroy();
  }
}

/** The process group of a running process, from /proc. */
async function processGroup(pid: number): Promise<number> {
  const stat = await readFile(`/proc/${pid}/stat`, "utf8");
  // Fields after the command name (which may hold spaces): state, ppid, pgrp.
  return Number(stat.slice(stat.lastIndexOf(")") + 2).split(" ")[2]);
}

async function waitFor(what: string, check: () => boolean | Promise<boolean>): Promise<void> {
  const deadline = Date.now() + 30_000;
  while (!(await check())) {
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await new Promise((resolve) => setTimeout(resolve, 50));
  }
}

// At the top of the file, so that the copy lives until the file's last test ends.
const work = await makeTempDir("runner");
before(async () => {
  moto = await startMoto();
  await cp(fixture, work, {
    recursive: true,
    filter: (source) => ![".crossform", ".terraform"].includes(basename(source)),
  });
  await mkdir(join(work, ".git"));
  await writeFile(join(work, "stacks", "network", "probe.tf"), PROBE);
  // The base profile crossform.yaml would name: static keys, so that the emulator accepts it.
  await writeFile(
    join(work, "aws-config"),
    "[profile crossform-base]\naws_access_key_id = AKIAPROFILEKEY000001\naws_secret_access_key = profile-secret-value\nregion = us-east-1\n",
  );
  cliConfig = terraformEnv({}).TF_CLI_CONFIG_FILE as string;
  const read = readConfigText(
    await readFile(join(work, "crossform.yaml"), "utf8"),
    "crossform.yaml",
  );
  assert.ok(read.ok, "the fixture's crossform.yaml is valid");
  units = read.units.units;
  await createStateBuckets(moto.env, [
    unit("network/dev/us-east-1"),
    unit("network/staging/us-east-1"),
    unit("network/prod/us-east-1"),
  ]);
});

after(async () => {
  await moto?.stop();
});

test("version() reports the binary's flavor and version, as `terraform version` prints it", async () => {
  const info = await runner().version();
  const plain = await runTerraform(["version"]);
  assert.equal(info.flavor, "terraform");
  assert.equal(info.binary, "terraform");
  assert.match(plain.stdout, new RegExp(`^Terraform v${info.version.replaceAll(".", "\\.")}\\n`));
  await assert.rejects(runner({ binary: "no-such-terraform-binary" }).version(), {
    code: "terraform/not-found",
  });
});

test("two units of one stack, prepared and run at the same time, each in its own directory and bucket", async () => {
  const r = runner();
  const pair = [unit("network/dev/us-east-1"), unit("network/staging/us-east-1")];
  const realStack = join(work, "stacks", "network");
  const results = await Promise.all(
    pair.map(async (u) => {
      const ws = await r.prepareUnit(specOf(u));
      workspaces.set(u.id, ws);
      const planFile = join(runDir(u), "plan.tfplan");
      const showFile = join(runDir(u), "plan.json");
      const init = await run(r, ws, initArgs({ backendConfigFile: ws.backendFile }));
      assert.equal(init.exitCode, 0, show(`init ${u.id}`, init));
      const plan = await run(
        r,
        ws,
        planArgs({ varFile: ws.varFile, planFile, lockTimeoutSeconds: 10 }),
      );
      assert.equal(plan.exitCode, 2, show(`plan ${u.id}`, plan));
      const showJson = await run(r, ws, showPlanJsonArgs(planFile), { stdout: { file: showFile } });
      assert.equal(showJson.exitCode, 0, show(`show ${u.id}`, showJson));
      const apply = await run(r, ws, applyPlanArgs({ planFile }));
      assert.equal(apply.exitCode, 0, show(`apply ${u.id}`, apply));
      const output = await run(r, ws, outputJsonArgs(), { stdout: "capture" });
      assert.equal(output.exitCode, 0, show(`output ${u.id}`, output));
      return { u, ws, showJson, showFile, apply, output };
    }),
  );

  for (const { u, ws, showJson, showFile, apply, output } of results) {
    const unitDir = join(work, ".crossform", "units", "network", u.account, "us-east-1");
    assert.equal(ws.workRoot, join(unitDir, "work"));
    assert.equal(ws.stackDir, join(unitDir, "work", "stacks", "network"));
    assert.equal(ws.dataDir, join(unitDir, "data"));
    assert.ok(
      (await lstat(ws.stackDir)).isDirectory(),
      "the mirrored stack dir is a real directory",
    );
    assert.ok((await lstat(join(ws.workRoot, "stacks"))).isDirectory());
    for (const name of ["main.tf", "outputs.tf", "crossform_backend.tf", "backends", "targets"]) {
      assert.equal(
        await readlink(join(ws.stackDir, name)),
        join(realStack, name),
        `${u.id}: ${name}`,
      );
    }
    assert.equal(await readlink(join(ws.workRoot, "crossform.yaml")), join(work, "crossform.yaml"));

    // show -json went to its file only, 0600; output -json came back whole.
    assert.equal(showJson.stdout, "");
    assert.ok(showJson.stdoutBytes > 0);
    assert.equal(await mode(showFile), 0o600);
    const planned = JSON.parse(await readFile(showFile, "utf8")) as {
      resource_changes: { address: string }[];
    };
    assert.deepEqual(planned.resource_changes.map((c) => c.address).sort(), [
      "terraform_data.network",
      "terraform_data.probe",
    ]);
    assert.match(apply.stdout, /Apply complete! Resources: 2 added/);
    const outputs = JSON.parse(output.stdout) as Record<string, { value: unknown }>;
    assert.equal(outputs.account_id?.value, u.state.accountId);

    // Each state in its own account's bucket, at the default workspace's key: TF_WORKSPACE=other
    // did not reach terraform (it would have written env:/other/network/terraform.tfstate).
    const [bucket] = stateBucketsOf([u]);
    assert.ok(bucket);
    assert.deepEqual(await listStateObjects(moto.env, bucket), ["network/terraform.tfstate"]);
    const state = await getStateObject(moto.env, u.state);
    states.set(u.id, state);
    const parsed = JSON.parse(state) as { outputs: Record<string, { value: unknown }> };
    assert.equal(parsed.outputs.account_id?.value, u.state.accountId, `${u.id}: state account`);

    // What the child saw: the base profile, its own data dir, none of the operator's overrides.
    const env = await probedEnv(ws);
    assert.equal(env.get("AWS_PROFILE"), "crossform-base");
    assert.equal(env.get("TF_DATA_DIR"), ws.dataDir);
    assert.equal(env.get("TF_IN_AUTOMATION"), "1");
    assert.equal(env.get("TF_INPUT"), "0");
    for (const name of [
      "TF_CLI_ARGS",
      "TF_WORKSPACE",
      "TF_LOG",
      "TF_LOG_PATH",
      "TF_VAR_crossform_account_id",
      "AWS_ACCESS_KEY_ID",
      "AWS_SECRET_ACCESS_KEY",
    ]) {
      assert.equal(env.get(name), undefined, `${u.id}: the child saw ${name}`);
    }

    const log = join(runDir(u), "log");
    assert.equal(await mode(log), 0o600);
    const text = await readFile(log, "utf8");
    assert.match(text, /^# \S+ terraform init -reconfigure -input=false -no-color /m);
    assert.match(text, /^# in .*\/work\/stacks\/network$/m);
    assert.match(text, /Apply complete!/);
    assert.match(text, /^# stdout \(\d+ bytes\) written to .*plan\.json, not logged$/m);
    assert.ok(!text.includes("[TRACE]"), "TF_LOG of the operator did not reach terraform");
  }
  const [dev, staging] = results.map((x) => x.ws);
  assert.notEqual(dev?.stackDir, staging?.stackDir);
  assert.notEqual(states.get("network/dev/us-east-1"), states.get("network/staging/us-east-1"));
  // Nothing terraform wrote landed in the user's stack directory.
  assert.deepEqual((await readdir(realStack)).sort(), [
    "backends",
    "crossform_backend.tf",
    "crossform_variables.tf",
    "main.tf",
    "outputs.tf",
    "probe.tf",
    "targets",
    "variables.tf",
  ]);
  await assert.rejects(stat(join(work, "leaked-trace.log")), { code: "ENOENT" });
});

test("a data dir whose recorded backend names another key is rebuilt, never migrated", async () => {
  const r = runner();
  const u = unit("network/dev/us-east-1");
  const before = workspaces.get(u.id);
  assert.ok(before, "the dev unit ran in the previous test");
  const same = await r.prepareUnit(specOf(u));
  assert.equal(same.dataDirRebuilt, undefined, "an unchanged backend keeps its data dir");
  const marker = join(before.dataDir, "marker");
  await writeFile(marker, "");
  const backend = await readFile(before.backendFile, "utf8");
  await writeFile(
    before.backendFile,
    backend.replace(
      'key                 = "network/terraform.tfstate"',
      'key = "network/moved.tfstate"',
    ),
  );

  const ws = await r.prepareUnit(specOf(u));
  assert.match(ws.dataDirRebuilt ?? "", /network\/terraform\.tfstate.*network\/moved\.tfstate/);
  await assert.rejects(stat(marker), { code: "ENOENT" });
  const init = await run(r, ws, initArgs({ backendConfigFile: ws.backendFile }));
  assert.equal(init.exitCode, 0, show("init", init));
  assert.doesNotMatch(init.stdout + init.stderr, /migrat|copy existing state/i);
  const recorded = JSON.parse(await readFile(join(ws.dataDir, "terraform.tfstate"), "utf8")) as {
    backend: { config: { key: string } };
  };
  assert.equal(recorded.backend.config.key, "network/moved.tfstate");
  // The new key has no state: everything is to be created.
  const plan = await run(r, ws, planArgs({ varFile: ws.varFile }));
  assert.equal(plan.exitCode, 2, show("plan", plan));
  assert.match(plan.stdout, /Plan: 2 to add, 0 to change, 0 to destroy/);
  // The old state object is untouched, and nothing was copied to the new key.
  assert.equal(await getStateObject(moto.env, u.state), states.get(u.id));
  const [bucket] = stateBucketsOf([u]);
  assert.ok(bucket);
  const keys = await listStateObjects(moto.env, bucket);
  assert.ok(keys.includes("network/terraform.tfstate"), keys.join());
  if (keys.includes("network/moved.tfstate")) {
    const moved = JSON.parse(
      await getStateObject(moto.env, { ...u.state, key: "network/moved.tfstate" }),
    ) as { resources: unknown[] };
    assert.deepEqual(moved.resources, []);
  }
});

test("an apply that cannot save its state leaves errored.tfstate in the unit's own directory; the child leads its process group", async () => {
  const r = runner();
  const u = unit("network/prod/us-east-1");
  const ws = await r.prepareUnit(specOf(u));
  const planFile = join(runDir(u), "plan.tfplan");
  const init = await run(r, ws, initArgs({ backendConfigFile: ws.backendFile }));
  assert.equal(init.exitCode, 0, show("init", init));
  const plan = await run(
    r,
    ws,
    planArgs({ varFile: ws.varFile, planFile, vars: { probe_sleep: "4" } }),
  );
  assert.equal(plan.exitCode, 2, show("plan", plan));

  const lines: OutputLine[] = [];
  const apply = r.start({
    args: applyPlanArgs({ planFile }),
    cwd: ws.stackDir,
    dataDir: ws.dataDir,
    logFile: join(runDir(u), "log"),
    onLine: (line) => lines.push(line),
  });
  const pid = apply.pid;
  assert.ok(pid !== undefined);
  assert.equal(await processGroup(pid), pid, "terraform leads a process group of its own");
  assert.notEqual(await processGroup(process.pid), pid);
  await waitFor("the provisioner to start", () =>
    lines.some((l) => l.text.includes("probe-started")),
  );
  await removeBucket(moto.env, u);
  const result = await apply.result;

  assert.equal(result.exitCode, 1, show("apply", result));
  assert.match(result.stderr, /errored\.tfstate/);
  const errored = JSON.parse(await readFile(ws.erroredStateFile, "utf8")) as {
    resources: { type: string; name: string }[];
  };
  assert.equal(ws.erroredStateFile, join(ws.stackDir, "errored.tfstate"));
  assert.ok((await lstat(ws.erroredStateFile)).isFile(), "a file of the unit, not a link");
  assert.deepEqual(errored.resources.map((res) => `${res.type}.${res.name}`).sort(), [
    "terraform_data.network",
    "terraform_data.probe",
  ]);
  await assert.rejects(stat(join(ws.realStackDir, "errored.tfstate")), { code: "ENOENT" });
  for (const other of ["network/dev/us-east-1", "network/staging/us-east-1"]) {
    const otherWs = workspaces.get(other);
    assert.ok(otherWs);
    await assert.rejects(stat(otherWs.erroredStateFile), { code: "ENOENT" });
  }
  // Preparing the unit again keeps the only copy of its state.
  await r.prepareUnit(specOf(u));
  assert.equal(
    (JSON.parse(await readFile(ws.erroredStateFile, "utf8")) as { resources: unknown[] }).resources
      .length,
    2,
  );
});

test("--debug: Terraform's trace goes to the 0600 log without the base keys or any session token", async () => {
  const u = unit("network/staging/us-east-1");
  const r = new SpawnTerraformRunner({
    configDir: work,
    env: operatorEnv({
      AWS_ACCESS_KEY_ID: BASE_KEY,
      AWS_SECRET_ACCESS_KEY: BASE_SECRET,
      AWS_SESSION_TOKEN: BASE_TOKEN,
    }),
    baseProfile: undefined,
    logLevel: "trace",
  });
  const ws = await r.prepareUnit(specOf(u));
  const logFile = join(runDir(u), "debug.log");
  const lines: OutputLine[] = [];
  const init = await run(r, ws, initArgs({ backendConfigFile: ws.backendFile }), {
    logFile,
    onLine: (line) => lines.push(line),
  });
  assert.equal(init.exitCode, 0, show("init", init));
  const plan = await run(r, ws, planArgs({ varFile: ws.varFile }), { logFile });
  assert.equal(plan.exitCode, 0, show("plan", plan));

  assert.equal(await mode(logFile), 0o600);
  const log = await readFile(logFile, "utf8");
  assert.match(log, /\[TRACE\]/, "the trace is in the log");
  assert.match(
    log,
    new RegExp(`<SessionToken>${REDACTED.replace(/[[\]]/g, "\\$&")}</SessionToken>`),
  );
  const seen = [log, init.stderr, init.stdout, plan.stderr, ...lines.map((l) => l.text)];
  for (const text of seen) {
    for (const secret of [BASE_KEY, BASE_SECRET, BASE_TOKEN, MOTO_TOKEN_PREFIX]) {
      assert.ok(!text.includes(secret), `${secret} appears in the output`);
    }
    assert.doesNotMatch(text, /<SessionToken>(?!\[redacted\])/);
    assert.doesNotMatch(text, /\b(AKIA|ASIA)[A-Z0-9]{16}\b/);
  }
});

test("interrupt() sends one SIGINT to the process group: terraform stops, releases its lock, exits", async () => {
  const r = runner();
  const u = unit("network/staging/us-east-1");
  const ws = await r.prepareUnit(specOf(u));
  const lines: OutputLine[] = [];
  const apply = r.start({
    args: [
      "apply",
      "-auto-approve",
      "-input=false",
      "-no-color",
      `-var-file=${ws.varFile}`,
      "-var=probe_sleep=60",
    ],
    cwd: ws.stackDir,
    dataDir: ws.dataDir,
    logFile: join(runDir(u), "log"),
    onLine: (line) => lines.push(line),
  });
  await waitFor("the provisioner to start", () =>
    lines.some((l) => l.text.includes("probe-started")),
  );
  const [bucket] = stateBucketsOf([u]);
  assert.ok(bucket);
  assert.ok(
    (await listStateObjects(moto.env, bucket)).includes("network/terraform.tfstate.tflock"),
  );
  assert.equal(apply.interrupt(), true);
  assert.equal(apply.interrupt(), false, "the second request sends nothing");
  assert.equal(apply.interrupt("SIGTERM"), false, "SIGTERM after SIGINT is the same request");
  const result = await apply.result;
  assert.equal(result.interrupted, true);
  assert.equal(result.exitCode, 1, show("apply", result));
  assert.ok(result.durationMs < 30_000, "the 60 s provisioner was stopped");
  assert.match(result.stdout, /Interrupt received/);
  assert.deepEqual(await listStateObjects(moto.env, bucket), ["network/terraform.tfstate"]);
  assert.equal(apply.interrupt(), false);
  assert.equal(apply.kill(), false, "nothing to kill once it ended");
  assert.match(await readFile(join(runDir(u), "log"), "utf8"), /sent SIGINT to the process group/);
});
