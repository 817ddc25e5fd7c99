// `crossform adopt` as a user runs it, with the real hashicorp/aws provider against one
// moto_server. A repository that kept one Terraform workspace per account in one backend
// (test/fixtures/adopt/workspaces/legacy, applied here with plain terraform in two workspaces) is
// adopted into crossform's layout: a dry run writes nothing, `--apply` copies each workspace's
// state to its unit, and `plan` then shows no changes in every unit. A mapping that points dev's
// state at prod is refused, and prod's bucket is left as it was (checked with the AWS CLI). Then
// state.key changes in crossform.yaml: plan stops before any terraform and names the adopt
// command; `adopt --from-previous --apply` brings the states over; plan shows no changes again.
// The tests run in order, each on what the one before left.
import assert from "node:assert/strict";
import { execFile } from "node:child_process";
import { readFile, stat, writeFile } from "node:fs/promises";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import { promisify } from "node:util";
import { after, before, test } from "node:test";
import { emulatorCliEnv, jsonRunReport, runBuiltCli, showResult } from "../helpers/cli.ts";
import type { CliResult } from "../helpers/cli.ts";
import { copyExample } from "../helpers/example-copy.ts";
import { startMoto } from "../helpers/moto.ts";
import type { MotoServer } from "../helpers/moto.ts";
import { makeTempDir } from "../helpers/temp-dir.ts";
import { providerTerraformEnv, runTerraform } from "../helpers/terraform.ts";

const fixture = fileURLToPath(new URL("../fixtures/adopt/workspaces", import.meta.url));
const LEGACY_BUCKET = "adopt-legacy-tfstate";
const LEGACY_KEY = "app/terraform.tfstate";
const DEV = "111111111111";
const PROD = "333333333333";
const devBucket = `adopt-tfstate-${DEV}-us-east-1`;
const prodBucket = `adopt-tfstate-${PROD}-us-east-1`;
const UNITS = ["app/dev/us-east-1", "app/prod/us-east-1"];

const root = await makeTempDir("adopt");
const work = join(root, "repo");
const home = join(root, "home");
await copyExample(fixture, work);
const run = promisify(execFile);

let moto: MotoServer;
before(async () => {
  moto = await startMoto();
});
after(() => moto?.stop());

function env(): NodeJS.ProcessEnv {
  return providerTerraformEnv(emulatorCliEnv(moto.env, { home, root }));
}

function crossform(...args: string[]): Promise<CliResult> {
  return runBuiltCli(args, { cwd: work, env: env() });
}

/** The AWS CLI against the emulator, as the base identity; its JSON output. */
async function aws(...args: string[]): Promise<unknown> {
  const { stdout } = await run("aws", [...args, "--output", "json"], { env: env() });
  return stdout.trim() === "" ? {} : JSON.parse(stdout);
}

/** Every version of every object of a bucket: key, version id, entity tag. */
async function versionsOf(bucket: string): Promise<string[]> {
  const out = (await aws("s3api", "list-object-versions", "--bucket", bucket)) as {
    Versions?: { Key: string; VersionId: string; ETag: string }[];
  };
  return (out.Versions ?? []).map((v) => `${v.Key} ${v.VersionId} ${v.ETag}`).sort();
}

/** The keys a bucket holds now. */
async function keysOf(bucket: string): Promise<string[]> {
  const out = (await aws("s3api", "list-objects-v2", "--bucket", bucket)) as {
    Contents?: { Key: string }[];
  };
  return (out.Contents ?? []).map((o) => o.Key).sort();
}

async function objectText(bucket: string, key: string): Promise<string> {
  const target = join(root, "object.json");
  await aws("s3api", "get-object", "--bucket", bucket, "--key", key, target);
  return readFile(target, "utf8");
}

async function terraformLegacy(...args: string[]): Promise<void> {
  const result = await runTerraform(args, { cwd: join(work, "legacy"), env: env() });
  assert.equal(result.code, 0, `terraform ${args.join(" ")}\n${result.stdout}\n${result.stderr}`);
}

