// A stack's scratch copy for `validate --terraform`, on a real file system.
import assert from "node:assert/strict";
import { lstat, mkdir, readFile, readdir, readlink, realpath, writeFile } from "node:fs/promises";
import { join } from "node:path";
import { test } from "node:test";
import { prepareStackWorkspace } from "../../../../src/adapters/terraform/stack-workspace.ts";
import { CrossformError } from "../../../../src/core/errors.ts";
import { makeTempDir } from "../../../helpers/temp-dir.ts";

/** repo/ (a git repository) with crossform.yaml in repo/infra and the stack repo/infra/stacks/app. */
async function makeRepository(): Promise<{ repo: string; configDir: string; stack: string }> {
  const repo = await realpath(await makeTempDir("stack-workspace"));
  const configDir = join(repo, "infra");
  const stack = join(configDir, "stacks", "app");
  await mkdir(join(repo, ".git"), { recursive: true });
  await mkdir(join(repo, "modules", "m"), { recursive: true });
  await writeFile(join(repo, "modules", "m", "main.tf"), "");
  await mkdir(stack, { recursive: true });
  await writeFile(join(configDir, "crossform.yaml"), "version: 1\n");
  await writeFile(join(stack, "main.tf"), 'module "m" {\n  source = "../../../modules/m"\n}\n');
  return { repo, configDir, stack };
}

test("the scratch copy mirrors the repository under .crossform/validate/<stack>; the stack's files are links", async () => {
  const { repo, configDir, stack } = await makeRepository();
  const ws = await prepareStackWorkspace(
    { configDir, repositoryRoot: repo },
    { stack: "app", stackPath: "stacks/app" },
  );
  const base = join(configDir, ".crossform", "validate", "app");
  assert.equal(ws.workRoot, join(base, "work"));
  assert.equal(ws.stackDir, join(base, "work", "infra", "stacks", "app"));
  assert.equal(ws.dataDir, join(base, "data"));
  assert.equal(ws.logFile, join(base, "log"));
  assert.equal(ws.realStackDir, stack);
  assert.equal(ws.repositoryRoot, repo);
  assert.equal(ws.hasLockFile, false);
  assert.equal(await readlink(join(ws.stackDir, "main.tf")), join(stack, "main.tf"));
  assert.equal(await readlink(join(ws.workRoot, "modules")), join(repo, "modules"));
  assert.equal((await lstat(ws.dataDir)).mode & 0o777, 0o700);
  assert.deepEqual(await readdir(stack), ["main.tf"], "nothing is written into the stack");
});

test("a lock file the stack has is linked; one an earlier init wrote into the copy is removed", async () => {
  const { repo, configDir, stack } = await makeRepository();
  const location = { configDir, repositoryRoot: repo };
  const spec = { stack: "app", stackPath: "stacks/app" };
  const first = await prepareStackWorkspace(location, spec);
  // terraform init, without a lock file in the stack, writes one into its working directory.
  await writeFile(join(first.stackDir, ".terraform.lock.hcl"), "# selected by an earlier init\n");
  await writeFile(first.logFile, "old log\n");
  const again = await prepareStackWorkspace(location, spec);
  assert.equal(again.hasLockFile, false);
  await assert.rejects(lstat(join(again.stackDir, ".terraform.lock.hcl")), /ENOENT/);
  await assert.rejects(readFile(again.logFile), /ENOENT/, "each preparation empties the log");

  // The user commits a lock file: it is linked, read-only to terraform through -lockfile=readonly.
  await writeFile(join(first.stackDir, ".terraform.lock.hcl"), "# written by init again\n");
  await writeFile(join(stack, ".terraform.lock.hcl"), "# committed\n");
  const locked = await prepareStackWorkspace(location, spec);
  assert.equal(locked.hasLockFile, true);
  assert.equal(
    await readlink(join(locked.stackDir, ".terraform.lock.hcl")),
    join(stack, ".terraform.lock.hcl"),
  );
});

test("a missing stack directory is the user's error, naming stacks.<name>.path", async () => {
  const { repo, configDir } = await makeRepository();
  await assert.rejects(
    prepareStackWorkspace(
      { configDir, repositoryRoot: repo },
      { stack: "gone", stackPath: "stacks/gone" },
    ),
    (error: unknown) =>
      error instanceof CrossformError &&
      error.code === "run/missing-stack-dir" &&
      /stacks\.gone\.path "stacks\/gone"/.test(error.message),
  );
});
