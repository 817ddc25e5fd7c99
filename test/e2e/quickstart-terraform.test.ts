// The quickstart's committed generated files, run by real terraform against real moto_server:
// every unit initialises against its own account's bucket, applies, and its state lands there.
import assert from "node:assert/strict";
import { cp, readFile, writeFile } from "node:fs/promises";
import { basename, join } from "node:path";
import { fileURLToPath } from "node:url";
import { after, test } from "node:test";
import { readConfigText } from "../../src/core/config/read-config.ts";
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
import { startMoto } from "../helpers/moto.ts";
import type { MotoServer } from "../helpers/moto.ts";
import { makeTempDir } from "../helpers/temp-dir.ts";
import { runTerraform, terraformEnv } from "../helpers/terraform.ts";
import type { TerraformResult } from "../helpers/terraform.ts";

const quickstart = fileURLToPath(new URL("../../examples/quickstart", import.meta.url));
const STACK_ORDER = ["network", "app", "dns"] as const;

/** The parts of a Terraform state file this test reads. */
interface TerraformState {
  outputs: Record<string, { value: unknown }>;
  resources: { type: string; name: string; instances: { attributes: { input?: unknown } }[] }[];
}

let moto: MotoServer | undefined;
let buckets: StateBucket[] = [];
const states = new Map<string, TerraformState>();

function show(result: TerraformResult): string {
  return `exit ${result.code}\n--- stdout ---\n${result.stdout}\n--- stderr ---\n${result.stderr}`;
}

function stackDir(unit: Unit): string {
  return join(work, config.stacks.get(unit.stack)?.path ?? unit.stack);
}

function unitsOf(stack: string): Unit[] {
  return units.filter((u) => u.stack === stack);
}

function accountId(name: string): string {
  const id = config.accounts.get(name)?.id;
  assert.ok(id, `account ${name} is in the quickstart's crossform.yaml`);
  return id;
}

/** The child environment: the emulator's endpoint and keys, no user AWS files, a data dir of its own. */
function unitEnv(server: MotoServer, unit: Unit): NodeJS.ProcessEnv {
  return terraformEnv({
    PATH: process.env.PATH,
    HOME: process.env.HOME,
    TMPDIR: process.env.TMPDIR,
    ...server.env,
    AWS_CONFIG_FILE: join(work, ".aws", "config"),
    AWS_SHARED_CREDENTIALS_FILE: join(work, ".aws", "credentials"),
    TF_DATA_DIR: join(work, ".crossform", "test-data", unit.id),
  });
}

function runningMoto(): MotoServer {
  assert.ok(moto, "moto_server was started");
  return moto;
}

// At the top of the file, so that the copy lives until the file's last test ends.
const work = await makeTempDir("quickstart");
await cp(quickstart, work, {
  recursive: true,
  filter: (source) => ![".crossform", ".terraform"].includes(basename(source)),
});
const read = readConfigText(await readFile(join(work, "crossform.yaml"), "utf8"), "crossform.yaml");
assert.ok(read.ok, "the quickstart's crossform.yaml is valid");
const config: Config = read.config;
const units: Unit[] = read.units.units;

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

test("every unit initialises against its own account's bucket, and network, app, dns apply", async (t) => {
  moto = await startMoto();
  const server = moto;
  buckets = await createStateBuckets(server.env, units);
  assert.equal(buckets.length, 5, "one bucket per account and region");

  // Units of one stack share its directory: run them one after the other; stacks in parallel.
  await t.test("terraform init of every unit", async () => {
    await Promise.all(
      STACK_ORDER.map(async (stack) => {
        for (const unit of unitsOf(stack)) {
          const result = await runTerraform(
            [
              "init",
              "-no-color",
              "-reconfigure",
              "-input=false",
              "-lockfile=readonly",
              `-backend-config=backends/${unit.fileStem}.s3.tfbackend`,
            ],
            { cwd: stackDir(unit), env: unitEnv(server, unit) },
          );
          assert.equal(result.code, 0, `init ${unit.id}: ${show(result)}`);
          assert.match(result.stdout, /Successfully configured the backend "s3"/);
        }
      }),
    );
  });

  const applyStack = async (stack: string): Promise<void> => {
    for (const unit of unitsOf(stack)) {
      const result = await runTerraform(
        [
          "apply",
          "-no-color",
          "-auto-approve",
          "-input=false",
          `-var-file=targets/${unit.fileStem}.tfvars.json`,
        ],
        { cwd: stackDir(unit), env: unitEnv(server, unit) },
      );
      assert.equal(result.code, 0, `apply ${unit.id}: ${show(result)}`);
      assert.match(result.stdout, /Apply complete! Resources: [1-9]\d* added/);
    }
  };
  await t.test("apply network and dns, then app", async () => {
    await Promise.all([applyStack("network"), applyStack("dns")]);
    await applyStack("app");
  });

  for (const unit of units) {
    const text = await getStateObject(server.env, unit.state);
    states.set(unit.id, JSON.parse(text) as TerraformState);
  }
});

