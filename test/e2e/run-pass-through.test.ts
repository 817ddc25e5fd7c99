// Terraform flags after `--` on plan, apply and destroy, with the built CLI against real terraform
// and one moto_server, in a copy of the quickstart made of built-in resources
// (test/fixtures/run/builtin-quickstart: what the flags do is terraform's, not a provider's), its
// network stack given a second resource that reads the same variable, applied in dev first. A plan
// with -target and -var changes only the targeted resource and binds its flags into the saved
// plan; `apply --run` refuses that plan with no flags or with another -var value, and applies it
// with the same flags (the new value read back from the state in dev's bucket); -replace reaches
// the plan of an apply; flags that would break crossform's guarantees, and every flag outside the
// allow-list, are refused with the reason before anything runs.
import assert from "node:assert/strict";
import { appendFile, readFile, readdir } from "node:fs/promises";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import { after, before, test } from "node:test";
import {
  emulatorCliEnv,
  jsonRunReport,
  runBuiltCli,
  showResult,
  unitOfReport,
} from "../helpers/cli.ts";
import type { CliResult } from "../helpers/cli.ts";
import { copyExample } from "../helpers/example-copy.ts";
import { startMoto } from "../helpers/moto.ts";
import type { MotoServer } from "../helpers/moto.ts";
import { getStateObject } from "../helpers/aws-accounts.ts";
import { makeTempDir } from "../helpers/temp-dir.ts";
import { terraformEnv } from "../helpers/terraform.ts";

const quickstart = fileURLToPath(new URL("../fixtures/run/builtin-quickstart", import.meta.url));

const root = await makeTempDir("pass-through");
const work = join(root, "quickstart");
const home = join(root, "home");
await copyExample(quickstart, work);
await appendFile(
  join(work, "stacks", "network", "main.tf"),
  '\nresource "terraform_data" "prefix" {\n  input = var.cidr_prefix\n}\n',
);
const DEV = "network/dev/us-east-1";
const FLAGS = ["-target=terraform_data.network", "-var=cidr_prefix=10.42"];
const SHOWN = ["-target=terraform_data.network", "-var=cidr_prefix=…"];

let moto: MotoServer;
before(async () => {
  moto = await startMoto();
  for (const args of [
    ["bootstrap", "--create-role", "dev"],
    ["apply", "network", "--target", "dev", "--auto-approve", "--allow-dirty"],
  ]) {
    const result = await crossform(...args);
    assert.equal(result.code, 0, `${args.join(" ")}: ${showResult(result)}`);
  }
});
after(() => moto?.stop());

/** The built CLI in the quickstart copy, no terminal (CI=true). */
function crossform(...args: string[]): Promise<CliResult> {
  return runBuiltCli(args, {
    cwd: work,
    env: terraformEnv(emulatorCliEnv(moto.env, { home, root })),
  });
}

/** The address range network/dev's state holds, read from the state object in dev's bucket. */
async function devCidr(): Promise<string | undefined> {
  const state = JSON.parse(
    await getStateObject(moto.env, {
      bucket: "crossform-quickstart-111111111111-us-east-1",
      key: "network/terraform.tfstate",
      region: "us-east-1",
      accountId: "111111111111",
    }),
  ) as { resources: { name: string; instances: { attributes: { input: unknown } }[] }[] };
  const network = state.resources.find((r) => r.name === "network");
  // terraform_data keeps its dynamic input as { value, type }.
  const input = network?.instances[0]?.attributes.input as
    { value?: { cidr_block?: string } } | undefined;
  return input?.value?.cidr_block;
}

let planRun = "";

test("plan -- -target -var plans only the targeted resource and binds the flags into the saved plan", async () => {
  const result = await crossform(
    "plan",
    "network",
    "--target",
    "dev",
    "--format",
    "json",
    "--",
    ...FLAGS,
  );
  assert.equal(result.code, 0, showResult(result));
  const report = jsonRunReport(result);
  planRun = report.run.id;
  assert.deepEqual(report.run.terraform_args, SHOWN);
  const unit = unitOfReport(report, DEV);
  assert.deepEqual(
    unit.changes.map((c) => [c.address, c.action]),
    [["terraform_data.network", "update"]],
    "terraform_data.prefix, which the -var changes too, is not in the targeted plan",
  );
  const binding = JSON.parse(
    await readFile(
      join(
        work,
        ".crossform",
        "runs",
        planRun,
        "units",
        "network",
        "dev",
        "us-east-1",
        "binding.json",
      ),
      "utf8",
    ),
  ) as { pass_through: string[]; pass_through_sha256: string };
  assert.deepEqual(binding.pass_through, SHOWN);
  assert.match(binding.pass_through_sha256, /^[0-9a-f]{64}$/);
  const log = await readFile(
    join(work, ".crossform", "runs", planRun, "units", "network", "dev", "us-east-1", "log"),
    "utf8",
  );
  assert.match(
    log,
    /terraform plan .* -target=terraform_data\.network -var=cidr_prefix=10\.42 -out=/,
  );
});

