import assert from "node:assert/strict";
import { lstat, mkdir, readFile, readdir, readlink, writeFile } from "node:fs/promises";
import { delimiter, join } from "node:path";
import { before, describe, test } from "node:test";
import type { StackValidation } from "../../src/app/validate-terraform.ts";
import { runBuiltCli, showResult } from "../helpers/cli.ts";
import type { CliResult } from "../helpers/cli.ts";
import {
  AWS_PROVIDER_VERSION,
  awsProviderMirror,
  writeMirrorCliConfig,
} from "../helpers/provider-mirror.ts";
import { makeTempDir } from "../helpers/temp-dir.ts";
import { recordingTerraform, runTerraform } from "../helpers/terraform.ts";

// `crossform validate --terraform` as users run it: the built CLI, real terraform, and the real
// hashicorp/aws provider from the machine's filesystem mirror (TESTING.md).

const work = await makeTempDir("validate-terraform");

const REQUIRED = [
  "terraform {",
  "  required_providers {",
  `    aws = { source = "hashicorp/aws", version = "${AWS_PROVIDER_VERSION}" }`,
  "  }",
  "}",
  "",
].join("\n");

/** Stacks that each create a real SSM parameter with the aws provider. */
const STACKS: Record<string, Record<string, string>> = {
  // A syntax error: a bare word where an argument belongs, on line 10.
  "stacks/broken": {
    "main.tf": [
      REQUIRED,
      'resource "aws_ssm_parameter" "p" {',
      '  name  = "/crossform/broken"',
      '  type  = "String"',
      "  oops",
      "}",
      "",
    ].join("\n"),
  },
  // A reference to a variable nobody declared, on line 9 column 11.
  "stacks/undeclared": {
    "main.tf": [
      REQUIRED,
      'resource "aws_ssm_parameter" "p" {',
      '  name  = "/crossform/undeclared"',
      '  type  = "String"',
      "  value = var.missing",
      "}",
      "",
    ].join("\n"),
  },
  // The error is in a local module the stack calls: named at the module's own file.
  "stacks/calls-module": {
    "main.tf": [REQUIRED, 'module "param" {', '  source = "../../modules/param"', "}", ""].join(
      "\n",
    ),
  },
  "modules/param": {
    "main.tf": [
      REQUIRED,
      'resource "aws_ssm_parameter" "p" {',
      '  name  = "/crossform/module"',
      '  type  = "String"',
      '  value = "x"',
      '  no_such_argument = "y"',
      "}",
      "",
    ].join("\n"),
  },
  // Valid, with a committed lock file: init must use it read-only.
  "stacks/good": {
    "main.tf": [
      REQUIRED,
      'variable "name" { type = string }',
      'resource "aws_ssm_parameter" "p" {',
      "  name  = var.name",
      '  type  = "String"',
      '  value = "x"',
      "}",
      "",
    ].join("\n"),
  },
};

let cliConfig: string;
let lockFile: string;

/** The environment of a user with no AWS setup: the mirror's CLI config, their own HOME. */
function cliEnv(bin?: string): NodeJS.ProcessEnv {
  const env: NodeJS.ProcessEnv = {};
  for (const [key, value] of Object.entries(process.env)) {
    if (!key.startsWith("AWS_") && !key.startsWith("TF_")) env[key] = value;
  }
  return {
    ...env,
    HOME: join(work, "home"),
    USER: "e2e",
    CI: "true",
    CHECKPOINT_DISABLE: "1",
    TF_CLI_CONFIG_FILE: cliConfig,
    ...(bin === undefined ? {} : { PATH: `${bin}${delimiter}${process.env.PATH ?? ""}` }),
  };
}

