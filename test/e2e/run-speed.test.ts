// How the run commands spend their time, with the built CLI, real terraform (behind a wrapper that
// records when each terraform process ran, and can make one slow) and one moto_server, over
// test/fixtures/run/four-waves (one stack in four accounts, one wave each): read-only runs plan
// the waves in one window while an apply applies them wave by wave; a unit whose data directory
// is initialised for its backend, lock file and terraform version is not initialised again.
import assert from "node:assert/strict";
import { cp, mkdir, readFile, writeFile } from "node:fs/promises";
import { delimiter, join } from "node:path";
import { fileURLToPath } from "node:url";
import { after, before, test } from "node:test";
import { emulatorCliEnv, jsonRunReport, runBuiltCli, showResult } from "../helpers/cli.ts";
import type { CliResult } from "../helpers/cli.ts";
import { startMoto } from "../helpers/moto.ts";
import type { MotoServer } from "../helpers/moto.ts";
import { makeTempDir } from "../helpers/temp-dir.ts";
import { terraformEnv, timedTerraform } from "../helpers/terraform.ts";
import type { TerraformSpan } from "../helpers/terraform.ts";

const fixture = fileURLToPath(new URL("../fixtures/run/four-waves", import.meta.url));
const root = await makeTempDir("run-speed");
const home = join(root, "home");
const work = join(root, "four-waves");
const ACCOUNTS = ["dev", "staging", "prod", "shared"];

let moto: MotoServer;
before(async () => {
  moto = await startMoto();
  await cp(fixture, work, { recursive: true });
  for (const args of [["generate"], ["bootstrap", "--create-role"]]) {
    const result = await crossform(args);
    assert.equal(result.code, 0, `${args[0]}: ${showResult(result)}`);
  }
});
after(() => moto?.stop());

/** The built CLI in the fixture's copy, with `bin` (a terraform wrapper) first on the PATH. */
function crossform(args: string[], bin?: string): Promise<CliResult> {
  const env = emulatorCliEnv(moto.env, { home, root });
  if (bin !== undefined) env.PATH = [bin, process.env.PATH ?? ""].join(delimiter);
  return runBuiltCli(args, { cwd: work, env: terraformEnv(env) });
}

/** The account whose unit a terraform process ran for, from its data directory. */
function accountOf(span: TerraformSpan): string {
  const account = ACCOUNTS.find((a) => span.dataDir.includes(`/units/app/${a}/`));
  assert.ok(account, `a unit's data directory: ${span.dataDir}`);
  return account;
}

/** The spans of one terraform command, one per account, in the order of ACCOUNTS. */
function perAccount(spans: TerraformSpan[], command: string): TerraformSpan[] {
  const of = spans.filter((s) => s.command === command);
  return ACCOUNTS.map((account) => {
    const found = of.filter((s) => accountOf(s) === account);
    assert.equal(found.length, 1, `one ${command} for ${account}: ${JSON.stringify(of)}`);
    return found[0] as TerraformSpan;
  });
}

test("plan of 4 slow units in 4 waves: the four plans overlap (one window), not wave by wave", async () => {
  const slow = await timedTerraform(root, "slow-plan", { plan: 3 });
  const result = await crossform(["plan", "--parallel", "4", "--json"], slow.bin);
  assert.equal(result.code, 0, showResult(result));
  const report = jsonRunReport(result);
  assert.deepEqual(
    report.units.map((u) => u.status),
    ["succeeded", "succeeded", "succeeded", "succeeded"],
  );
  const plans = perAccount(await slow.spans(), "plan");
  // Every plan sleeps 3 s: in waves, the last could only start once the other three had ended.
  const lastStart = Math.max(...plans.map((p) => p.start));
  const firstEnd = Math.min(...plans.map((p) => p.end));
  assert.ok(
    lastStart < firstEnd,
    `all four plans ran at one moment (last start ${lastStart} before first end ${firstEnd})`,
  );
  assert.deepEqual(
    report.waves.map((w) => [w.name, w.status]),
    ACCOUNTS.map((account) => [account, "completed"]),
  );
});

