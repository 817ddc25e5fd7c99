// A unit's mirrored working directory and data directory, on a real file system, with real
// terraform resolving a module two levels above the stack through the mirror.
import assert from "node:assert/strict";
import {
  lstat,
  mkdir,
  readFile,
  readdir,
  readlink,
  realpath,
  rm,
  stat,
  symlink,
  unlink,
  writeFile,
} from "node:fs/promises";
import { join } from "node:path";
import { test } from "node:test";
import { SpawnTerraformRunner } from "../../../../src/adapters/terraform/spawn-terraform-runner.ts";
import {
  findRepositoryRoot,
  prepareUnitWorkspace,
} from "../../../../src/adapters/terraform/unit-workspace.ts";
import { CrossformError } from "../../../../src/core/errors.ts";
import type { UnitWorkspaceSpec } from "../../../../src/ports/terraform-runner.ts";
import { makeTempDir } from "../../../helpers/temp-dir.ts";
import { terraformEnv } from "../../../helpers/terraform.ts";

const SPEC: UnitWorkspaceSpec = {
  unitId: "app/dev/us-east-1",
  stack: "app",
  account: "dev",
  region: "us-east-1",
  stackPath: "stacks/app",
  fileStem: "dev",
};

const BACKEND = `bucket = "state-111111111111"\nkey = "app/terraform.tfstate"\nregion = "us-east-1"\n`;

/**
 * repo/ (a git repository) with crossform.yaml in repo/infra and the stack repo/infra/stacks/app,
 * which calls ../../../modules/label (outside the config directory) and ./local.
 */
async function makeRepository(): Promise<{ repo: string; configDir: string; stack: string }> {
  const repo = await realpath(await makeTempDir("workspace"));
  const configDir = join(repo, "infra");
  const stack = join(configDir, "stacks", "app");
  await mkdir(join(repo, ".git"), { recursive: true });
  await writeFile(join(repo, ".git", "HEAD"), "ref: refs/heads/main\n");
  await writeFile(join(repo, "README.md"), "# repo\n");
  await mkdir(join(repo, "modules", "label"), { recursive: true });
  await writeFile(
    join(repo, "modules", "label", "main.tf"),
    'variable "name" {\n  type = string\n}\n\noutput "label" {\n  value = "label-${var.name}"\n}\n',
  );
  await mkdir(join(stack, "local"), { recursive: true });
  await writeFile(join(configDir, "crossform.yaml"), "version: 1\n");
  await mkdir(join(stack, "backends"), { recursive: true });
  await mkdir(join(stack, "targets"), { recursive: true });
  await mkdir(join(stack, ".terraform"), { recursive: true });
  await mkdir(join(configDir, "stacks", "other"), { recursive: true });
  await writeFile(join(configDir, "stacks", "other", "main.tf"), "");
  await writeFile(
    join(stack, "main.tf"),
    [
      'module "label" {\n  source = "../../../modules/label"\n  name   = "app"\n}\n',
      'module "local" {\n  source = "./local"\n}\n',
      'output "label" {\n  value = module.label.label\n}\n',
      'output "local" {\n  value = module.local.where\n}\n',
    ].join("\n"),
  );
  await writeFile(join(stack, "local", "main.tf"), 'output "where" {\n  value = "local"\n}\n');
  await writeFile(join(stack, "notes.txt"), "notes\n");
  await writeFile(join(stack, ".terraform.lock.hcl"), "# maintained by terraform init\n");
  await writeFile(join(stack, "errored.tfstate"), '{"stale": "the user\'s own"}\n');
  await writeFile(join(stack, "backends", "dev.s3.tfbackend"), BACKEND);
  await writeFile(join(stack, "targets", "dev.tfvars.json"), "{}\n");
  return { repo, configDir, stack };
}

async function entries(dir: string): Promise<Record<string, string>> {
  const found: Record<string, string> = {};
  for (const entry of await readdir(dir, { withFileTypes: true })) {
    const path = join(dir, entry.name);
    found[entry.name] = entry.isSymbolicLink()
      ? `-> ${await readlink(path)}`
      : entry.isDirectory()
        ? "dir"
        : "file";
  }
  return found;
}

async function mode(path: string): Promise<number> {
  return (await stat(path)).mode & 0o777;
}

test("findRepositoryRoot: the nearest .git above the config directory, else the directory itself", async () => {
  const { repo, configDir } = await makeRepository();
  assert.equal(await findRepositoryRoot(configDir), repo);
  assert.equal(await findRepositoryRoot(join(configDir, "stacks", "app")), repo);
  const loose = await realpath(await makeTempDir("no-git"));
  assert.equal(await findRepositoryRoot(loose), loose);
  // A worktree or submodule has a .git file, not a directory.
  await writeFile(join(loose, ".git"), "gitdir: /elsewhere\n");
  await mkdir(join(loose, "sub"));
  assert.equal(await findRepositoryRoot(join(loose, "sub")), loose);
});

