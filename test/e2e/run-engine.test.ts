// The run engine over the quickstart's nine units, as a user runs it: the built CLI in a copy of
// test/fixtures/run/builtin-quickstart (the quickstart's accounts, stacks and waves, built from
// Terraform's built-ins only) against real terraform and one moto_server. The tests run in order,
// each on what the one before left: bootstrap, refusals, plan (app blocked), apply, plan (no
// changes), an out-of-band state edit found by drift, shards, waves, output, runs and report,
// destroy. The quickstart itself, with the real aws provider, is run by run-quickstart.test.ts.
import assert from "node:assert/strict";
import { readFile, readdir, stat } from "node:fs/promises";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import { after, before, test } from "node:test";
import { PutObjectCommand, S3Client } from "@aws-sdk/client-s3";
import { parseRunReport } from "../../src/core/report/run-report.ts";
import type { RunReport } from "../../src/core/report/run-report.ts";
import type { Unit } from "../../src/core/units/units.ts";
import { unitsOfShard } from "../../src/core/units/shard.ts";
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
import { sessionIn } from "../helpers/emulator-accounts.ts";
import { startMoto } from "../helpers/moto.ts";
import type { MotoServer } from "../helpers/moto.ts";
import { makeTempDir } from "../helpers/temp-dir.ts";
import { terraformEnv } from "../helpers/terraform.ts";

const quickstart = fileURLToPath(new URL("../fixtures/run/builtin-quickstart", import.meta.url));

/** The parts of a Terraform state file these tests read. */
interface TerraformState {
  serial: number;
  lineage: string;
  outputs: Record<string, { value: unknown }>;
  resources: {
    mode: string;
    type: string;
    name: string;
    instances: { attributes: Record<string, unknown> }[];
  }[];
}

// At the top of the file, so that the copy lives until the file's last test ends.
const root = await makeTempDir("run-engine");
const work = join(root, "quickstart");
const home = join(root, "home");
const example = await copyExample(quickstart, work);
const units: Unit[] = example.units;
const buckets = stateBucketsOf(units);

let moto: MotoServer;
/** Run ids of the recorded runs, oldest first, with their commands. */
const recorded: { id: string; command: string }[] = [];
/** How many shard runs recorded a drift run (an empty shard records none). */
let shardRuns = 0;
/** The network/staging state as the out-of-band edit left it. */
let editedState: string | undefined;

before(async () => {
  moto = await startMoto();
});
after(() => moto?.stop());

/** The built CLI in the fixture's copy: only the emulator's AWS settings, no terminal (CI=true). */
function crossform(...args: string[]): Promise<CliResult> {
  return runBuiltCli(args, {
    cwd: work,
    env: terraformEnv(emulatorCliEnv(moto.env, { home, root })),
  });
}

const show = showResult;

/** The JSON report a run printed on stdout, recorded in `recorded`. */
function reportOf(result: CliResult): RunReport {
  const report = jsonRunReport(result);
  recorded.push({ id: report.run.id, command: report.run.command });
  return report;
}

const unitOf = unitOfReport;
const accountId = example.accountId;

function unitsOf(stack: string): Unit[] {
  return units.filter((u) => u.stack === stack);
}

function location(unit: Unit): StateLocation {
  return {
    bucket: unit.state.bucket,
    key: unit.state.key,
    region: unit.state.region,
    accountId: unit.state.accountId,
  };
}

async function stateOf(unit: Unit): Promise<TerraformState> {
  return JSON.parse(await getStateObject(moto.env, location(unit))) as TerraformState;
}

const unitNamed = example.unit;

/** Writes one state object through the session of the account that owns its bucket. */
async function putStateObject(unit: Unit, text: string): Promise<void> {
  const s3 = new S3Client({
    region: unit.state.region,
    endpoint: moto.endpoint,
    credentials: await sessionIn(moto.env, unit.state.accountId),
  });
  try {
    await s3.send(
      new PutObjectCommand({ Bucket: unit.state.bucket, Key: unit.state.key, Body: text }),
    );
  } finally {
    s3.destroy();
  }
}

async function exists(path: string): Promise<boolean> {
  return stat(path).then(
    () => true,
    () => false,
  );
}

