// The last wrong-account path (decision 0024): in a multi-account stack, a module called without
// `providers = { ... }` and an aws resource that names no provider. Tried on a copy of the
// quickstart's dns stack with the real hashicorp/aws provider against moto_server: crossform
// refuses both before any terraform process, naming each with its file and line; plain terraform
// with the generated files refuses them at plan; nothing lands in any account, least of all the
// base identity's own. A control shows what the generated default provider prevents: without it,
// Terraform applies the module into the base identity's account.
import assert from "node:assert/strict";
import { appendFile, readFile, stat, writeFile } from "node:fs/promises";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import { after, before, test } from "node:test";
import { readConfigText } from "../../src/core/config/read-config.ts";
import { REFUSING_DEFAULT_PROVIDER_COMMENT } from "../../src/core/generate/generate-files.ts";
import type { Unit } from "../../src/core/units/units.ts";
import { createStateBuckets } from "../helpers/aws-accounts.ts";
import { emulatorCliEnv, runBuiltCli, showResult } from "../helpers/cli.ts";
import { copyExample } from "../helpers/example-copy.ts";
import { startMoto } from "../helpers/moto.ts";
import type { MotoServer } from "../helpers/moto.ts";
import { isEmpty, readInventory } from "../helpers/quickstart-inventory.ts";
import type { InventoryAccount } from "../helpers/quickstart-inventory.ts";
import { makeTempDir } from "../helpers/temp-dir.ts";
import { providerTerraformEnv, runTerraform } from "../helpers/terraform.ts";
import type { TerraformResult } from "../helpers/terraform.ts";

const quickstart = fileURLToPath(new URL("../../examples/quickstart", import.meta.url));

/** A module call without providers: the registration module uses the default aws it inherits. */
const UNNAMED_MODULE = `
module "unnamed" {
  source = "../../modules/registration"

  name  = "/wrong-account/module"
  value = "from a module called without providers"
}
`;

/** An aws resource that names no provider. */
const BARE_RESOURCE = `
resource "aws_ssm_parameter" "bare" {
  name           = "/wrong-account/bare"
  type           = "String"
  insecure_value = "from a resource without provider"
}
`;

const root = await makeTempDir("wrong-account");
const home = join(root, "home");
let moto: MotoServer;
let accounts: InventoryAccount[];

before(async () => {
  moto = await startMoto();
  // The dns unit's state bucket, in shared: every copy below initialises against it.
  const read = readConfigText(await readFile(join(quickstart, "crossform.yaml"), "utf8"), "c");
  assert.ok(read.ok, "the quickstart's crossform.yaml is valid");
  await createStateBuckets(
    moto.env,
    read.units.units.filter((u) => u.stack === "dns"),
  );
});
after(() => moto?.stop());

/** A fresh copy of the quickstart whose dns stack has `extra` appended to its main.tf. */
async function copyWith(name: string, extra: string): Promise<{ dir: string; unit: Unit }> {
  const dir = join(root, name);
  const example = await copyExample(quickstart, dir);
  await appendFile(join(dir, "stacks", "dns", "main.tf"), extra);
  accounts = [...example.config.accounts.values()].map((a) => ({
    name: a.name,
    id: a.id,
    regions: a.regions,
  }));
  return { dir, unit: example.unit("dns/shared/us-east-1") };
}

/** The line of `text` in a file, 1-based. */
async function lineOf(path: string, text: string): Promise<number> {
  const lines = (await readFile(path, "utf8")).split("\n");
  const index = lines.indexOf(text);
  assert.ok(index >= 0, `${path} has the line ${text}`);
  return index + 1;
}

function show(result: TerraformResult): string {
  return `exit ${result.code}\n--- stdout ---\n${result.stdout}\n--- stderr ---\n${result.stderr}`;
}

/** Plain terraform in the dns stack of `dir`, as `crossform explain` prints it. */
async function terraform(dir: string, unit: Unit, args: string[]): Promise<TerraformResult> {
  return runTerraform(args, {
    cwd: join(dir, "stacks", "dns"),
    env: providerTerraformEnv({
      PATH: process.env.PATH,
      HOME: home,
      TMPDIR: process.env.TMPDIR,
      ...moto.env,
      AWS_CONFIG_FILE: join(root, "aws-config"),
      AWS_SHARED_CREDENTIALS_FILE: join(root, "aws-credentials"),
      TF_DATA_DIR: join(dir, ".crossform", "test-data", unit.id),
    }),
  });
}

async function initialised(dir: string, unit: Unit): Promise<void> {
  const init = await terraform(dir, unit, [
    "init",
    "-no-color",
    "-input=false",
    "-lockfile=readonly",
    `-backend-config=backends/${unit.fileStem}.s3.tfbackend`,
  ]);
  assert.equal(init.code, 0, show(init));
}

/** Whether each account of the quickstart, and the base identity's own, is empty, each read in its own session. */
async function everyAccountHolds(): Promise<Map<string, boolean>> {
  const held = await readInventory(moto.env, [
    ...accounts,
    { name: "base", id: "base", regions: ["us-east-1", "eu-west-1"] },
  ]);
  return new Map(held.map((a) => [`${a.name} (${a.accountId})`, isEmpty(a)]));
}