test("the mirror: top-level entries linked, the directories down to the stack real, the stack's files linked", async () => {
  const { repo, configDir, stack } = await makeRepository();
  const ws = await prepareUnitWorkspace({ configDir, repositoryRoot: repo }, SPEC);
  const unitDir = join(configDir, ".crossform", "units", "app", "dev", "us-east-1");
  assert.equal(ws.unitId, "app/dev/us-east-1");
  assert.equal(ws.workRoot, join(unitDir, "work"));
  assert.equal(ws.stackDir, join(unitDir, "work", "infra", "stacks", "app"));
  assert.equal(ws.dataDir, join(unitDir, "data"));
  assert.equal(ws.realStackDir, stack);
  assert.equal(ws.backendFile, join(stack, "backends", "dev.s3.tfbackend"));
  assert.equal(ws.varFile, join(stack, "targets", "dev.tfvars.json"));
  assert.equal(ws.erroredStateFile, join(ws.stackDir, "errored.tfstate"));
  assert.equal(ws.hasLockFile, true);
  assert.equal(ws.dataDirRebuilt, undefined);

  assert.equal(await mode(join(configDir, ".crossform")), 0o700);
  for (const dir of [unitDir, ws.workRoot, ws.dataDir]) assert.equal(await mode(dir), 0o700, dir);

  assert.deepEqual(await entries(ws.workRoot), {
    "README.md": `-> ${join(repo, "README.md")}`,
    infra: "dir",
    modules: `-> ${join(repo, "modules")}`,
  });
  assert.deepEqual(await entries(join(ws.workRoot, "infra")), {
    "crossform.yaml": `-> ${join(configDir, "crossform.yaml")}`,
    stacks: "dir",
  });
  assert.deepEqual(await entries(join(ws.workRoot, "infra", "stacks")), {
    app: "dir",
    other: `-> ${join(configDir, "stacks", "other")}`,
  });
  // errored.tfstate and .terraform of the real stack are not linked: terraform writes there.
  assert.deepEqual(await entries(ws.stackDir), {
    ".terraform.lock.hcl": `-> ${join(stack, ".terraform.lock.hcl")}`,
    backends: `-> ${join(stack, "backends")}`,
    local: `-> ${join(stack, "local")}`,
    "main.tf": `-> ${join(stack, "main.tf")}`,
    "notes.txt": `-> ${join(stack, "notes.txt")}`,
    targets: `-> ${join(stack, "targets")}`,
  });
});

test("terraform in the mirror resolves ../../../modules as in the real tree and writes only into the unit's directory", async () => {
  const { repo, configDir, stack } = await makeRepository();
  // The stack has no backend block here: local state, no emulator needed.
  const runner = new SpawnTerraformRunner({
    configDir,
    env: terraformEnv({ PATH: process.env.PATH, HOME: process.env.HOME }),
    baseProfile: undefined,
  });
  const ws = await runner.prepareUnit(SPEC);
  const logFile = join(configDir, ".crossform", "runs", "t", "units", SPEC.unitId, "log");
  const init = await runner.start({
    args: ["init", "-input=false", "-no-color", "-lockfile=readonly"],
    cwd: ws.stackDir,
    dataDir: ws.dataDir,
    logFile,
  }).result;
  assert.equal(init.exitCode, 0, init.stderr);
  const apply = await runner.start({
    args: ["apply", "-auto-approve", "-input=false", "-no-color"],
    cwd: ws.stackDir,
    dataDir: ws.dataDir,
    logFile,
  }).result;
  assert.equal(apply.exitCode, 0, apply.stderr);
  const output = await runner.start({
    args: ["output", "-json", "-no-color"],
    cwd: ws.stackDir,
    dataDir: ws.dataDir,
    logFile,
    stdout: "capture",
  }).result;
  const outputs = JSON.parse(output.stdout) as Record<string, { value: string }>;
  assert.equal(outputs.label?.value, "label-app");
  assert.equal(outputs.local?.value, "local");

  // Terraform follows the links: the modules it loaded are the user's own files. State and
  // module records went to the unit's own directories, nothing into the user's tree.
  assert.ok((await lstat(join(ws.stackDir, "terraform.tfstate"))).isFile());
  const modules = JSON.parse(
    await readFile(join(ws.dataDir, "modules", "modules.json"), "utf8"),
  ) as {
    Modules: { Key: string; Dir: string }[];
  };
  assert.deepEqual(modules.Modules.map((m) => [m.Key, m.Dir]).sort(), [
    ["", "."],
    ["label", join(repo, "modules", "label")],
    ["local", join(stack, "local")],
  ]);
  assert.deepEqual((await readdir(stack)).sort(), [
    ".terraform",
    ".terraform.lock.hcl",
    "backends",
    "errored.tfstate",
    "local",
    "main.tf",
    "notes.txt",
    "targets",
  ]);
  assert.deepEqual(await readdir(join(stack, ".terraform")), []);
  assert.equal(
    await readFile(join(stack, "errored.tfstate"), "utf8"),
    '{"stale": "the user\'s own"}\n',
  );
  assert.deepEqual(await readdir(join(repo, "modules", "label")), ["main.tf"]);
});