/** A project with the given stack directories, each deployed to two accounts. */
async function project(name: string, stacks: string[]): Promise<string> {
  const dir = join(work, name);
  for (const [path, files] of Object.entries(STACKS)) {
    if (!stacks.includes(path) && path !== "modules/param") continue;
    await mkdir(join(dir, path), { recursive: true });
    for (const [file, text] of Object.entries(files)) await writeFile(join(dir, path, file), text);
  }
  if (stacks.includes("stacks/good")) {
    await writeFile(join(dir, "stacks/good/.terraform.lock.hcl"), lockFile);
  }
  await writeFile(
    join(dir, "crossform.yaml"),
    [
      "version: 1",
      "base: { region: us-east-1 }",
      "defaults: { role: TerraformDeploy, regions: [us-east-1] }",
      'state: { bucket: "tfstate-{account_id}", key: "{stack}/terraform.tfstate", lock: s3 }',
      "accounts:",
      '  dev: { id: "111111111111" }',
      '  prod: { id: "222222222222" }',
      "stacks:",
      ...stacks.map(
        (path) => `  ${path.slice("stacks/".length)}: { path: ${path}, accounts: [dev, prod] }`,
      ),
      "",
    ].join("\n"),
  );
  return dir;
}

/** Every file and link under `root` with its bytes or target (`.crossform/` left out). */
async function snapshot(root: string): Promise<Map<string, string>> {
  const out = new Map<string, string>();
  const visit = async (relative: string): Promise<void> => {
    for (const entry of await readdir(join(root, relative), { withFileTypes: true })) {
      if (entry.name === ".crossform") continue;
      const path = relative === "" ? entry.name : `${relative}/${entry.name}`;
      const full = join(root, path);
      if (entry.isSymbolicLink()) out.set(path, `-> ${await readlink(full)}`);
      else if (entry.isDirectory()) await visit(path);
      else out.set(path, (await readFile(full)).toString("base64"));
    }
  };
  await visit("");
  return out;
}

function stacksOf(result: CliResult): StackValidation[] {
  const report = JSON.parse(result.stdout) as { terraform: { stacks: StackValidation[] } };
  return report.terraform.stacks;
}

before(async () => {
  awsProviderMirror();
  cliConfig = await writeMirrorCliConfig(work);
  // The lock file a user commits: written once by terraform init against the mirror.
  const scratch = join(work, "lock-source");
  await mkdir(scratch, { recursive: true });
  await writeFile(join(scratch, "main.tf"), REQUIRED);
  const init = await runTerraform(["init", "-backend=false", "-input=false", "-no-color"], {
    cwd: scratch,
    env: { ...cliEnv(), TF_DATA_DIR: join(scratch, ".data") },
  });
  assert.equal(init.code, 0, init.stderr);
  lockFile = await readFile(join(scratch, ".terraform.lock.hcl"), "utf8");
});

