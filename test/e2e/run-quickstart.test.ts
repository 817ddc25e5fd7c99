// The quickstart as a user runs it, with the real hashicorp/aws provider: the built CLI in a copy
// of examples/quickstart against real terraform, the provider from the filesystem mirror
// (test/helpers/provider-mirror.ts) and one moto_server. Every resource is read back through a
// session of the account it should be in. The tests run in order, each on what the one before
// left: bootstrap, apply of the dev and shared selection (network and app in dev, whose app
// registers in shared through an alias, and the multi-account dns, which writes into shared and
// both regions of prod through aliases), what each account holds, drift after an out-of-band
// change of a real resource, destroy. Each terraform process with the aws provider costs seconds
// of CPU, so the selection keeps both stack kinds and every kind of alias while leaving out the
// units that would only repeat them (staging, and prod's per-account units); `npm run demo` runs
// all nine.
import assert from "node:assert/strict";
import { lstat, readFile, readlink, readdir } from "node:fs/promises";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import { after, before, test } from "node:test";
import type { Config } from "../../src/core/config/model.ts";
import type { Unit } from "../../src/core/units/units.ts";
import { AccountResources } from "../helpers/account-resources.ts";
import {
  getStateObject,
  listOwnedBuckets,
  listStateObjects,
  stateBucketsOf,
} from "../helpers/aws-accounts.ts";
import type { StateLocation } from "../helpers/aws-accounts.ts";
import {
  emulatorCliEnv,
  jsonRunReport,
  runBuiltCli,
  showResult,
  unitOfReport,
} from "../helpers/cli.ts";
import { copyExample } from "../helpers/example-copy.ts";
import type { CliResult } from "../helpers/cli.ts";
import { startMoto } from "../helpers/moto.ts";
import type { MotoServer } from "../helpers/moto.ts";
import { AWS_PROVIDER_VERSION, requireProviderMirror } from "../helpers/provider-mirror.ts";
import { isEmpty, readInventory } from "../helpers/quickstart-inventory.ts";
import type { AccountInventory } from "../helpers/quickstart-inventory.ts";
import { makeTempDir } from "../helpers/temp-dir.ts";
import { providerTerraformEnv } from "../helpers/terraform.ts";

const quickstart = fileURLToPath(new URL("../../examples/quickstart", import.meta.url));
const TAGS = { "managed-by": "crossform" };
const ZONE = "quickstart.example.com";

/** The parts of a Terraform state file these tests read. */
interface TerraformState {
  outputs: Record<string, { value: unknown }>;
  resources: { mode: string; type: string; name: string; module?: string }[];
}

// At the top of the file, so that the copy lives until the file's last test ends.
const root = await makeTempDir("run-quickstart");
const work = join(root, "quickstart");
const home = join(root, "home");
const example = await copyExample(quickstart, work);
const config: Config = example.config;
const units: Unit[] = example.units;
const accountId = example.accountId;
const unitNamed = example.unit;
const mirror = requireProviderMirror();
/** The units `--target dev,shared` selects: dev's, and dns, which touches shared. */
const SELECTED = ["network/dev/us-east-1", "app/dev/us-east-1", "dns/shared/us-east-1"];
const selected = units.filter((u) => SELECTED.includes(u.id));

let moto: MotoServer;
before(async () => {
  moto = await startMoto();
});
after(() => moto?.stop());

/** The built CLI in the quickstart copy, the provider from the mirror, no terminal (CI=true). */
function crossform(...args: string[]): Promise<CliResult> {
  return runBuiltCli(args, {
    cwd: work,
    env: providerTerraformEnv(emulatorCliEnv(moto.env, { home, root })),
  });
}

const reportOf = jsonRunReport;
const unitOf = unitOfReport;

async function stateOf(id: string): Promise<TerraformState> {
  const { state } = unitNamed(id);
  const location: StateLocation = {
    bucket: state.bucket,
    key: state.key,
    region: state.region,
    accountId: state.accountId,
  };
  return JSON.parse(await getStateObject(moto.env, location)) as TerraformState;
}

/** Every account of the quickstart, then the base identity's own account. */
async function inventory(): Promise<Map<string, AccountInventory>> {
  const accounts = [...config.accounts.values()].map((a) => ({
    name: a.name,
    id: a.id,
    regions: a.regions,
  }));
  accounts.push({ name: "base", id: "base", regions: ["us-east-1", "eu-west-1"] });
  const read = await readInventory(moto.env, accounts);
  return new Map(read.map((i) => [i.name, i]));
}

function holding(all: Map<string, AccountInventory>, name: string): AccountInventory {
  const found = all.get(name);
  assert.ok(found, `the inventory has account ${name}`);
  return found;
}

