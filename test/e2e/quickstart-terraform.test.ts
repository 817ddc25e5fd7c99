// The quickstart's committed generated files, run by plain terraform (as `crossform explain`
// prints it, no crossform in between) with the real hashicorp/aws provider from the filesystem
// mirror, against real moto_server: every unit initialises against its own account's bucket, a
// unit applies into its own account, and the guards in the generated files refuse a wrong
// account: a backend whose allowed_account_ids misses the role's account, and a generated
// provider alias edited to assume another account's role.
import assert from "node:assert/strict";
import { readFile, writeFile } from "node:fs/promises";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import { after, test } from "node:test";
import type { Config } from "../../src/core/config/model.ts";
import type { Unit } from "../../src/core/units/units.ts";
import {
  createStateBuckets,
  getStateObject,
  listOwnedBuckets,
  listStateObjects,
} from "../helpers/aws-accounts.ts";
import type { StateBucket } from "../helpers/aws-accounts.ts";
import { runBuiltCli } from "../helpers/cli.ts";
import { copyExample } from "../helpers/example-copy.ts";
import { startMoto } from "../helpers/moto.ts";
import type { MotoServer } from "../helpers/moto.ts";
import { isEmpty, readInventory } from "../helpers/quickstart-inventory.ts";
import { makeTempDir } from "../helpers/temp-dir.ts";
import { providerTerraformEnv, runTerraform } from "../helpers/terraform.ts";
import type { TerraformResult } from "../helpers/terraform.ts";

const quickstart = fileURLToPath(new URL("../../examples/quickstart", import.meta.url));
const STACK_ORDER = ["network", "app", "dns"] as const;

/** The parts of a Terraform state file this test reads. */
interface TerraformState {
  outputs: Record<string, { value: unknown }>;
}

let moto: MotoServer | undefined;
let buckets: StateBucket[] = [];

function show(result: TerraformResult): string {
  return `exit ${result.code}\n--- stdout ---\n${result.stdout}\n--- stderr ---\n${result.stderr}`;
}

function stackDir(unit: Unit): string {
  return join(work, config.stacks.get(unit.stack)?.path ?? unit.stack);
}

function unitsOf(stack: string): Unit[] {
  return units.filter((u) => u.stack === stack);
}

/**
 * The child environment: the emulator's endpoint and keys, no user AWS files, the provider from
 * the mirror, a data dir of its own.
 */
function unitEnv(server: MotoServer, unit: Unit, dataDir = unit.id): NodeJS.ProcessEnv {
  return providerTerraformEnv({
    PATH: process.env.PATH,
    HOME: process.env.HOME,
    TMPDIR: process.env.TMPDIR,
    ...server.env,
    AWS_CONFIG_FILE: join(work, ".aws", "config"),
    AWS_SHARED_CREDENTIALS_FILE: join(work, ".aws", "credentials"),
    TF_DATA_DIR: join(work, ".crossform", "test-data", dataDir),
  });
}

function runningMoto(): MotoServer {
  assert.ok(moto, "moto_server was started");
  return moto;
}

function initArgs(backendFile: string): string[] {
  return [
    "init",
    "-no-color",
    "-reconfigure",
    "-input=false",
    "-lockfile=readonly",
    `-backend-config=${backendFile}`,
  ];
}

// At the top of the file, so that the copy lives until the file's last test ends.
const work = await makeTempDir("quickstart");
const example = await copyExample(quickstart, work);
const config: Config = example.config;
const units: Unit[] = example.units;
const accountId = example.accountId;
const unitNamed = example.unit;

after(async () => {
  await moto?.stop();
});

test("the quickstart has the units its README describes", () => {
  assert.deepEqual(
    units.map((u) => u.id),
    [
      "network/dev/us-east-1",
      "network/staging/us-east-1",
      "network/prod/us-east-1",
      "network/prod/eu-west-1",
      "app/dev/us-east-1",
      "app/staging/us-east-1",
      "app/prod/us-east-1",
      "app/prod/eu-west-1",
      "dns/shared/us-east-1",
    ],
  );
});

test("crossform validate accepts the quickstart", async () => {
  const result = await runBuiltCli(["validate"], { cwd: work });
  assert.equal(result.code, 0, result.stderr);
});

test("the committed generated files are fresh: generate --check exits 0", async () => {
  const result = await runBuiltCli(["generate", "--check"], { cwd: work });
  assert.equal(result.code, 0, `${result.stdout}${result.stderr}`);
  assert.match(result.stdout, /up to date/);
});

test("crossform generate changes nothing on the committed tree, twice", async () => {
  const committed = await readFile(
    join(work, "stacks/app/targets/prod.us-east-1.tfvars.json"),
    "utf8",
  );
  for (const run of [1, 2]) {
    const result = await runBuiltCli(["generate"], { cwd: work });
    assert.equal(result.code, 0, `run ${run}: ${result.stderr}`);
    assert.match(result.stdout, /^0 changed, [1-9]\d* unchanged$/m, `run ${run}: ${result.stdout}`);
  }
  assert.equal(
    await readFile(join(work, "stacks/app/targets/prod.us-east-1.tfvars.json"), "utf8"),
    committed,
  );
});