describe("crossform validate --terraform (built CLI, real terraform and hashicorp/aws)", () => {
  test("a syntax error, an undeclared variable and a module's unknown argument are caught with file:line:column; the valid stack passes", async () => {
    const stacks = ["stacks/broken", "stacks/undeclared", "stacks/calls-module", "stacks/good"];
    const dir = await project("mixed", stacks);
    const tf = await recordingTerraform(work, "mixed");
    const userTree = await snapshot(dir);

    // Offline validate passes both and starts no terraform.
    const offline = await runBuiltCli(["validate"], { cwd: dir, env: cliEnv(tf.bin) });
    assert.equal(offline.code, 0, showResult(offline));
    assert.deepEqual(await tf.calls(), [], "validate without --terraform is offline");

    const result = await runBuiltCli(["validate", "--terraform"], {
      cwd: dir,
      env: cliEnv(tf.bin),
    });
    assert.equal(result.code, 1, showResult(result));
    assert.match(
      result.stderr,
      /^stacks\/broken\/main\.tf:10:3: error: Argument or block definition required: /m,
    );
    assert.match(
      result.stderr,
      /^stacks\/undeclared\/main\.tf:10:11: error: Reference to undeclared input variable: An input variable with the name "missing" has not been declared/m,
    );
    assert.match(
      result.stderr,
      /^modules\/param\/main\.tf:11:3: error: Unsupported argument: An argument named "no_such_argument" is not expected here\. \[terraform\/validate\]$/m,
    );
    assert.match(result.stderr, /^ {2}good \(stacks\/good\): valid$/m);
    assert.match(
      result.stderr,
      /^ {2}broken \(stacks\/broken\): invalid \(1 error\); log: \.crossform\/validate\/broken\/log$/m,
    );
    assert.match(result.stderr, /^1 of 4 valid, 3 invalid$/m);

    // Each stack directory once (not once per unit: there are 8 units), init before validate;
    // the committed lock file is used read-only.
    const calls = await tf.calls();
    const inits = calls.filter((c) => c.startsWith("init "));
    const validates = calls.filter((c) => c.startsWith("validate "));
    assert.equal(inits.length, 4, calls.join("\n"));
    assert.equal(validates.length, 4, calls.join("\n"));
    assert.ok(inits.every((c) => c.includes("-backend=false")));
    assert.equal(inits.filter((c) => c.includes("-lockfile=readonly")).length, 1);

    // Nothing was written into the user's tree: no .terraform, no lock file, the lock file intact.
    assert.deepEqual(await snapshot(dir), userTree);
    // The provider is linked from the shared cache, which links to the mirror: no 700 MB copy.
    const cached = join(
      dir,
      `.crossform/plugin-cache/registry.terraform.io/hashicorp/aws/${AWS_PROVIDER_VERSION}/linux_amd64`,
    );
    assert.ok((await lstat(cached)).isSymbolicLink(), "the cache links to the mirror");
  });

  test("a valid stack exits 0 (JSON); then a provider its lock file does not list: exit 1 with terraform's reason, the lock file untouched", async () => {
    const dir = await project("lock-mismatch", ["stacks/good"]);
    const valid = await runBuiltCli(["validate", "--terraform", "--json"], {
      cwd: dir,
      env: cliEnv(),
    });
    assert.equal(valid.code, 0, showResult(valid));
    assert.deepEqual(stacksOf(valid), [
      {
        stacks: ["good"],
        path: "stacks/good",
        status: "valid",
        diagnostics: [],
        log: ".crossform/validate/good/log",
      },
    ]);

    await writeFile(
      join(dir, "stacks/good/extra.tf"),
      'resource "random_id" "x" {\n  byte_length = 4\n}\n',
    );
    const before = await readFile(join(dir, "stacks/good/.terraform.lock.hcl"), "utf8");
    const result = await runBuiltCli(["validate", "--terraform"], { cwd: dir, env: cliEnv() });
    assert.equal(result.code, 1, showResult(result));
    assert.match(
      result.stderr,
      /^error: stack stacks\/good: terraform init -backend=false failed: Error: /m,
    );
    assert.match(result.stderr, /^ {2}good \(stacks\/good\): failed \(1 error\); log: /m);
    assert.equal(
      await readFile(join(dir, "stacks/good/.terraform.lock.hcl"), "utf8"),
      before,
      "the lock file is read-only",
    );
  });

  test("an invalid configuration: exit 2 and no terraform runs", async () => {
    const dir = await project("bad-config", ["stacks/good"]);
    await writeFile(
      join(dir, "crossform.yaml"),
      (await readFile(join(dir, "crossform.yaml"), "utf8")).replace("accounts:", "acounts:"),
    );
    const tf = await recordingTerraform(work, "bad-config");
    const result = await runBuiltCli(["validate", "--terraform"], {
      cwd: dir,
      env: cliEnv(tf.bin),
    });
    assert.equal(result.code, 2, showResult(result));
    assert.match(result.stderr, /terraform validate was not run: fix the configuration first/);
    assert.deepEqual(await tf.calls(), []);
  });
});