test("preparing again follows added and removed files, repairs links and keeps what terraform wrote", async () => {
  const { repo, configDir, stack } = await makeRepository();
  const location = { configDir, repositoryRoot: repo };
  const first = await prepareUnitWorkspace(location, SPEC);
  await writeFile(join(first.stackDir, "errored.tfstate"), '{"serial": 7}\n');
  await writeFile(join(first.stackDir, "terraform.tfstate"), "{}\n");
  await writeFile(join(stack, "extra.tf"), "");
  await unlink(join(stack, "notes.txt"));
  await unlink(join(stack, ".terraform.lock.hcl"));
  await writeFile(join(repo, "LICENSE"), "");
  await unlink(join(first.stackDir, "main.tf"));
  await symlink(join(repo, "README.md"), join(first.stackDir, "main.tf"));

  const again = await prepareUnitWorkspace(location, SPEC);
  assert.equal(again.stackDir, first.stackDir);
  assert.equal(again.hasLockFile, false);
  assert.deepEqual(await entries(again.stackDir), {
    backends: `-> ${join(stack, "backends")}`,
    "errored.tfstate": "file",
    "extra.tf": `-> ${join(stack, "extra.tf")}`,
    local: `-> ${join(stack, "local")}`,
    "main.tf": `-> ${join(stack, "main.tf")}`,
    targets: `-> ${join(stack, "targets")}`,
    "terraform.tfstate": "file",
  });
  assert.equal(await readFile(again.erroredStateFile, "utf8"), '{"serial": 7}\n');
  assert.equal((await entries(again.workRoot)).LICENSE, `-> ${join(repo, "LICENSE")}`);
  const third = await prepareUnitWorkspace(location, SPEC);
  assert.deepEqual(await entries(third.stackDir), await entries(again.stackDir), "idempotent");
});

test("a file of the unit's own where a link belongs is refused, not overwritten", async () => {
  const { repo, configDir } = await makeRepository();
  const location = { configDir, repositoryRoot: repo };
  const ws = await prepareUnitWorkspace(location, SPEC);
  await unlink(join(ws.stackDir, "main.tf"));
  await writeFile(join(ws.stackDir, "main.tf"), "# written in the mirror\n");
  await assert.rejects(
    prepareUnitWorkspace(location, SPEC),
    (error: unknown) =>
      error instanceof CrossformError &&
      error.code === "run/workspace-conflict" &&
      error.message.includes(join(ws.stackDir, "main.tf")),
  );
  assert.equal(await readFile(join(ws.stackDir, "main.tf"), "utf8"), "# written in the mirror\n");
});

test("a data directory initialised for another key is deleted; the same backend keeps it", async () => {
  const { repo, configDir, stack } = await makeRepository();
  const location = { configDir, repositoryRoot: repo };
  const ws = await prepareUnitWorkspace(location, SPEC);
  const record = (key: string): string =>
    JSON.stringify({
      version: 3,
      backend: { type: "s3", config: { bucket: "state-111111111111", key, region: "us-east-1" } },
    });
  await writeFile(join(ws.dataDir, "terraform.tfstate"), record("app/terraform.tfstate"));
  await writeFile(join(ws.dataDir, "marker"), "");
  await writeFile(join(ws.dataDir, "environment"), "other");
  const kept = await prepareUnitWorkspace(location, SPEC);
  assert.equal(kept.dataDirRebuilt, undefined);
  assert.deepEqual(
    (await readdir(ws.dataDir)).sort(),
    ["marker", "terraform.tfstate"],
    "the workspace selection is gone",
  );

  await writeFile(join(stack, "backends", "dev.s3.tfbackend"), BACKEND.replace("app/", "moved/"));
  const rebuilt = await prepareUnitWorkspace(location, SPEC);
  assert.match(rebuilt.dataDirRebuilt ?? "", /app\/terraform\.tfstate .*moved\/terraform\.tfstate/);
  assert.deepEqual(await readdir(ws.dataDir), []);
  assert.equal(await mode(ws.dataDir), 0o700);
});

test("user errors: a stack outside the repository, a missing stack directory, a missing backend file", async () => {
  const { repo, configDir, stack } = await makeRepository();
  const location = { configDir, repositoryRoot: repo };
  const code = (expected: string) => (error: unknown) =>
    error instanceof CrossformError && error.code === expected && error.source === "user";
  await assert.rejects(
    prepareUnitWorkspace(location, { ...SPEC, stackPath: "../../elsewhere" }),
    code("run/stack-outside-repository"),
  );
  await assert.rejects(
    prepareUnitWorkspace(location, { ...SPEC, stackPath: "stacks/missing" }),
    code("run/missing-stack-dir"),
  );
  await rm(join(stack, "backends", "dev.s3.tfbackend"));
  await assert.rejects(
    prepareUnitWorkspace(location, SPEC),
    (error: unknown) =>
      code("run/missing-backend-file")(error) &&
      (error as Error).message.includes(join(stack, "backends", "dev.s3.tfbackend")),
  );
});