test("each state object lies in a bucket its own account owns, and nowhere else", async () => {
  const server = runningMoto();
  for (const bucket of buckets) {
    const owned = await listOwnedBuckets(server.env, bucket.accountId);
    assert.ok(owned.includes(bucket.bucket), `${bucket.bucket} is owned by ${bucket.accountId}`);
    const expected = units
      .filter((u) => u.state.bucket === bucket.bucket)
      .map((u) => u.state.key)
      .sort();
    assert.deepEqual(await listStateObjects(server.env, bucket), expected, bucket.bucket);
  }
  for (const unit of units) {
    // A multi-account unit's account is its home, which holds its state.
    assert.equal(unit.state.accountId, accountId(unit.account), `${unit.id}: state account`);
  }
});

test("crossform_account_id in each state is the account configured for the unit", () => {
  for (const unit of units) {
    const state = states.get(unit.id);
    assert.ok(state, `state of ${unit.id} was read`);
    assert.equal(state.outputs.account_id?.value, accountId(unit.account), unit.id);
  }
});

test("each app state holds the network output it read through terraform_remote_state", () => {
  for (const unit of unitsOf("app")) {
    const network = states.get(`network/${unit.account}/${unit.region}`);
    const app = states.get(unit.id);
    assert.ok(network && app, `states of ${unit.id} and its network were read`);
    const networkId = network.outputs.network_id?.value;
    assert.equal(networkId, `net-${accountId(unit.account)}-${unit.region}`);
    assert.equal(app.outputs.network_id?.value, networkId, unit.id);
    const input = app.resources.find((r) => r.type === "terraform_data" && r.name === "app")
      ?.instances[0]?.attributes.input as { value?: Record<string, unknown> } | undefined;
    assert.equal(input?.value?.network_id, networkId, `${unit.id}: terraform_data.app.input`);
    assert.equal(input?.value?.shared_account_id, accountId("shared"), unit.id);
    // stacks.app.vars < stacks.app.targets.prod.vars
    assert.equal(app.outputs.instance_count?.value, unit.account === "prod" ? 3 : 1, unit.id);
  }
});

test("the dns state holds the prod account id for each of prod's regions", () => {
  const dns = states.get("dns/shared/us-east-1");
  assert.ok(dns, "the dns state was read");
  const delegations = dns.outputs.delegations?.value as Record<
    string,
    { account_id: string; region: string }
  >;
  assert.deepEqual(
    Object.fromEntries(
      Object.entries(delegations).map(([alias, d]) => [alias, [d.account_id, d.region]]),
    ),
    {
      prod_eu_west_1: [accountId("prod"), "eu-west-1"],
      prod_us_east_1: [accountId("prod"), "us-east-1"],
    },
  );
  const zone = dns.outputs.zone?.value as { account_id: string };
  assert.equal(zone.account_id, accountId("shared"));
});

test("a backend whose allowed_account_ids misses the role's account makes terraform init fail", async () => {
  const server = runningMoto();
  const unit = units.find((u) => u.id === "network/dev/us-east-1");
  assert.ok(unit);
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
  const env = { ...unitEnv(server, unit), TF_DATA_DIR: join(work, ".crossform", "wrong-account") };
  const result = await runTerraform(
    ["init", "-no-color", "-reconfigure", "-input=false", `-backend-config=${wrongFile}`],
    { cwd: stackDir(unit), env },
  );
  assert.notEqual(result.code, 0, show(result));
  assert.match(result.stderr, new RegExp(`AWS account ID not allowed: ${accountId("dev")}`));
  // The guard stopped init before anything was written: dev's bucket still holds its two states.
  const devBucket = buckets.find((b) => b.accountId === accountId("dev"));
  assert.ok(devBucket);
  assert.deepEqual(await listStateObjects(server.env, devBucket), [
    "app/terraform.tfstate",
    "network/terraform.tfstate",
  ]);
});