test("bootstrap --create-role prepares every account's bucket and deploy role", async () => {
  const result = await crossform("bootstrap", "--create-role");
  assert.equal(result.code, 0, show(result));
  for (const bucket of buckets) {
    const owned = await listOwnedBuckets(moto.env, bucket.accountId);
    assert.ok(owned.includes(bucket.bucket), `${bucket.bucket} is owned by ${bucket.accountId}`);
  }
});

test("apply without a selection is refused with exit 2: it needs --all", async () => {
  const result = await crossform("apply", "--allow-dirty", "--auto-approve", "--approve", "prod");
  assert.equal(result.code, 2, show(result));
  assert.match(result.stderr, /apply needs a selection or --all/);
  assert.equal(await exists(join(work, ".crossform", "runs")), false, "no run was recorded");
});

test("apply --all --auto-approve without --approve prod is refused before any terraform process", async () => {
  const result = await crossform("apply", "--allow-dirty", "--all", "--auto-approve");
  assert.equal(result.code, 2, show(result));
  assert.match(result.stderr, /needs --approve prod when not interactive/);
  assert.match(result.stderr, /--auto-approve never covers/);
  // No unit workspace, no run record: terraform never ran for a unit.
  assert.equal(await exists(join(work, ".crossform", "units")), false, ".crossform/units exists");
  assert.equal(await exists(join(work, ".crossform", "runs")), false, ".crossform/runs exists");
  for (const bucket of buckets) {
    assert.deepEqual(await listStateObjects(moto.env, bucket), [], `${bucket.bucket} is empty`);
  }
});

test("plan --detailed-exitcode: network and dns have changes, app is blocked; exit 2", async () => {
  const result = await crossform("plan", "--detailed-exitcode", "--format", "json");
  assert.equal(result.code, 2, show(result));
  const report = reportOf(result);
  assert.equal(report.run.command, "plan");
  assert.equal(report.units.length, units.length);
  for (const unit of unitsOf("app")) {
    const app = unitOf(report, unit.id);
    assert.equal(app.status, "blocked", `${unit.id}: ${JSON.stringify(app)}`);
    assert.equal(app.reason, `network/${unit.account}/${unit.region} has no state yet`);
  }
  for (const unit of [...unitsOf("network"), ...unitsOf("dns")]) {
    const planned = unitOf(report, unit.id);
    assert.equal(planned.status, "succeeded", `${unit.id}: ${JSON.stringify(planned)}`);
    assert.equal(planned.has_changes, true, unit.id);
    assert.equal(planned.summary?.add, unit.stack === "dns" ? 3 : 1, unit.id);
  }
  assert.equal(report.totals.blocked, 4);
  assert.equal(report.totals.failed, 0);
  // A plan writes no state.
  for (const bucket of buckets) {
    assert.deepEqual(await listStateObjects(moto.env, bucket), [], `${bucket.bucket} is empty`);
  }
});

test("apply --all --auto-approve --approve prod applies every unit, each state in its own account's bucket", async () => {
  const result = await crossform(
    "apply",
    "--allow-dirty",
    "--all",
    "--auto-approve",
    "--approve",
    "prod",
    "--format",
    "json",
  );
  assert.equal(result.code, 0, show(result));
  const report = reportOf(result);
  for (const unit of units) {
    const applied = unitOf(report, unit.id);
    assert.equal(applied.status, "succeeded", `${unit.id}: ${JSON.stringify(applied)}`);
    assert.equal(applied.has_changes, true, unit.id);
  }
  // Listed through each bucket's owner: every unit's state, and only those, in its account's bucket.
  for (const bucket of buckets) {
    const expected = units
      .filter((u) => u.state.bucket === bucket.bucket)
      .map((u) => u.state.key)
      .sort();
    assert.deepEqual(await listStateObjects(moto.env, bucket), expected, bucket.bucket);
  }
  for (const unit of units) {
    assert.equal(unit.state.accountId, accountId(unit.account), `${unit.id}: state account`);
    const state = await stateOf(unit);
    assert.equal(state.outputs.account_id?.value, accountId(unit.account), unit.id);
  }
});