test("validate names the module call and the resource with their file and line; plan refuses before any terraform process", async () => {
  const { dir } = await copyWith("both", `${UNNAMED_MODULE}${BARE_RESOURCE}`);
  const main = join(dir, "stacks", "dns", "main.tf");
  const moduleLine = await lineOf(main, 'module "unnamed" {');
  const resourceLine = await lineOf(main, 'resource "aws_ssm_parameter" "bare" {');
  const env = providerTerraformEnv(emulatorCliEnv(moto.env, { home, root }));
  const validate = await runBuiltCli(["validate"], { cwd: dir, env });
  assert.equal(validate.code, 2, showResult(validate));
  assert.match(
    validate.stderr,
    new RegExp(
      `^stacks/dns/main\\.tf:${moduleLine}:1: error: module "unnamed" \\(\\.\\./\\.\\./modules/registration\\) in multi-account stack dns is called without providers = \\{ aws = \\.\\.\\. \\}, and it uses the default aws provider it inherits: resource "aws_ssm_parameter" "this" at modules/registration/main\\.tf:\\d+`,
      "m",
    ),
  );
  assert.match(
    validate.stderr,
    new RegExp(
      `^stacks/dns/main\\.tf:${resourceLine}:1: error: resource "aws_ssm_parameter" "bare" in multi-account stack dns names no provider`,
      "m",
    ),
  );
  assert.match(
    validate.stderr,
    /hint: pass the account: providers = \{ aws = aws\.<alias> \} \(this stack's are aws\.prod_us_east_1, aws\.prod_eu_west_1, aws\.shared\)/,
  );
  const plan = await runBuiltCli(["plan"], { cwd: dir, env });
  assert.equal(plan.code, 2, showResult(plan));
  assert.match(plan.stderr, /\[stack\/default-aws-provider-use\]/);
  await assert.rejects(stat(join(dir, ".crossform", "runs")), { code: "ENOENT" });
  await assert.rejects(stat(join(dir, ".crossform", "units")), { code: "ENOENT" });
});

for (const [name, extra, what] of [
  ["module", UNNAMED_MODULE, "a module called without providers"],
  ["resource", BARE_RESOURCE, "an aws resource without provider"],
] as const) {
  test(`plain terraform with the generated files refuses ${what} at plan; no account holds anything`, async () => {
    const { dir, unit } = await copyWith(name, extra);
    await initialised(dir, unit);
    const providers = join(dir, "stacks", "dns", "crossform_providers.tf");
    const forbidden = await lineOf(
      providers,
      "  forbidden_account_ids = [var.crossform_account_id]",
    );
    const apply = await terraform(dir, unit, [
      "apply",
      "-no-color",
      "-auto-approve",
      "-input=false",
      `-var-file=targets/${unit.fileStem}.tfvars.json`,
    ]);
    assert.equal(apply.code, 1, show(apply));
    assert.match(apply.stderr, /"forbidden_account_ids": conflicts with allowed_account_ids/);
    assert.match(
      apply.stderr,
      new RegExp(`on crossform_providers\\.tf line ${forbidden}, in provider "aws"`),
    );
    assert.doesNotMatch(apply.stdout, /Apply complete/);
    // The comment Terraform's error points at says why and what to write.
    assert.ok(
      (await readFile(providers, "utf8")).includes(
        REFUSING_DEFAULT_PROVIDER_COMMENT.split("\n").join("\n# "),
      ),
    );
    for (const [account, empty] of await everyAccountHolds()) {
      assert.ok(empty, `${account} holds nothing`);
    }
  });
}

test("control: without the generated default provider, Terraform applies the same module into the base identity's own account", async () => {
  const { dir, unit } = await copyWith("control", UNNAMED_MODULE);
  const providers = join(dir, "stacks", "dns", "crossform_providers.tf");
  const generated = await readFile(providers, "utf8");
  // What crossform generated before decision 0024: the aliases, no default provider block.
  const start = generated.indexOf("# A multi-account stack has no account of its own");
  const end = generated.indexOf('provider "aws" {\n  alias');
  assert.ok(start > 0 && end > start, "the generated file starts with the refusing default");
  await writeFile(providers, generated.slice(0, start) + generated.slice(end));
  await initialised(dir, unit);
  const apply = await terraform(dir, unit, [
    "apply",
    "-no-color",
    "-auto-approve",
    "-input=false",
    "-target=module.unnamed",
    `-var-file=targets/${unit.fileStem}.tfvars.json`,
  ]);
  assert.equal(apply.code, 0, show(apply));
  const [base] = await readInventory(moto.env, [
    { name: "base", id: "base", regions: ["us-east-1"] },
  ]);
  assert.equal(base?.accountId, "123456789012");
  assert.deepEqual(
    base?.parameters["us-east-1"]?.map((p) => p.name),
    ["/wrong-account/module"],
    "the module's parameter landed in the base identity's account",
  );
});