interface AdoptJson {
  run_id: string;
  apply: boolean;
  record_dir: string;
  units: {
    unit: string;
    from: string;
    to: string;
    outcome: string;
    state?: { lineage: string; serial: number; resources: number };
    accounts: { id: string; name?: string; instances: number }[];
    problems: { code: string; message: string }[];
  }[];
}

function adoptReport(result: CliResult): AdoptJson {
  try {
    return JSON.parse(result.stdout) as AdoptJson;
  } catch {
    return assert.fail(`stdout is not JSON:\n${showResult(result)}`);
  }
}

test("the old layout: one backend, one workspace per account, applied with plain terraform", async () => {
  const boot = await crossform("bootstrap", "--create-role");
  assert.equal(boot.code, 0, showResult(boot));
  await aws("s3api", "create-bucket", "--bucket", LEGACY_BUCKET);
  await terraformLegacy("init", "-input=false", "-backend-config=backend.s3.tfbackend");
  for (const workspace of ["dev", "prod"]) {
    await terraformLegacy("workspace", "new", workspace);
    await terraformLegacy("apply", "-input=false", "-auto-approve");
  }
  const keys = await keysOf(LEGACY_BUCKET);
  assert.ok(keys.includes(`env:/dev/${LEGACY_KEY}`), keys.join("\n"));
  assert.ok(keys.includes(`env:/prod/${LEGACY_KEY}`), keys.join("\n"));
});

test("adopt without --apply is a dry run: each workspace would go to its unit, nothing is written", async () => {
  const result = await crossform("adopt", "--mapping", "adopt.yaml", "--format", "json");
  assert.equal(result.code, 0, showResult(result));
  const report = adoptReport(result);
  assert.equal(report.apply, false);
  assert.deepEqual(
    report.units.map((u) => [u.unit, u.from, u.outcome, u.state?.resources, u.accounts]),
    [
      [
        "app/dev/us-east-1",
        `s3://${LEGACY_BUCKET}/env:/dev/${LEGACY_KEY}`,
        "would-adopt",
        2,
        [{ id: DEV, name: "dev", instances: 2 }],
      ],
      [
        "app/prod/us-east-1",
        `s3://${LEGACY_BUCKET}/env:/prod/${LEGACY_KEY}`,
        "would-adopt",
        2,
        [{ id: PROD, name: "prod", instances: 2 }],
      ],
    ],
  );
  assert.deepEqual(await versionsOf(devBucket), []);
  assert.deepEqual(await versionsOf(prodBucket), []);
});

test("adopt --apply copies each workspace's state to its unit, reads it back, keeps the source, and records the run", async () => {
  const result = await crossform("adopt", "--mapping", "adopt.yaml", "--apply", "--format", "json");
  assert.equal(result.code, 0, showResult(result));
  const report = adoptReport(result);
  assert.deepEqual(
    report.units.map((u) => [u.unit, u.outcome]),
    UNITS.map((u) => [u, "adopted"]),
  );
  for (const [name, bucket] of [
    ["dev", devBucket],
    ["prod", prodBucket],
  ] as const) {
    const copy = await objectText(bucket, "app/terraform.tfstate");
    const source = await objectText(LEGACY_BUCKET, `env:/${name}/${LEGACY_KEY}`);
    assert.equal(copy, source, `${name}'s copy holds the workspace's bytes`);
    assert.deepEqual(
      await keysOf(bucket),
      ["app/terraform.tfstate"],
      `${name}: the state, and no lock left`,
    );
  }
  const record = report.record_dir;
  assert.equal((await stat(record)).mode & 0o777, 0o700);
  const log = await readFile(join(record, "units", "app", "dev", "us-east-1", "log"), "utf8");
  assert.match(log, /took the state lock .*\n.*wrote .*\n.*read back: lineage .*the same bytes/);
  const runs = await crossform("runs", "--format", "json");
  const listed = JSON.parse(runs.stdout) as { runs: { id: string; command: string }[] };
  assert.ok(listed.runs.some((r) => r.id === report.run_id && r.command === "adopt"));
});