test("bootstrap --create-role prepares every account's bucket and deploy role", async () => {
  const result = await crossform("bootstrap", "--create-role");
  assert.equal(result.code, 0, showResult(result));
  for (const bucket of stateBucketsOf(units)) {
    const owned = await listOwnedBuckets(moto.env, bucket.accountId);
    assert.ok(owned.includes(bucket.bucket), `${bucket.bucket} is owned by ${bucket.accountId}`);
  }
});

test("apply --target dev,shared installs the aws provider once, links it into every unit and applies each", async () => {
  const result = await crossform(
    "apply",
    "--allow-dirty",
    "--target",
    "dev,shared",
    "--auto-approve",
    "--approve",
    "prod",
    "--format",
    "json",
  );
  assert.equal(result.code, 0, showResult(result));
  const report = reportOf(result);
  assert.deepEqual(
    report.units.map((u) => [u.id, u.status, u.summary?.add]),
    [
      ["network/dev/us-east-1", "succeeded", 2],
      ["app/dev/us-east-1", "succeeded", 2],
      ["dns/shared/us-east-1", "succeeded", 5],
    ],
  );
  // The three stacks share one lock file: one installation, then every init links from the cache.
  const installs = result.stderr.match(/installing the providers of .* once/g) ?? [];
  assert.deepEqual(installs, [
    "installing the providers of network, app, dns into the shared plugin cache once",
  ]);
  const provider = join("registry.terraform.io", "hashicorp", "aws", AWS_PROVIDER_VERSION);
  const cached = join(work, ".crossform", "plugin-cache", provider, "linux_amd64");
  assert.equal(await readlink(cached), join(mirror, provider, "linux_amd64"));
  for (const unit of selected) {
    const log = await readFile(
      join(work, ".crossform", "runs", report.run.id, "units", unit.id, "log"),
      "utf8",
    );
    assert.match(log, /Using hashicorp\/aws v5\.100\.0 from the shared cache directory/, unit.id);
    assert.doesNotMatch(log, /Installing hashicorp\/aws/, unit.id);
    const linked = join(work, ".crossform", "units", unit.id, "data", "providers", provider);
    assert.equal(await readlink(join(linked, "linux_amd64")), cached, `${unit.id} links the cache`);
  }
});

test("each account holds what was applied there, with the default tags, read through its own session; no other account holds anything", async () => {
  const all = await inventory();
  const tagged = (stack: string) => ({ ...TAGS, stack });
  const dev = holding(all, "dev");
  const devId = accountId("dev");
  assert.equal(dev.accountId, devId, "dev's session acts in dev");
  assert.deepEqual(dev.parameters["us-east-1"], [
    { name: "/quickstart/network/cidr_block", value: "10.0.0.0/16", tags: tagged("network") },
  ]);
  assert.deepEqual(dev.buckets, [
    { name: `quickstart-artifacts-${devId}-us-east-1`, tags: tagged("network") },
  ]);
  assert.deepEqual(dev.roles, [
    {
      name: "quickstart-app-us-east-1",
      arn: `arn:aws:iam::${devId}:role/quickstart-app-us-east-1`,
      tags: tagged("app"),
    },
  ]);
  assert.deepEqual(dev.zones, []);
  // app/dev registered its role in shared through aws.shared.
  const shared = holding(all, "shared");
  assert.equal(shared.accountId, accountId("shared"));
  assert.deepEqual(shared.parameters["us-east-1"], [
    {
      name: "/quickstart/apps/dev/us-east-1/role_arn",
      value: `arn:aws:iam::${devId}:role/quickstart-app-us-east-1`,
      tags: tagged("app"),
    },
  ]);
  assert.deepEqual(shared.buckets, []);
  assert.deepEqual(shared.roles, []);
  // dns: the parent zone in shared (aws.shared), one subzone per prod region in prod
  // (aws.prod_us_east_1, aws.prod_eu_west_1), each delegated from the parent.
  const prod = holding(all, "prod");
  assert.equal(prod.accountId, accountId("prod"));
  const subzones = ["eu-west-1", "us-east-1"].map((r) => `${r}.prod.${ZONE}`);
  assert.deepEqual(
    prod.zones.map((z) => [z.name, z.tags]),
    subzones.map((z) => [z, tagged("dns")]),
  );
  assert.deepEqual(
    shared.zones.map((z) => [z.name, z.tags, Object.keys(z.delegations).sort()]),
    [[ZONE, tagged("dns"), subzones]],
  );
  for (const sub of subzones) {
    assert.ok(
      (shared.zones[0]?.delegations[sub]?.length ?? 0) > 0,
      `${sub} is delegated with its name servers`,
    );
  }
  // prod holds only the subzones: its own network and app units were not selected.
  assert.deepEqual(
    [prod.parameters, prod.buckets, prod.roles],
    [{ "us-east-1": [], "eu-west-1": [] }, [], []],
  );
  assert.ok(isEmpty(holding(all, "staging")), "staging holds nothing");
  // Nothing landed in the base identity's own account.
  const base = holding(all, "base");
  assert.equal(base.accountId, "123456789012");
  assert.ok(isEmpty(base), `the base account holds nothing: ${JSON.stringify(base)}`);
});