test("apply --run refuses the saved plan without its flags, or with another -var value", async () => {
  for (const extra of [[], ["--", FLAGS[0] as string, "-var=cidr_prefix=10.43"]]) {
    const result = await crossform(
      "apply",
      "--run",
      planRun,
      "--auto-approve",
      "--allow-dirty",
      "--format",
      "json",
      ...extra,
    );
    assert.equal(result.code, 1, showResult(result));
    const unit = unitOfReport(jsonRunReport(result), DEV);
    assert.equal(unit.status, "needs-replan");
    assert.match(
      unit.reason ?? "",
      /saved plan refused: the plan was made with -target=terraform_data\.network -var=cidr_prefix=… after --, this apply was given .*: a saved plan is applied only with the flags it was planned with/,
    );
  }
  assert.equal(await devCidr(), "10.0.0.0/16", "nothing was applied");
});

test("apply --run with the same flags applies the saved plan", async () => {
  const result = await crossform(
    "apply",
    "--run",
    planRun,
    "--auto-approve",
    "--allow-dirty",
    "--format",
    "json",
    "--",
    ...FLAGS,
  );
  assert.equal(result.code, 0, showResult(result));
  const unit = unitOfReport(jsonRunReport(result), DEV);
  assert.equal(unit.status, "succeeded");
  assert.equal(await devCidr(), "10.42.0.0/16");
});

test("apply -- -replace replaces the named resource", async () => {
  const result = await crossform(
    "apply",
    "network",
    "--target",
    "dev",
    "--auto-approve",
    "--allow-dirty",
    "--format",
    "json",
    "--",
    "-replace=terraform_data.prefix",
  );
  assert.equal(result.code, 0, showResult(result));
  const unit = unitOfReport(jsonRunReport(result), DEV);
  assert.deepEqual(unit.changes.map((c) => [c.address, c.action]).sort(), [
    // The targeted apply left the network at 10.42: without the -var it goes back to 10.0.
    ["terraform_data.network", "update"],
    ["terraform_data.prefix", "replace"],
  ]);
});

test("flags outside the allow-list are refused with the reason, before anything runs", async () => {
  const cases: [string[], RegExp][] = [
    [
      ["plan", "--", "-state=local.tfstate"],
      /plan -- -state=local\.tfstate: refused: it reads or writes a local state file/,
    ],
    [
      ["apply", "--all", "--", "-lock=false"],
      /apply -- -lock=false: refused: without the state lock two runs could write one state at once/,
    ],
    [["plan", "--", "-chdir=/tmp"], /refused: each unit runs in its own working directory/],
    [
      ["plan", "--", "-backend-config=bucket=other"],
      /refused: the unit's backend comes from its generated backends file/,
    ],
    [
      ["plan", "--", "-var=crossform_account_id=333333333333"],
      /refused: crossform_account_id wires the unit to its account/,
    ],
    [
      ["plan", "--", "-var-file=prod.tfvars"],
      /refused: a variables file can set the crossform_\* variables/,
    ],
    [
      ["plan", "--", "-out=x.tfplan"],
      /refused: crossform saves each unit's plan in its run record/,
    ],
    [["plan", "--", "-refresh-only"], /refused: use crossform drift/],
    [
      ["destroy", "--all", "--allow-destroy", "--", "-replace=a.b"],
      /refused: destroy removes every resource of the unit/,
    ],
    [
      ["plan", "--", "-compact-warnings"],
      /plan -- -compact-warnings: refused: it is not on the allow-list/,
    ],
    [["plan", "--", "network"], /refused: terraform's plan takes no positional argument here/],
    [["drift", "--", "-target=a.b"], /drift takes no terraform arguments after --/],
    [["validate", "--", "-target=a.b"], /validate takes no terraform arguments after --/],
  ];
  const runs = join(work, ".crossform", "runs");
  const before = await readdir(runs);
  for (const [args, message] of cases) {
    const result = await crossform(...args);
    assert.equal(result.code, 2, `${args.join(" ")}\n${showResult(result)}`);
    assert.match(result.stderr, message, args.join(" "));
  }
  assert.deepEqual(await readdir(runs), before, "no run was recorded");
});