test("apply of the same units: plans in one window, applies wave by wave", async () => {
  const timed = await timedTerraform(root, "apply-waves", { plan: 2 });
  const result = await crossform(
    ["apply", "--all", "--auto-approve", "--allow-dirty", "--parallel", "4", "--json"],
    timed.bin,
  );
  assert.equal(result.code, 0, showResult(result));
  assert.deepEqual(
    jsonRunReport(result).units.map((u) => u.status),
    ["succeeded", "succeeded", "succeeded", "succeeded"],
  );
  const spans = await timed.spans();
  const plans = perAccount(spans, "plan");
  assert.ok(
    Math.max(...plans.map((p) => p.start)) < Math.min(...plans.map((p) => p.end)),
    "the plan phase ran the four plans at once",
  );
  const applies = perAccount(spans, "apply");
  for (let wave = 1; wave < applies.length; wave += 1) {
    const before = applies[wave - 1] as TerraformSpan;
    const current = applies[wave] as TerraformSpan;
    assert.ok(
      current.start >= before.end,
      `wave ${wave + 1}'s apply started after wave ${wave}'s ended (${current.start} >= ${before.end})`,
    );
  }
});

test("a second plan of the unchanged units initialises none of them, and each log says so", async () => {
  const timed = await timedTerraform(root, "second-plan");
  const result = await crossform(["plan", "--json"], timed.bin);
  assert.equal(result.code, 0, showResult(result));
  const spans = await timed.spans();
  assert.deepEqual(
    spans.filter((s) => s.command === "init"),
    [],
    "no init: every data directory is initialised for its backend, lock file and version",
  );
  assert.equal(perAccount(spans, "plan").length, 4);
  const report = jsonRunReport(result);
  for (const unit of report.units) {
    const log = await readFile(join(work, unit.log_path ?? ""), "utf8");
    assert.match(
      log,
      /init skipped: .* is initialised for this backend file, lock file and terraform/,
    );
  }
});

test("a changed backend file, terraform version or lock file initialises again, only where it changed", async () => {
  // dev's backend file changes (another role); staging's data directory was initialised by an
  // older terraform; prod and shared are as they were.
  const config = join(work, "crossform.yaml");
  await writeFile(
    config,
    (await readFile(config, "utf8")).replace(
      'dev: { id: "770000000001", tier: dev }',
      'dev: { id: "770000000001", tier: dev, role: TerraformDeployNext }',
    ),
  );
  const generated = await crossform(["generate"]);
  assert.equal(generated.code, 0, showResult(generated));
  const stagingFingerprint = join(
    work,
    ".crossform/units/app/staging/us-east-1/data/crossform-init.json",
  );
  const recorded = JSON.parse(await readFile(stagingFingerprint, "utf8")) as {
    terraform_version: string;
  };
  recorded.terraform_version = "1.10.0";
  await writeFile(stagingFingerprint, `${JSON.stringify(recorded, null, 2)}\n`);

  const changed = await timedTerraform(root, "changed-inputs");
  const result = await crossform(["plan", "--json"], changed.bin);
  assert.equal(result.code, 0, showResult(result));
  const inits = (await changed.spans()).filter((s) => s.command === "init").map(accountOf);
  assert.deepEqual(inits.sort(), ["dev", "staging"]);

  // A lock file appears in the stack: every unit initialises against it.
  await writeFile(
    join(work, "stacks/app/.terraform.lock.hcl"),
    '# This file is maintained automatically by "terraform init".\n# Manual edits may be lost in future updates.\n',
  );
  const locked = await timedTerraform(root, "lock-file");
  const again = await crossform(["plan", "--json"], locked.bin);
  assert.equal(again.code, 0, showResult(again));
  const relocked = (await locked.spans()).filter((s) => s.command === "init").map(accountOf);
  assert.deepEqual(relocked.sort(), ["dev", "prod", "shared", "staging"]);
});

test("an init skipped by its fingerprint is run after all when terraform asks for one (a module added)", async () => {
  await mkdir(join(work, "stacks/app/label"), { recursive: true });
  await writeFile(
    join(work, "stacks/app/label/main.tf"),
    'variable "name" {}\noutput "label" {\n  value = "app-${var.name}"\n}\n',
  );
  const main = join(work, "stacks/app/main.tf");
  await writeFile(
    main,
    `${await readFile(main, "utf8")}\nmodule "label" {\n  source = "./label"\n  name   = var.crossform_account_name\n}\n`,
  );
  const timed = await timedTerraform(root, "module-added");
  const result = await crossform(["plan", "--json"], timed.bin);
  assert.equal(result.code, 0, showResult(result));
  assert.deepEqual(
    jsonRunReport(result).units.map((u) => u.status),
    ["succeeded", "succeeded", "succeeded", "succeeded"],
  );
  const spans = await timed.spans();
  // Per unit: a plan that asks for an init, the init, the plan again.
  assert.deepEqual(perAccount(spans, "init").map(accountOf), ACCOUNTS);
  assert.equal(spans.filter((s) => s.command === "plan").length, 8);
});