test("every unit initialises against its own account's bucket with the locked provider", async () => {
  moto = await startMoto();
  const server = moto;
  buckets = await createStateBuckets(server.env, units);
  assert.equal(buckets.length, 5, "one bucket per account and region");
  // Units of one stack share its directory: one after the other; stacks in parallel.
  await Promise.all(
    STACK_ORDER.map(async (stack) => {
      for (const unit of unitsOf(stack)) {
        const result = await runTerraform(initArgs(`backends/${unit.fileStem}.s3.tfbackend`), {
          cwd: stackDir(unit),
          env: unitEnv(server, unit),
        });
        assert.equal(result.code, 0, `init ${unit.id}: ${show(result)}`);
        assert.match(result.stdout, /Successfully configured the backend "s3"/);
        assert.match(
          result.stdout,
          /Installed hashicorp\/aws v5\.100\.0|Using previously-installed hashicorp\/aws v5\.100\.0/,
        );
      }
    }),
  );
});

test("network/dev applies with plain terraform: its resources and its state land in dev, nowhere else", async () => {
  const server = runningMoto();
  const unit = unitNamed("network/dev/us-east-1");
  const result = await runTerraform(
    ["apply", "-no-color", "-auto-approve", "-input=false", `-var-file=targets/dev.tfvars.json`],
    { cwd: stackDir(unit), env: unitEnv(server, unit) },
  );
  assert.equal(result.code, 0, `apply ${unit.id}: ${show(result)}`);
  assert.match(result.stdout, /Apply complete! Resources: 2 added/);
  const state = JSON.parse(await getStateObject(server.env, unit.state)) as TerraformState;
  assert.equal(state.outputs.account_id?.value, accountId("dev"));
  assert.equal(state.outputs.cidr_block?.value, "10.0.0.0/16");
  const accounts = [...config.accounts.values()].map((a) => ({
    name: a.name,
    id: a.id,
    regions: a.regions,
  }));
  const held = await readInventory(server.env, [
    ...accounts,
    { name: "base", id: "base", regions: ["us-east-1"] },
  ]);
  for (const account of held) {
    if (account.name === "dev") {
      assert.deepEqual(
        [account.parameters["us-east-1"]?.map((p) => p.name), account.buckets.map((b) => b.name)],
        [
          ["/quickstart/network/cidr_block"],
          [`quickstart-artifacts-${accountId("dev")}-us-east-1`],
        ],
      );
    } else {
      assert.ok(isEmpty(account), `${account.name} holds nothing: ${JSON.stringify(account)}`);
    }
  }
});

test("a backend whose allowed_account_ids misses the role's account makes terraform init fail", async () => {
  const server = runningMoto();
  const unit = unitNamed("network/dev/us-east-1");
  const committed = await readFile(
    join(stackDir(unit), "backends", `${unit.fileStem}.s3.tfbackend`),
    "utf8",
  );
  const guard = `allowed_account_ids = ["${accountId("dev")}"]`;
  assert.ok(committed.includes(guard), `the dev backend guards with ${guard}`);
  const wrongFile = join(work, "wrong-account.s3.tfbackend");
  await writeFile(
    wrongFile,
    committed.replace(guard, `allowed_account_ids = ["${accountId("staging")}"]`),
  );
  const result = await runTerraform(initArgs(wrongFile), {
    cwd: stackDir(unit),
    env: unitEnv(server, unit, "wrong-backend"),
  });
  assert.notEqual(result.code, 0, show(result));
  assert.match(result.stderr, new RegExp(`AWS account ID not allowed: ${accountId("dev")}`));
  // The guard stopped init before anything was written: dev's bucket holds network's state only.
  const devBucket = buckets.find((b) => b.accountId === accountId("dev"));
  assert.ok(devBucket);
  assert.deepEqual(await listStateObjects(server.env, devBucket), ["network/terraform.tfstate"]);
  assert.ok((await listOwnedBuckets(server.env, accountId("dev"))).includes(devBucket.bucket));
});

test("a generated provider alias edited to assume another account's role: terraform itself refuses the plan", async () => {
  const server = runningMoto();
  const unit = unitNamed("dns/shared/us-east-1");
  const providers = join(stackDir(unit), "crossform_providers.tf");
  const generated = await readFile(providers, "utf8");
  const roleLine = "    role_arn     = var.crossform_ref_prod_us_east_1.role_arn\n";
  assert.ok(generated.includes(roleLine), "aws.prod_us_east_1 assumes prod's role");
  const sharedRole = `arn:aws:iam::${accountId("shared")}:role/TerraformDeploy`;
  await writeFile(providers, generated.replace(roleLine, `    role_arn     = "${sharedRole}"\n`));
  try {
    const result = await runTerraform(
      ["plan", "-no-color", "-input=false", "-var-file=targets/shared.tfvars.json"],
      { cwd: stackDir(unit), env: unitEnv(server, unit) },
    );
    assert.equal(result.code, 1, show(result));
    // The alias still allows prod only: the provider checks the identity the role gives it.
    assert.match(result.stderr, new RegExp(`AWS account ID not allowed: ${accountId("shared")}`));
    assert.match(
      result.stderr,
      /provider\["registry\.terraform\.io\/hashicorp\/aws"\]\.prod_us_east_1/,
    );
    const shared = await readInventory(server.env, [
      { name: "shared", id: accountId("shared"), regions: ["us-east-1"] },
    ]);
    assert.ok(shared[0] && isEmpty(shared[0]), "the plan created nothing in shared");
  } finally {
    await writeFile(providers, generated);
  }
});