test("each app state holds the network output it read from the network's state", async () => {
  for (const unit of unitsOf("app")) {
    const network = await stateOf(unitNamed(`network/${unit.account}/${unit.region}`));
    const app = await stateOf(unit);
    const networkId = network.outputs.network_id?.value;
    assert.equal(networkId, `net-${accountId(unit.account)}-${unit.region}`);
    const remote = app.resources.find(
      (r) => r.mode === "data" && r.type === "terraform_remote_state" && r.name === "network",
    );
    assert.deepEqual(
      (remote?.instances[0]?.attributes.outputs as { value?: { network_id?: unknown } })?.value
        ?.network_id,
      networkId,
      `${unit.id}: data.terraform_remote_state.network`,
    );
    const input = app.resources.find((r) => r.type === "terraform_data" && r.name === "app")
      ?.instances[0]?.attributes.input as { value?: Record<string, unknown> } | undefined;
    assert.equal(input?.value?.network_id, networkId, `${unit.id}: terraform_data.app.input`);
    assert.equal(app.outputs.network_id?.value, networkId, unit.id);
  }
});

test("a second plan --detailed-exitcode finds no changes: exit 0", async () => {
  const result = await crossform("plan", "--detailed-exitcode", "--format", "json");
  assert.equal(result.code, 0, show(result));
  const report = reportOf(result);
  for (const unit of report.units) {
    assert.equal(unit.status, "succeeded", `${unit.id}: ${JSON.stringify(unit)}`);
    assert.equal(unit.has_changes, false, unit.id);
  }
  assert.equal(report.totals.with_changes, 0);
});

test("drift --detailed-exitcode reports an out-of-band edit of one network's state; exit 2", async () => {
  const unit = unitNamed("network/staging/us-east-1");
  const state = await stateOf(unit);
  const original = state.outputs.network_id?.value;
  assert.equal(original, `net-${accountId("staging")}-us-east-1`);
  // Same lineage, next serial: a consistent state that some other tool wrote.
  state.serial += 1;
  state.outputs.network_id = { ...state.outputs.network_id, value: "net-edited-out-of-band" };
  editedState = `${JSON.stringify(state, null, 2)}\n`;
  await putStateObject(unit, editedState);

  const result = await crossform("drift", "--detailed-exitcode", "--format", "json");
  assert.equal(result.code, 2, show(result));
  const report = reportOf(result);
  assert.equal(report.run.command, "drift");
  const drifted = unitOf(report, unit.id);
  assert.equal(drifted.status, "succeeded", JSON.stringify(drifted));
  assert.equal(drifted.has_changes, true);
  assert.deepEqual(
    drifted.outputs_changed.map((o) => [o.name, o.action, o.before, o.after]),
    [["network_id", "update", "net-edited-out-of-band", original]],
  );
  for (const other of report.units.filter((u) => u.id !== unit.id)) {
    assert.equal(other.status, "succeeded", `${other.id}: ${JSON.stringify(other)}`);
    assert.equal(other.has_changes, false, `${other.id} has no drift`);
  }
  // drift never applies: the edited state object is as it was written.
  assert.equal(await getStateObject(moto.env, location(unit)), editedState);
});

