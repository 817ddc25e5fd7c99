// Checkouts of a commit with the real git: the committed files (links, executable bits, a
// submodule as a link), never the working tree's or the index's changes, which are left as they
// were; made once per commit and reused; old checkouts pruned.
import assert from "node:assert/strict";
import { execFile } from "node:child_process";
import {
  lstat,
  mkdir,
  readFile,
  readlink,
  readdir,
  stat,
  symlink,
  utimes,
  writeFile,
} from "node:fs/promises";
import { join } from "node:path";
import { promisify } from "node:util";
import { test } from "node:test";
import { GitCliStatus } from "../../../../src/adapters/git/git-cli-status.ts";
import { makeTempDir } from "../../../helpers/temp-dir.ts";

const run = promisify(execFile);

async function repository(dir: string) {
  const git = async (...args: string[]) =>
    (
      await run(
        "git",
        [
          "-c",
          "user.name=t",
          "-c",
          "user.email=t@example.com",
          "-c",
          "protocol.file.allow=always",
          ...args,
        ],
        {
          cwd: dir,
        },
      )
    ).stdout.trim();
  await git("init", "-q");
  return git;
}

test("a checkout holds the commit's files, not the working tree's or the index's changes, and touches neither", async () => {
  const dir = await makeTempDir("checkout");
  const git = await repository(dir);
  await mkdir(join(dir, "stacks", "app"), { recursive: true });
  await writeFile(join(dir, "stacks", "app", "main.tf"), "locals { a = 1 }\n");
  await writeFile(join(dir, "run.sh"), "#!/bin/sh\n", { mode: 0o755 });
  await symlink("stacks/app", join(dir, "app-link"));
  await writeFile(join(dir, ".gitignore"), ".crossform/\n");
  await git("add", "-A");
  await git("commit", "-qm", "one");
  const commit = await git("rev-parse", "HEAD");
  await writeFile(join(dir, "stacks", "app", "main.tf"), "locals { a = 2 }\n");
  await writeFile(join(dir, "stacks", "app", "staged.tf"), "locals {}\n");
  await git("add", "stacks/app/staged.tf");
  await writeFile(join(dir, "stacks", "app", "untracked.tf"), "locals {}\n");
  const before = await git("status", "--porcelain=v1");

  const status = new GitCliStatus(process.env);
  assert.deepEqual(await status.head(join(dir, "stacks")), { commit, root: dir });
  const cache = join(dir, ".crossform", "commits");
  const root = await status.checkoutCommit(join(dir, "stacks"), commit, cache);
  assert.equal(root, join(cache, commit));
  assert.equal(
    await readFile(join(root, "stacks", "app", "main.tf"), "utf8"),
    "locals { a = 1 }\n",
  );
  assert.deepEqual((await readdir(join(root, "stacks", "app"))).sort(), ["main.tf"]);
  assert.equal(await readlink(join(root, "app-link")), "stacks/app");
  assert.equal((await stat(join(root, "run.sh"))).mode & 0o111, 0o111);
  assert.equal(await git("status", "--porcelain=v1"), before, "index and working tree untouched");
  assert.deepEqual(await readdir(cache), [commit], "no temporary files left");

  // Made once: a later call reuses it as it is.
  const marker = join(root, "stacks", "app", "main.tf");
  const inode = (await stat(marker)).ino;
  assert.equal(await status.checkoutCommit(dir, commit, cache), root);
  assert.equal((await stat(marker)).ino, inode);
});

test("a submodule is a link to its checkout in the working tree; old checkouts beyond the newest five are pruned", async () => {
  const dir = await makeTempDir("checkout-sub");
  const modules = join(dir, "modules-repo");
  const main = join(dir, "main");
  await mkdir(modules);
  await mkdir(main);
  const gitModules = await repository(modules);
  await writeFile(join(modules, "module.tf"), 'variable "x" {}\n');
  await gitModules("add", "-A");
  await gitModules("commit", "-qm", "module");
  const git = await repository(main);
  await git("submodule", "add", "-q", modules, "vendor/modules");
  await git("commit", "-qm", "with a submodule");
  const commit = await git("rev-parse", "HEAD");
  const cache = join(main, ".crossform", "commits");
  // Six stale checkouts of other commits, unused for two days.
  for (let i = 0; i < 6; i += 1) {
    const old = join(cache, `${i}`.repeat(40));
    await mkdir(old, { recursive: true });
    const longAgo = new Date(Date.now() - 2 * 24 * 3600 * 1000 - i * 1000);
    await utimes(old, longAgo, longAgo);
  }
  const status = new GitCliStatus(process.env);
  const root = await status.checkoutCommit(main, commit, cache);
  assert.ok((await lstat(join(root, "vendor", "modules"))).isSymbolicLink());
  assert.equal(await readlink(join(root, "vendor", "modules")), join(main, "vendor", "modules"));
  assert.equal(
    await readFile(join(root, "vendor", "modules", "module.tf"), "utf8"),
    'variable "x" {}\n',
  );
  const kept = (await readdir(cache)).sort();
  assert.equal(kept.length, 5, kept.join(", "));
  assert.ok(kept.includes(commit));
  assert.ok(!kept.includes("5".repeat(40)), "the oldest went");
});