test("each state lies in its own account's bucket; app read network's outputs; dns's aliases reported their accounts", async () => {
  for (const bucket of stateBucketsOf(units)) {
    const expected = selected
      .filter((u) => u.state.bucket === bucket.bucket)
      .map((u) => u.state.key)
      .sort();
    assert.deepEqual(await listStateObjects(moto.env, bucket), expected, bucket.bucket);
  }
  const network = await stateOf("network/dev/us-east-1");
  const app = await stateOf("app/dev/us-east-1");
  assert.equal(app.outputs.artifact_bucket?.value, network.outputs.artifact_bucket?.value);
  assert.equal(app.outputs.account_id?.value, accountId("dev"));
  const dns = await stateOf("dns/shared/us-east-1");
  const delegations = dns.outputs.delegations?.value as Record<
    string,
    { account_id: string; region: string; name: string }
  >;
  assert.deepEqual(
    Object.fromEntries(
      Object.entries(delegations).map(([alias, d]) => [alias, [d.account_id, d.region, d.name]]),
    ),
    {
      prod_eu_west_1: [accountId("prod"), "eu-west-1", `eu-west-1.prod.${ZONE}`],
      prod_us_east_1: [accountId("prod"), "us-east-1", `us-east-1.prod.${ZONE}`],
    },
  );
  assert.equal(dns.outputs.account_id?.value, accountId("shared"));
});

test("drift --target dev finds the out-of-band change of dev's Parameter Store value and nothing else, and changes nothing: exit 2", async () => {
  const dev = await AccountResources.open(moto.env, accountId("dev"));
  try {
    await dev.putParameter("us-east-1", "/quickstart/network/cidr_block", "10.99.0.0/16");
  } finally {
    dev.close();
  }
  const result = await crossform(
    "drift",
    "--target",
    "dev",
    "--detailed-exitcode",
    "--format",
    "json",
  );
  assert.equal(result.code, 2, showResult(result));
  const report = reportOf(result);
  const network = unitOf(report, "network/dev/us-east-1");
  assert.equal(network.has_changes, true);
  assert.deepEqual(
    network.drifted.map((d) => [d.address, d.action, d.attributes]),
    [["aws_ssm_parameter.cidr_block", "update", ["insecure_value", "version"]]],
  );
  assert.deepEqual(
    network.outputs_changed.map((o) => [o.name, o.before, o.after]),
    [
      ["cidr_block", "10.0.0.0/16", "10.99.0.0/16"],
      [
        "subnets",
        ["10.0.0.0/24", "10.0.1.0/24", "10.0.2.0/24"],
        ["10.99.0.0/24", "10.99.1.0/24", "10.99.2.0/24"],
      ],
    ],
  );
  // Nothing else drifted: not the bucket, not app's role or its registration in shared (the
  // provider reads back `tags = {}` for each where the apply stored null, which is no drift).
  const app = unitOf(report, "app/dev/us-east-1");
  assert.deepEqual([app.has_changes, app.drifted, app.outputs_changed], [false, [], []]);
  // drift never applies: the parameter still holds the edited value.
  const after = holding(await inventory(), "dev");
  assert.equal(after.parameters["us-east-1"]?.[0]?.value, "10.99.0.0/16");
});

test("destroy --target dev,shared removes everything it applied, in every account it reached", async () => {
  const result = await crossform(
    "destroy",
    "--target",
    "dev,shared",
    "--allow-destroy",
    "--auto-approve",
    "--approve",
    "prod",
    "--format",
    "json",
  );
  assert.equal(result.code, 0, showResult(result));
  const report = reportOf(result);
  assert.deepEqual(
    report.units.map((u) => [u.id, u.status, u.summary?.destroy]),
    [
      ["network/dev/us-east-1", "succeeded", 2],
      ["app/dev/us-east-1", "succeeded", 2],
      ["dns/shared/us-east-1", "succeeded", 5],
    ],
  );
  for (const unit of selected) {
    assert.deepEqual(
      (await stateOf(unit.id)).resources.filter((r) => r.mode === "managed"),
      [],
      `${unit.id} has no resources left`,
    );
  }
  for (const [name, account] of await inventory()) {
    assert.ok(isEmpty(account), `${name} holds nothing: ${JSON.stringify(account)}`);
  }
  // Nothing of the runs lies outside .crossform/ in the copy.
  const top = (await readdir(work)).sort();
  assert.ok(!top.includes("terraform.tfstate"), top.join(", "));
  assert.equal((await lstat(join(work, ".crossform"))).mode & 0o777, 0o700);
});