test("drift --shard 1/2 and 2/2 split the units by account and region; report --merge makes one report of both", async () => {
  const shards = [1, 2].map((index) => unitsOfShard(units, { index, count: 2 }).map((u) => u.id));
  const files: string[] = [];
  for (const [i, expected] of shards.entries()) {
    const file = `shard-${i + 1}.json`;
    const result = await crossform(
      "drift",
      "--shard",
      `${i + 1}/2`,
      "--format",
      "json",
      "--report",
      file,
    );
    if (expected.length === 0) {
      assert.equal(result.code, 0, show(result));
      assert.match(result.stderr, new RegExp(`shard ${i + 1}/2 holds none of the selected units`));
      continue;
    }
    assert.equal(result.code, 0, show(result));
    const report = reportOf(result);
    shardRuns += 1;
    assert.deepEqual(report.units.map((u) => u.id).sort(), [...expected].sort());
    files.push(file);
  }
  assert.deepEqual(shards.flat().sort(), units.map((u) => u.id).sort());

  const merged = await crossform("report", "--merge", ...files, "--format", "json");
  assert.equal(merged.code, 0, show(merged));
  const report = parseRunReport(JSON.parse(merged.stdout), "merged");
  assert.equal(report.run.command, "drift");
  assert.deepEqual(report.units.map((u) => u.id).sort(), units.map((u) => u.id).sort());
  assert.equal(report.totals.units, units.length);
  assert.equal(report.totals.succeeded, units.length);
  assert.deepEqual(
    report.units.filter((u) => u.has_changes).map((u) => u.id),
    ["network/staging/us-east-1"],
  );
  // Waves run in order in the merged report, as in one run.
  const waves = report.units.map((u) => u.wave);
  assert.deepEqual(
    waves,
    [...waves].sort((a, b) => a - b),
  );
  const md = await crossform("report", "--merge", ...files, "--format", "md");
  assert.equal(md.code, 0, show(md));
  assert.match(md.stdout, /^## crossform drift/);
  assert.match(md.stdout, /network\/staging\/us-east-1/);

  const html = await crossform("report", "--merge", ...files, "--format", "html");
  assert.equal(html.code, 0, show(html));
  assert.match(html.stdout, /^<!doctype html>/i);
  const cells = [...html.stdout.matchAll(/data-unit="([^"]+)"/g)].map((m) => m[1]);
  for (const unit of units) assert.ok(cells.includes(unit.id), `${unit.id} in the merged HTML`);

  const overlap = await crossform("report", "--merge", files[0] ?? "", files[0] ?? "");
  assert.equal(overlap.code, 2, show(overlap));
  assert.match(overlap.stderr, /is in both .*shard-\d\.json and .*shard-\d\.json/);
});

test("plan --wave prod (or --wave 3) plans only the units of that wave", async () => {
  const expected = units.filter((u) => u.wave === 2).map((u) => u.id);
  assert.ok(expected.length >= 3, "the fixture's prod wave holds network, app and dns units");
  for (const wave of ["prod", "3"]) {
    const result = await crossform("plan", "--wave", wave, "--format", "json");
    assert.equal(result.code, 0, show(result));
    assert.deepEqual(
      reportOf(result)
        .units.map((u) => u.id)
        .sort(),
      [...expected].sort(),
    );
  }
  const unknown = await crossform("plan", "--wave", "9");
  assert.equal(unknown.code, 2, show(unknown));
  assert.match(unknown.stderr, /--wave 9: there are 4 waves/);
});

test("output --format json lists every unit's outputs; --report writes .md and .json", async () => {
  const result = await crossform(
    "output",
    "--format",
    "json",
    "--report",
    "out.md",
    "--report",
    "out.json",
  );
  assert.equal(result.code, 0, show(result));
  const report = reportOf(result);
  const valueOf = (id: string, name: string): unknown =>
    unitOf(report, id).outputs?.find((o) => o.name === name)?.value;
  for (const unit of units) {
    assert.equal(valueOf(unit.id, "account_id"), accountId(unit.account), unit.id);
  }
  assert.equal(valueOf("network/dev/us-east-1", "network_id"), "net-111111111111-us-east-1");
  assert.deepEqual(valueOf("network/prod/eu-west-1", "subnets"), [
    "10.100.0.0/24",
    "10.100.1.0/24",
    "10.100.2.0/24",
  ]);
  assert.equal(valueOf("app/prod/us-east-1", "instance_count"), 3);
  // The output of the edited state, as it is now.
  assert.equal(valueOf("network/staging/us-east-1", "network_id"), "net-edited-out-of-band");

  assert.match(result.stderr, /report written: out\.md/);
  assert.match(result.stderr, /report written: out\.json/);
  const md = await readFile(join(work, "out.md"), "utf8");
  assert.match(md, /^## crossform output/);
  assert.match(md, new RegExp(report.run.id));
  const json = parseRunReport(JSON.parse(await readFile(join(work, "out.json"), "utf8")), "out");
  assert.equal(json.run.id, report.run.id);
  assert.deepEqual(
    json.units.map((u) => u.id),
    report.units.map((u) => u.id),
  );
});

test("runs lists the recorded runs newest first; report <id> --format md renders one again", async () => {
  const result = await crossform("runs", "--format", "json");
  assert.equal(result.code, 0, show(result));
  const listed = (JSON.parse(result.stdout) as { runs: { id: string; command: string }[] }).runs;
  assert.deepEqual(
    listed.map((r) => [r.id, r.command]),
    [...recorded].reverse().map((r) => [r.id, r.command]),
  );
  assert.deepEqual(
    recorded.map((r) => r.command),
    [
      "plan",
      "apply",
      "plan",
      "drift",
      ...Array.from({ length: shardRuns }, () => "drift"),
      "plan",
      "plan",
      "output",
    ],
  );

  const pretty = await crossform("runs");
  assert.equal(pretty.code, 0, show(pretty));
  for (const run of recorded)
    assert.match(pretty.stdout, new RegExp(`^${run.id}\\s+${run.command}`, "m"));

  const apply = recorded.find((r) => r.command === "apply");
  assert.ok(apply);
  const rendered = await crossform("report", apply.id, "--format", "md");
  assert.equal(rendered.code, 0, show(rendered));
  assert.match(rendered.stdout, /^## crossform apply/);
  assert.match(rendered.stdout, new RegExp(`run \`${apply.id}\``));
  for (const unit of units) assert.ok(rendered.stdout.includes(unit.id), unit.id);
  // The record holds both reports, 0600 in a 0700 directory.
  const dir = join(work, ".crossform", "runs", apply.id);
  assert.equal((await stat(dir)).mode & 0o777, 0o700);
  assert.equal(await readFile(join(dir, "report.md"), "utf8"), rendered.stdout);
  const saved = parseRunReport(JSON.parse(await readFile(join(dir, "report.json"), "utf8")), "r");
  assert.equal(saved.run.id, apply.id);
  for (const file of ["report.md", "report.json", "run.json"]) {
    assert.equal((await stat(join(dir, file))).mode & 0o777, 0o600, file);
  }
});

test("destroy --all without --allow-destroy is refused with exit 2", async () => {
  const before = await readdir(join(work, ".crossform", "runs"));
  const result = await crossform("destroy", "--all", "--auto-approve", "--approve", "prod");
  assert.equal(result.code, 2, show(result));
  assert.match(result.stderr, /destroy needs --allow-destroy/);
  assert.deepEqual(await readdir(join(work, ".crossform", "runs")), before, "no run recorded");
  assert.equal(
    (await stateOf(unitNamed("app/dev/us-east-1"))).resources.length > 0,
    true,
    "app/dev still has its resources",
  );
});

test("destroy --all --allow-destroy --auto-approve --approve prod leaves every state without resources", async () => {
  const result = await crossform(
    "destroy",
    "--all",
    "--allow-destroy",
    "--auto-approve",
    "--approve",
    "prod",
    "--format",
    "json",
  );
  assert.equal(result.code, 0, show(result));
  const report = reportOf(result);
  assert.equal(report.run.command, "destroy");
  for (const unit of units) {
    const destroyed = unitOf(report, unit.id);
    assert.equal(destroyed.status, "succeeded", `${unit.id}: ${JSON.stringify(destroyed)}`);
    assert.equal(destroyed.summary?.destroy, unit.stack === "dns" ? 3 : 1, unit.id);
  }
  for (const unit of units) {
    const state = await stateOf(unit);
    assert.deepEqual(state.resources, [], `${unit.id} has no resources left`);
  }
  // Dependents first: each app was destroyed before its network started, dns (last wave) first.
  // Progress lines are `<time> destroy <unit>: ...`; the plan phase's are `<time> plan -destroy ...`.
  const lines = result.stderr.split("\n");
  const at = (pattern: string): number => {
    const index = lines.findIndex((l) => l.includes(`Z ${pattern}`));
    assert.ok(index >= 0, `stderr has a line with "${pattern}":\n${result.stderr}`);
    return index;
  };
  for (const app of unitsOf("app")) {
    const network = `network/${app.account}/${app.region}`;
    assert.ok(
      at(`destroy ${app.id}: ok`) < at(`destroy ${network}: started`),
      `${app.id} was destroyed before ${network} started`,
    );
  }
  for (const network of unitsOf("network")) {
    assert.ok(at("destroy dns/shared/us-east-1: ok") < at(`destroy ${network.id}: started`));
  }
});
