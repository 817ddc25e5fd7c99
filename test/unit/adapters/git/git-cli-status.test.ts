import assert from "node:assert/strict";
import { execFile } from "node:child_process";
import { mkdir, writeFile } from "node:fs/promises";
import { join } from "node:path";
import { promisify } from "node:util";
import { test } from "node:test";
import { GitCliStatus, parsePorcelainZ } from "../../../../src/adapters/git/git-cli-status.ts";
import { CrossformError } from "../../../../src/core/errors.ts";
import { makeTempDir } from "../../../helpers/temp-dir.ts";

const run = promisify(execFile);

test("parsePorcelainZ: modified, untracked, renamed (new path), paths with spaces", () => {
  const output = [" M a.tf", "?? dir/new file.tf", "R  new.tf", "old.tf", "A  added.tf", ""].join(
    "\0",
  );
  assert.deepEqual(parsePorcelainZ(output), ["a.tf", "dir/new file.tf", "new.tf", "added.tf"]);
  assert.deepEqual(parsePorcelainZ(""), []);
});

test("a real repository: clean, then changed and untracked files, .crossform/ left out; outside git", async () => {
  const dir = await makeTempDir("git-status");
  const git = (...args: string[]) =>
    run("git", ["-c", "user.name=t", "-c", "user.email=t@example.com", ...args], { cwd: dir });
  const status = new GitCliStatus(process.env);
  assert.deepEqual(await status.status(dir), { kind: "outside" });

  await git("init", "-q");
  await writeFile(join(dir, "main.tf"), "locals {}\n");
  await git("add", "-A");
  await git("commit", "-qm", "one");
  await mkdir(join(dir, "stacks", "app"), { recursive: true });
  assert.deepEqual(await status.status(join(dir, "stacks", "app")), {
    kind: "repository",
    changed: [],
  });

  await writeFile(join(dir, "main.tf"), "locals { a = 1 }\n");
  await writeFile(join(dir, "stacks", "app", "new.tf"), "");
  await mkdir(join(dir, "stacks", ".crossform", "runs"), { recursive: true });
  await writeFile(join(dir, "stacks", ".crossform", "runs", "x"), "");
  await mkdir(join(dir, ".crossform"), { recursive: true });
  await writeFile(join(dir, ".crossform", "y"), "");
  const changed = await status.status(join(dir, "stacks", "app"));
  assert.deepEqual(changed, { kind: "repository", changed: ["main.tf", "stacks/app/new.tf"] });
});

test("git missing from the PATH is an external error naming --allow-dirty", async () => {
  const dir = await makeTempDir("git-missing");
  const status = new GitCliStatus({ ...process.env, PATH: join(dir, "no-bin") });
  await assert.rejects(status.status(dir), (error: unknown) => {
    assert.ok(error instanceof CrossformError);
    assert.equal(error.code, "run/git-missing");
    assert.equal(error.source, "external");
    assert.match(error.hint ?? "", /--allow-dirty/);
    return true;
  });
});