test("after adoption, plan shows no changes in every unit", async () => {
  const result = await crossform("plan", "--detailed-exitcode", "--format", "json");
  assert.equal(result.code, 0, showResult(result));
  const report = jsonRunReport(result);
  assert.deepEqual(
    report.units.map((u) => [u.id, u.status, u.has_changes]),
    UNITS.map((u) => [u, "succeeded", false]),
  );
});

test("a mapping that points dev's state at prod is refused, naming dev's resources; prod's bucket is untouched", async () => {
  const before = await versionsOf(prodBucket);
  const prodState = await objectText(prodBucket, "app/terraform.tfstate");
  const result = await crossform("adopt", "--mapping", "wrong-account.yaml", "--apply", "--force");
  assert.equal(result.code, 1, showResult(result));
  assert.match(
    result.stdout,
    /app\/prod\/us-east-1: refused\n[\s\S]*holds resources of dev \(111111111111\), not of prod \(333333333333\): aws_iam_role\.app \(arn arn:aws:iam::111111111111:role\/adopt-app-dev\), aws_ssm_parameter\.setting \(arn arn:aws:ssm:us-east-1:111111111111:parameter\/adopt\/dev\/setting\)/,
  );
  assert.deepEqual(await versionsOf(prodBucket), before);
  assert.equal(await objectText(prodBucket, "app/terraform.tfstate"), prodState);
});

test("a changed state.key: plan stops before any terraform and names the adopt command; adopt --from-previous brings the states over", async () => {
  const git = (...args: string[]) =>
    run("git", ["-c", "user.name=e2e", "-c", "user.email=e2e@example.com", ...args], { cwd: work });
  await writeFile(join(work, ".gitignore"), ".crossform/\n.terraform/\nlegacy/\n");
  await git("init", "-q");
  await git("add", "-A");
  await git("commit", "-qm", "crossform layout");
  const config = await readFile(join(work, "crossform.yaml"), "utf8");
  await writeFile(
    join(work, "crossform.yaml"),
    config.replace('key: "{stack}/terraform.tfstate"', 'key: "states/{stack}.tfstate"'),
  );
  const generated = await crossform("generate");
  assert.equal(generated.code, 0, showResult(generated));

  const stopped = await crossform("plan");
  assert.equal(stopped.code, 1, showResult(stopped));
  assert.match(
    stopped.stderr,
    /app\/dev\/us-east-1 has no state at s3:\/\/adopt-tfstate-111111111111-us-east-1\/states\/app\.tfstate, but its earlier address s3:\/\/adopt-tfstate-111111111111-us-east-1\/app\/terraform\.tfstate \(from commit [0-9a-f]{12}\) holds a state with 2 resources/,
  );
  assert.match(
    stopped.stderr,
    /crossform adopt --from-previous --target app\/dev\/us-east-1,app\/prod\/us-east-1/,
  );
  assert.doesNotMatch(stopped.stderr, /Initializing|terraform init/);

  const adopted = await crossform("adopt", "--from-previous", "--apply", "--format", "json");
  assert.equal(adopted.code, 0, showResult(adopted));
  assert.deepEqual(
    adoptReport(adopted).units.map((u) => [u.unit, u.from, u.outcome]),
    [
      ["app/dev/us-east-1", `s3://${devBucket}/app/terraform.tfstate`, "adopted"],
      ["app/prod/us-east-1", `s3://${prodBucket}/app/terraform.tfstate`, "adopted"],
    ],
  );
  // One unit's plan shows the copy is what terraform reads (each plan costs seconds of CPU; the
  // read-back already compared both copies).
  const plan = await crossform("plan", "--detailed-exitcode", "--format", "json", "-t", "dev");
  assert.equal(plan.code, 0, showResult(plan));
  assert.deepEqual(
    jsonRunReport(plan).units.map((u) => [u.id, u.has_changes]),
    [["app/dev/us-east-1", false]],
  );
  // The earlier states stay where they were.
  assert.ok((await keysOf(devBucket)).includes("app/terraform.tfstate"));
});
